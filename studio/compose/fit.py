"""Fitting a source frame into the output frame: cover (crop), contain (black bars), blur (bars
filled with a blurred, enlarged copy of the same frame).

Video frames arrive as `av.VideoFrame` so scaling and the YUV→RGB conversion happen in one
libswscale pass (C, GIL released) instead of converting at full size and resizing again in numpy.
Still images arrive as RGB arrays and are scaled with Pillow. The geometry is cached per
(source size, output size, mode).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import av
import numpy as np
from av.video.reformatter import Interpolation
from PIL import Image, ImageFilter

from studio.model import FitMode

Size = tuple[int, int]  # (width, height)
Source = np.ndarray | av.VideoFrame

# libswscale's YUV→RGB is a level or two dark unless asked for accurate rounding with full
# chroma interpolation (its table converter truncates, its generic path is biased): with these
# flags a decoded frame's RGB is the take's exact colours (±0.5 level), whatever the size.
EXACT = Interpolation.ACCURATE_RND | Interpolation.FULL_CHR_H_INT
# Quality names the compositor accepts: "high" for export, "draft" for a live preview.
_SWS = {"high": Interpolation.BICUBIC | EXACT, "draft": Interpolation.FAST_BILINEAR | EXACT}
_PIL = {"high": Image.Resampling.BICUBIC, "draft": Image.Resampling.BILINEAR}

BLUR_SIDE = 96  # the long side of the blurred background before it is enlarged
BLUR_DIM = 0.72  # darken the blurred bars a little so the picture stays the subject


@dataclass(frozen=True)
class Placement:
    """Where the scaled source lands in the output: its size and top-left offset.

    A negative offset (cover) means the scaled source is cropped by that much."""

    scaled: Size
    offset: tuple[int, int]

    @property
    def fills(self) -> bool:
        """True when the source covers the whole output (no bars to fill)."""
        return self.offset[0] <= 0 and self.offset[1] <= 0


@lru_cache(maxsize=512)
def placement(src: Size, dst: Size, mode: FitMode) -> Placement:
    """The geometry of fitting a src-sized frame into dst by mode (cached)."""
    sw, sh = src
    dw, dh = dst
    if sw <= 0 or sh <= 0:
        raise ValueError(f"empty source frame {sw}x{sh}")
    if mode == FitMode.COVER:
        k = max(dw / sw, dh / sh)
        w, h = max(dw, round(sw * k)), max(dh, round(sh * k))
    else:
        k = min(dw / sw, dh / sh)
        w, h = max(1, min(dw, round(sw * k))), max(1, min(dh, round(sh * k)))
    return Placement((w, h), ((dw - w) // 2, (dh - h) // 2))


def source_size(src: Source) -> Size:
    if isinstance(src, av.VideoFrame):
        return src.width, src.height
    return src.shape[1], src.shape[0]


def scale(src: Source, size: Size, quality: str = "high") -> np.ndarray:
    """The source as an RGB uint8 array of exactly `size` (w, h)."""
    w, h = size
    if isinstance(src, av.VideoFrame):
        if (src.width, src.height) == size and src.format.name == "rgb24":
            return src.to_ndarray()
        out = src.reformat(width=w, height=h, format="rgb24", interpolation=_SWS[quality])
        return out.to_ndarray()
    if src.shape[1] == w and src.shape[0] == h:
        return src
    return np.asarray(Image.fromarray(src).resize(size, _PIL[quality]))


def blurred_background(src: Source, dst: Size, quality: str = "high") -> np.ndarray:
    """A cover-fitted, heavily blurred and slightly darkened copy of src at dst size.

    Blurring happens at a thumbnail size and is then enlarged: the result looks the same as a
    full-size Gaussian blur at a fraction of the cost."""
    dw, dh = dst
    k = BLUR_SIDE / max(dw, dh)
    small = (max(2, round(dw * k)), max(2, round(dh * k)))
    p = placement(source_size(src), small, FitMode.COVER)
    thumb = _crop(scale(src, p.scaled, "draft"), p, small)
    img = Image.fromarray(thumb).filter(ImageFilter.GaussianBlur(radius=BLUR_SIDE / 40))
    img = img.point(lambda v: int(v * BLUR_DIM))
    return np.asarray(img.resize(dst, _PIL[quality]))


def fit(src: Source, dst: Size, mode: FitMode, quality: str = "high") -> np.ndarray:
    """The source fitted into a dst-sized RGB frame (H, W, 3) uint8.

    The result may share memory with a cached or decoded array: copy before writing to it."""
    p = placement(source_size(src), dst, mode)
    scaled = scale(src, p.scaled, quality)
    if p.fills:
        return _crop(scaled, p, dst)
    dw, dh = dst
    if mode == FitMode.BLUR:
        canvas = blurred_background(src, dst, quality).copy()
    else:
        canvas = np.zeros((dh, dw, 3), np.uint8)
    x, y = p.offset
    w, h = p.scaled
    canvas[y : y + h, x : x + w] = scaled
    return canvas


def _crop(scaled: np.ndarray, p: Placement, dst: Size) -> np.ndarray:
    x, y = -min(0, p.offset[0]), -min(0, p.offset[1])
    return scaled[y : y + dst[1], x : x + dst[0]]
