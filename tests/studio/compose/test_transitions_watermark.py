"""Transition maths and the moving watermark."""

from __future__ import annotations

import av
import numpy as np
import pytest

from studio.compose.transitions import blend, fade, mix, progress
from studio.compose.watermark import CORNER_SECONDS, Watermark
from studio.model import TransitionKind

A = np.full((4, 4, 3), 200, np.uint8)
B = np.full((4, 4, 3), 40, np.uint8)


def test_progress_never_repeats_the_cut_frames():
    ps = [progress(t, 10, 4) for t in range(10, 14)]
    assert ps == sorted(ps) and 0 < ps[0] and ps[-1] < 1
    assert abs(ps[1] + ps[2] - 1) < 1e-9  # symmetric around the middle


def test_mix_fade_and_dip():
    assert mix(A, B, 0.5)[0, 0, 0] == 120
    assert fade(A, 0.25)[0, 0, 0] == 50
    out = mix(A, B, 0.5)
    assert out is not A and out is not B


@pytest.mark.parametrize("n", [2, 3, 4, 5, 12])
def test_dip_always_reaches_black_and_goes_from_a_to_b(n):
    red, blue = np.zeros_like(A), np.zeros_like(A)
    red[..., 0], blue[..., 2] = 200, 200
    frames = [blend(TransitionKind.DIP_TO_BLACK, red, blue, k, n)[0, 0] for k in range(n)]
    black = [k for k, f in enumerate(frames) if f.max() == 0]
    assert len(black) == 1, "a dip to black shows one black frame"
    out, into = frames[: black[0]], frames[black[0] + 1 :]
    assert all(f[2] == 0 for f in out) and all(f[0] == 0 for f in into)
    assert [f[0] for f in out] == sorted((f[0] for f in out), reverse=True)  # red darkens
    assert [f[2] for f in into] == sorted(f[2] for f in into)  # blue brightens
    assert all(0 < f.max() < 200 for f in out + into), "no frame repeats a plain cut"


def test_crossfade_and_cut_blend():
    mids = [blend(TransitionKind.CROSSFADE, A, B, k, 4)[0, 0, 0] for k in range(4)]
    assert mids == sorted(mids, reverse=True) and 40 < mids[-1] and mids[0] < 200
    assert blend(TransitionKind.CUT, A, B, 1, 4)[0, 0, 0] == 40


def test_watermark_moves_between_the_four_corners_inside_the_frame():
    size = (1080, 1920)
    mark = Watermark(size)
    boxes = [mark.box(k * CORNER_SECONDS + 0.1) for k in range(5)]
    # hugging the left or right margin, the top or bottom one: each corner once per cycle
    corners = {(x < size[0] - (x + w), y < size[1] - (y + h)) for x, y, w, h in boxes[:4]}
    assert len(corners) == 4, "one visit to each corner per cycle"
    assert boxes[4] == boxes[0]
    for x, y, w, h in boxes:
        assert x >= 0.04 * size[0] and x + w <= 0.96 * size[0]
        assert y >= 0.04 * size[1] and y + h <= 0.96 * size[1]
        assert w > size[0] * 0.3, "big enough to read"


def test_watermark_reads_on_black_and_on_white():
    mark = Watermark((320, 180))
    x, y, w, h = mark.box(0)
    dark = mark.apply(np.zeros((180, 320, 3), np.uint8), 0)
    light = mark.apply(np.full((180, 320, 3), 255, np.uint8), 0)
    assert (dark[y : y + h, x : x + w] > 150).mean() > 0.05  # white letters on black
    assert (light[y : y + h, x : x + w] < 100).mean() > 0.05  # dark outline on white
    # nothing outside its box changes
    dark[y : y + h, x : x + w] = 0
    assert dark.max() == 0


def test_watermark_in_yuv_matches_the_rgb_one():
    size = (320, 180)
    rgb = np.zeros((180, 320, 3), np.uint8)
    rgb[:, :, 0] = np.linspace(0, 255, 320, dtype=np.uint8)  # a gradient, light and dark
    rgb[:, :, 2] = 90
    mark = Watermark(size)
    for seconds in (0.0, CORNER_SECONDS * 2.5):
        expected = mark.apply(rgb.copy(), seconds)
        yuv = av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(
            format="yuv420p", dst_colorspace="ITU709", dst_color_range="MPEG"
        )
        got = mark.apply_yuv(yuv, seconds).to_ndarray(format="rgb24").astype(int)
        x, y, w, h = mark.box(seconds)
        diff = np.abs(got - expected.astype(int))[y : y + h, x : x + w]
        assert diff.mean() < 8, "same stamp, same place, either colour space"
        assert np.abs(got - rgb.astype(int))[y : y + h, x : x + w].mean() > 25
