"""Pictures kept in BT.709 yuv420p: a decoded frame scaled into the output, and transitions.

A fresh animatic render (and a take) arrives as yuv420p frames. Where the output is one such
frame scaled, `yuv709` converts it in one libswscale pass; where it is a crossfade or dip to
black between two of them, `blend_yuv` mixes their planes directly: both are linear in
limited-range YUV as in RGB (a crossfade mixes the planes, a fade pulls luma to 16 and chroma
to 128), so the picture is the RGB blend's to within rounding, without two YUV→RGB conversions
and one RGB→YUV conversion per frame.
"""

from __future__ import annotations

import av
import numpy as np
from av.video.reformatter import Interpolation

from studio.compose.fit import EXACT
from studio.compose.transitions import dip_level, progress
from studio.compose.watermark import plane_view
from studio.model import TransitionKind

_BLACK = (16.0, 128.0, 128.0)  # BT.709 limited range: luma, chroma


def yuv709(frame: av.VideoFrame, size: tuple[int, int]) -> av.VideoFrame:
    """A new, writable BT.709 limited-range yuv420p frame of `size` with a decoded frame's
    picture, scaled if needed, in one libswscale pass.

    Untagged video is read as BT.601, as the RGB path (libswscale's default) reads it."""
    same_size = (frame.width, frame.height) == size
    if same_size and frame.colorspace == 1 and frame.color_range != 2:  # BT.709 already
        out = av.VideoFrame(frame.width, frame.height, "yuv420p")
        for i in range(3):
            plane_view(out, i)[...] = plane_view(frame, i)
        return _tagged(out)
    return frame.reformat(
        width=size[0],
        height=size[1],
        format="yuv420p",
        src_colorspace={1: "ITU709", 9: "BT2020"}.get(frame.colorspace, "ITU601"),
        dst_colorspace="ITU709",
        src_color_range="JPEG" if frame.color_range == 2 else "MPEG",
        dst_color_range="MPEG",
        # accurate rounding and full chroma (EXACT), else levels drift darker than the take's;
        # same size: no resampling (POINT); scaled: bicubic, as the RGB path scales
        interpolation=(Interpolation.POINT if same_size else Interpolation.BICUBIC) | EXACT,
    )


def blend_yuv(
    kind: TransitionKind, a: av.VideoFrame, b: av.VideoFrame, k: float, n: float
) -> av.VideoFrame:
    """Frame k of an n-frame transition of `kind` from a to b (both BT.709 yuv420p of one
    size, e.g. from yuv709), as a new frame: the same maths as transitions.blend."""
    if kind == TransitionKind.DIP_TO_BLACK:
        incoming, level = dip_level(k, n)
        return _fade(b if incoming else a, level)
    if kind == TransitionKind.CROSSFADE:
        return _mix(a, b, progress(k, 0.0, n))
    return _copy(b)


def _mix(a: av.VideoFrame, b: av.VideoFrame, p: float) -> av.VideoFrame:
    if p <= 0.0:
        return _copy(a)
    if p >= 1.0:
        return _copy(b)
    out = _new(a)
    for i in range(3):
        x = plane_view(a, i) * np.float32(1.0 - p)
        x += plane_view(b, i) * np.float32(p)
        x += np.float32(0.5)
        np.copyto(plane_view(out, i), x, casting="unsafe")
    return out


def _fade(a: av.VideoFrame, level: float) -> av.VideoFrame:
    """Towards black: level 1 untouched, 0 black (luma 16, chroma 128), rounded per level."""
    level = min(1.0, max(0.0, level))
    out = _new(a)
    for i in range(3):
        base = _BLACK[min(i, 1)]
        lut = np.array([base + (v - base) * level + 0.5 for v in range(256)]).astype(np.uint8)
        np.take(lut, plane_view(a, i), out=plane_view(out, i))
    return out


def _copy(a: av.VideoFrame) -> av.VideoFrame:
    out = _new(a)
    for i in range(3):
        plane_view(out, i)[...] = plane_view(a, i)
    return out


def _new(like: av.VideoFrame) -> av.VideoFrame:
    return _tagged(av.VideoFrame(like.width, like.height, "yuv420p"))


def _tagged(frame: av.VideoFrame) -> av.VideoFrame:
    frame.colorspace, frame.color_range = 1, 1  # BT.709, limited: copied as is by yuv709
    return frame
