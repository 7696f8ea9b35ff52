"""Waveform peaks: right values, cached on disk once per file, recomputed when it changes."""

from __future__ import annotations

import os

import numpy as np
import pytest

from studio.audio import waveform
from studio.audio.waveform import cache_file, compute_peaks, waveform_peaks
from studio.media.video import write_video
from tests.studio.audio.conftest import SR, tone


def test_peaks_per_bucket_and_per_column():
    x = np.zeros((SR, 2), np.float32)
    x[SR // 2, 0], x[int(0.75 * SR), 1] = 0.8, -0.5
    peaks = compute_peaks(x)
    assert peaks.rate == 200 and peaks.mins.size == 200 and peaks.duration == pytest.approx(1.0)
    lows, highs = peaks.columns(0.0, 1.0, 4)
    assert highs.tolist() == pytest.approx([0, 0, 0.8, 0]) and lows.tolist() == pytest.approx(
        [0, 0, 0, -0.5]
    )
    lows, highs = peaks.columns(0.5, 0.002, 3)  # zoomed in past one bucket per column
    assert highs.max() == pytest.approx(0.8)
    lows, highs = peaks.columns(0.9, 1.0, 10)  # past the end: nothing
    assert not highs[2:].any()


def test_computed_once_and_cached_on_disk(media, monkeypatch):
    name = media.wav("t.wav", tone(2.0, amp=0.4))
    path = media.resolve(name)
    first = waveform_peaks(path)
    assert cache_file(path).is_file()
    assert first.maxs.max() == pytest.approx(0.4, abs=0.01) and first.mins.min() < -0.39
    monkeypatch.setattr(waveform, "decode_file", lambda *a: pytest.fail("decoded again"))
    again = waveform_peaks(path)
    assert np.array_equal(again.maxs, first.maxs)
    monkeypatch.undo()
    media.wav(name, tone(2.0, amp=0.1))  # edited: new size/mtime → new peaks
    os.utime(path, ns=(1, 2 * 10**18))
    assert waveform_peaks(path).maxs.max() == pytest.approx(0.1, abs=0.01)


def test_a_silent_video_has_no_waveform(tmp_path):
    path = tmp_path / "v.mp4"
    write_video(path, [np.zeros((16, 16, 3), np.uint8)] * 3, 24)
    assert waveform_peaks(path) is None
    assert waveform_peaks(path) is None  # from the cache
