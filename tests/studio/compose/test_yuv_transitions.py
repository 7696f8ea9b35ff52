"""Transitions blended in YUV (issue 17): a crossfade or dip to black between two takes that
only need scaling is mixed in their yuv420p planes, and shows the picture the RGB blend
shows, to within rounding."""

from __future__ import annotations

import av
import numpy as np
import pytest

from studio.compose import Compositor
from studio.compose.fit import EXACT
from studio.compose.transitions import blend
from studio.compose.yuv import blend_yuv, yuv709
from studio.model import Transition, TransitionKind
from tests.studio.compose.factory import add_take, new_project, place, resolver

SIZE = (64, 112)


def picture(frame: av.VideoFrame) -> np.ndarray:
    return (
        frame.reformat(format="rgb24", src_colorspace="ITU709", interpolation=EXACT)
        .to_ndarray()
        .astype(int)
    )


def yuv(rgb: np.ndarray) -> av.VideoFrame:
    frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
    return frame.reformat(
        format="yuv420p", dst_colorspace="ITU709", dst_color_range="MPEG", interpolation=EXACT
    )


@pytest.mark.parametrize("kind", [TransitionKind.CROSSFADE, TransitionKind.DIP_TO_BLACK])
def test_a_yuv_blend_shows_the_rgb_blend(kind):
    rng = np.random.default_rng(3)
    smooth = lambda: np.repeat(np.repeat(rng.integers(0, 256, (14, 8, 3)), 8, 0), 8, 1)  # noqa: E731
    a, b = smooth().astype(np.uint8), smooth().astype(np.uint8)
    ya, yb = yuv709(yuv(a), SIZE), yuv709(yuv(b), SIZE)
    ra, rb = picture(ya).astype(np.uint8), picture(yb).astype(np.uint8)
    n = 9
    for k in range(n):
        got = blend_yuv(kind, ya, yb, k, n)
        assert (got.width, got.height, got.format.name) == (*SIZE, "yuv420p")
        want = blend(kind, ra, rb, k, n).astype(int)
        diff = np.abs(picture(got) - want)
        assert diff.mean() < 1.5 and np.percentile(diff, 99) <= 6, (kind, k)
    black = blend_yuv(TransitionKind.DIP_TO_BLACK, ya, yb, n // 2, n)
    assert np.abs(picture(black)).max() <= 1  # a dip reaches black


def test_the_compositor_blends_takes_in_yuv_and_shows_the_same_picture(tmp_path):
    p = new_project(fps=24)
    add_take(tmp_path, p, "a", (200, 40, 40), size=(108, 192))
    add_take(tmp_path, p, "b", (40, 60, 210), size=(108, 192))
    place(p, "a", 0, 12)
    place(p, "b", 6, 12, transition_in=Transition(kind=TransitionKind.CROSSFADE, duration=6))
    with Compositor(p, resolver(tmp_path), (54, 96)) as comp:
        for i in (7, 9, 11):  # inside the crossfade
            fast = comp.encoder_frame(i)
            assert isinstance(fast, av.VideoFrame)
            rgb = comp.frame(i).astype(int)  # the RGB path
            assert np.abs(picture(fast) - rgb).mean() < 2, i
        assert np.abs(picture(comp.encoder_frame(7)) - picture(comp.encoder_frame(11))).mean() > 20
