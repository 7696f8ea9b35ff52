"""Timecode text (issue 14): HH:MM:SS:FF at the project fps, and the seconds display."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studio.timecode import parse_timecode, time_text, timecode


def test_one_second_is_not_a_minute():
    assert timecode(24, 24) == "00:00:01:00"
    assert timecode(30 * 61 + 7, 30) == "00:01:01:07"
    assert timecode(25 * 3600, 25) == "01:00:00:00"
    assert time_text(36, 24, seconds=True) == "1.50 s"


@given(st.sampled_from([24, 25, 30]), st.integers(0, 10**7))
def test_round_trip(fps, frame):
    assert parse_timecode(timecode(frame, fps), fps) == frame


def test_bad_timecode():
    with pytest.raises(ValueError):
        parse_timecode("00:00:01:30", 30)
