"""Fit modes: cover crops, contain letterboxes with black, blur fills the bars with picture."""

from __future__ import annotations

import av
import numpy as np
import pytest

from studio.compose.fit import fit, placement
from studio.model import FitMode

WIDE = np.full((60, 160, 3), (220, 180, 40), np.uint8)  # a landscape frame into a portrait output
OUT = (90, 160)


def test_placement_geometry():
    cover = placement((160, 60), OUT, FitMode.COVER)
    assert cover.scaled[1] == 160 and cover.scaled[0] >= 90 and cover.fills
    contain = placement((160, 60), OUT, FitMode.CONTAIN)
    assert contain.scaled == (90, 34) and contain.offset == (0, 63) and not contain.fills
    same = placement((45, 80), OUT, FitMode.CONTAIN)
    assert same.scaled == OUT and same.fills


def test_cover_has_no_bars():
    out = fit(WIDE, OUT, FitMode.COVER)
    assert out.shape == (160, 90, 3)
    assert out.min(axis=(0, 1)).tolist() == [220, 180, 40]


def test_contain_has_black_bars_and_the_picture_in_the_middle():
    out = fit(WIDE, OUT, FitMode.CONTAIN)
    assert out[:60].max() == 0 and out[-60:].max() == 0
    assert np.abs(out[80, 45].astype(int) - [220, 180, 40]).max() <= 2


def test_blur_fills_bars_with_a_darkened_blurred_copy():
    src = WIDE.copy()
    src[:, :80] = (20, 20, 200)  # two halves, so the blur has something to smear
    out = fit(src, OUT, FitMode.BLUR)
    bars = np.concatenate([out[:60], out[-60:]])
    assert bars.mean() > 30, "blur bars must not be black"
    assert bars.max() < 230, "bars are darkened so the picture stays the subject"
    # the middle keeps the sharp picture
    assert np.abs(out[80, 5].astype(int) - [20, 20, 200]).max() <= 3


def test_video_frames_scale_in_swscale_like_arrays_in_pillow():
    frame = av.VideoFrame.from_ndarray(WIDE, format="rgb24").reformat(format="yuv420p")
    a = fit(frame, OUT, FitMode.CONTAIN).astype(int)
    b = fit(WIDE, OUT, FitMode.CONTAIN).astype(int)
    assert a.shape == b.shape
    assert np.abs(a - b).mean() < 4


@pytest.mark.parametrize("mode", list(FitMode))
def test_same_aspect_is_only_scaled(mode):
    src = np.full((32, 18, 3), 77, np.uint8)
    out = fit(src, (36, 64), mode)
    assert out.shape == (64, 36, 3) and out.min() == 77 == out.max()
