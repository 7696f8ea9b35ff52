"""The visible "AI-generated" watermark every exported frame carries.

It moves clockwise between the four corners (a new corner every few seconds) so cropping one
corner off does not remove it, stays inside safe margins, and is white with a dark outline so it
reads on light and dark pictures. The text is rendered once per frame size with Pillow; each frame
only blends a small region with integer numpy maths.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import av
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from studio import TOOL_NAME

WATERMARK_TEXT = f"AI-generated · {TOOL_NAME}"
CORNER_SECONDS = 4.0  # how long it stays in one corner
OPACITY = 0.78
# Bold sans fonts Pillow can find on Linux, Windows and macOS; Pillow's own font otherwise.
_FONTS = ("DejaVuSans-Bold.ttf", "arialbd.ttf", "Arial Bold.ttf", "Helvetica.ttc")


def _font(px: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for name in _FONTS:
        try:
            return ImageFont.truetype(name, px)
        except OSError:
            continue
    return ImageFont.load_default(size=px)


@dataclass(frozen=True)
class _Stamp:
    """The rendered text as premultiplied integer planes, in RGB and in BT.709 yuv420p, so a
    frame is stamped with one multiply-add per pixel in whichever form it is in."""

    colour: np.ndarray  # (h, w, 3) uint16, premultiplied by alpha (0..255 scale)
    keep: np.ndarray  # (h, w, 1) uint16, 255 - alpha
    yuv_colour: tuple[np.ndarray, np.ndarray, np.ndarray]  # Y (h, w), U and V (h/2, w/2)
    yuv_keep: tuple[np.ndarray, np.ndarray]  # luma (h, w) and chroma (h/2, w/2)

    @property
    def size(self) -> tuple[int, int]:
        return self.keep.shape[1], self.keep.shape[0]


def _yuv_planes(rgb: np.ndarray, alpha: np.ndarray) -> tuple[tuple, tuple]:
    """Premultiplied BT.709 limited-range planes of an RGB stamp (even-sized) and its alpha."""
    r, g, b = (rgb[..., i].astype(np.float32) for i in range(3))
    a = alpha[..., 0].astype(np.float32)
    y = 16 + 219 / 255 * (0.2126 * r + 0.7152 * g + 0.0722 * b)
    u = 128 + 224 / 255 * (-0.114572 * r - 0.385428 * g + 0.5 * b)
    v = 128 + 224 / 255 * (0.5 * r - 0.454153 * g - 0.045847 * b)
    h, w = a.shape

    def quarter(x: np.ndarray) -> np.ndarray:  # mean of each 2x2 block
        return x.reshape(h // 2, 2, w // 2, 2).mean(axis=(1, 3))

    colour = (y * a, quarter(u * a), quarter(v * a))
    keep = (255 - a, 255 - quarter(a))
    as_int = lambda x: (x + 0.5).astype(np.uint16)  # noqa: E731
    return tuple(map(as_int, colour)), tuple(map(as_int, keep))


@lru_cache(maxsize=16)
def _stamp(text: str, px: int) -> _Stamp:
    """The text rendered once: white fill, dark outline, as premultiplied integer planes."""
    font = _font(px)
    stroke = max(1, round(px / 9))
    pad = stroke + 2
    left, top, right, bottom = font.getbbox(text, stroke_width=stroke)
    width, height = right - left + 2 * pad, bottom - top + 2 * pad
    img = Image.new("RGBA", (width + width % 2, height + height % 2), (0, 0, 0, 0))
    ImageDraw.Draw(img).text(
        (pad - left, pad - top),
        text,
        font=font,
        fill=(255, 255, 255, 255),
        stroke_width=stroke,
        stroke_fill=(20, 20, 20, 255),
    )
    rgba = np.asarray(img).astype(np.uint16)
    alpha = (rgba[..., 3:4] * OPACITY + 0.5).astype(np.uint16)
    yuv_colour, yuv_keep = _yuv_planes(rgba[..., :3], alpha)
    return _Stamp(rgba[..., :3] * alpha, 255 - alpha, yuv_colour, yuv_keep)


class Watermark:
    """The watermark for one output size; `apply` stamps a frame at a time in seconds."""

    def __init__(self, size: tuple[int, int], text: str = WATERMARK_TEXT):
        self.size = size
        w, h = size
        px = max(9, round(min(w, h) * 0.03))
        self._stamp = _stamp(text, px)
        sw, sh = self._stamp.size
        # safe margins: 5 % of each side; on vertical video, clear of what the platforms draw
        # over it (the top ~150 px, the bottom ~250 px and the right-hand button column)
        vertical = h > w
        ml = max(2, round(w * 0.05))
        mr = max(2, round(w * (0.15 if vertical else 0.05)))
        mt = max(2, round(h * (0.08 if vertical else 0.05)))
        mb = max(2, round(h * (0.14 if vertical else 0.05)))
        if sw > w - ml - mr or sh > h - mt - mb:  # tiny frames: shrink to fit
            self._stamp = _stamp(text, max(6, int(px * (w - ml - mr) / sw)))
            sw, sh = self._stamp.size
        sw, sh = min(sw, w), min(sh, h)
        right, bottom = max(0, w - mr - sw), max(0, h - mb - sh)
        left, top = min(ml, right), min(mt, bottom)
        # even positions, so the stamp's chroma lines up with yuv420p's 2x2 chroma blocks
        left, top, right, bottom = (v - v % 2 for v in (left, top, right, bottom))
        # clockwise from top-left
        self.corners = ((left, top), (right, top), (right, bottom), (left, bottom))

    @property
    def box_size(self) -> tuple[int, int]:
        return self._stamp.size

    def corner_index(self, seconds: float) -> int:
        return int(max(seconds, 0.0) // CORNER_SECONDS) % 4

    def box(self, seconds: float) -> tuple[int, int, int, int]:
        """(x, y, w, h) of the watermark at that time."""
        x, y = self.corners[self.corner_index(seconds)]
        sw, sh = self._stamp.size
        return x, y, min(sw, self.size[0] - x), min(sh, self.size[1] - y)

    def apply(self, frame: np.ndarray, seconds: float) -> np.ndarray:
        """Blend the watermark into `frame` in place (H, W, 3 uint8) and return it."""
        if (frame.shape[1], frame.shape[0]) != self.size:
            raise ValueError(f"frame is {frame.shape[1]}x{frame.shape[0]}, watermark {self.size}")
        x, y, w, h = self.box(seconds)
        region = frame[y : y + h, x : x + w]
        keep = self._stamp.keep[:h, :w]
        mixed = region * keep
        mixed += self._stamp.colour[:h, :w]
        mixed += 127
        mixed //= 255
        region[...] = mixed
        return frame

    def apply_yuv(self, frame: av.VideoFrame, seconds: float) -> av.VideoFrame:
        """Blend into a writable BT.709 yuv420p frame in place at `seconds`; returns it.

        The exporter stamps the encoder's own frames, sparing a round trip through RGB."""
        if frame.format.name != "yuv420p" or (frame.width, frame.height) != self.size:
            raise ValueError(f"need a {self.size[0]}x{self.size[1]} yuv420p frame")
        x, y, w, h = self.box(seconds)
        _blend(plane_view(frame, 0), x, y, w, h, self._stamp.yuv_keep[0], self._stamp.yuv_colour[0])
        for i in (1, 2):
            plane = plane_view(frame, i)
            cw = min((w + 1) // 2, plane.shape[1] - x // 2)
            ch = min((h + 1) // 2, plane.shape[0] - y // 2)
            keep, colour = self._stamp.yuv_keep[1], self._stamp.yuv_colour[i]
            _blend(plane, x // 2, y // 2, cw, ch, keep, colour)
        return frame


def plane_view(frame: av.VideoFrame, index: int) -> np.ndarray:
    """A (height, width) numpy view of one plane of a frame (writes go into the frame)."""
    plane = frame.planes[index]
    rows = np.frombuffer(plane, np.uint8).reshape(plane.height, plane.line_size)
    return rows[:, : plane.width]


def _blend(plane: np.ndarray, x: int, y: int, w: int, h: int, keep, colour) -> None:
    region = plane[y : y + h, x : x + w]
    h, w = region.shape
    mixed = region * keep[:h, :w]
    mixed += colour[:h, :w]
    mixed += 127
    mixed //= 255
    region[...] = mixed
