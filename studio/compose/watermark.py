"""The visible "AI-generated" watermark every exported frame carries.

It moves clockwise between the four corners (a new corner every few seconds) so cropping one
corner off does not remove it, stays inside safe margins, and is white with a dark outline so it
reads on light and dark pictures. The text is rendered once per frame size with Pillow; each frame
only blends a small region with integer numpy maths.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

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
    colour: np.ndarray  # (h, w, 3) uint16, premultiplied by alpha (0..255 scale)
    keep: np.ndarray  # (h, w, 1) uint16, 255 - alpha

    @property
    def size(self) -> tuple[int, int]:
        return self.keep.shape[1], self.keep.shape[0]


@lru_cache(maxsize=16)
def _stamp(text: str, px: int) -> _Stamp:
    """The text rendered once: white fill, dark outline, as premultiplied integer planes."""
    font = _font(px)
    stroke = max(1, round(px / 9))
    pad = stroke + 2
    left, top, right, bottom = font.getbbox(text, stroke_width=stroke)
    img = Image.new("RGBA", (right - left + 2 * pad, bottom - top + 2 * pad), (0, 0, 0, 0))
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
    return _Stamp(colour=rgba[..., :3] * alpha, keep=255 - alpha)


class Watermark:
    """The watermark for one output size; `apply` stamps a frame at a time in seconds."""

    def __init__(self, size: tuple[int, int], text: str = WATERMARK_TEXT):
        self.size = size
        w, h = size
        px = max(9, round(min(w, h) * 0.03))
        self._stamp = _stamp(text, px)
        sw, sh = self._stamp.size
        # safe margins: 5 % of each side, more where platform buttons sit on vertical video
        mx = max(2, round(w * 0.05))
        my = max(2, round(h * (0.07 if h > w else 0.05)))
        if sw > w - 2 * mx or sh > h - 2 * my:  # tiny frames: shrink to fit
            self._stamp = _stamp(text, max(6, int(px * (w - 2 * mx) / sw)))
            sw, sh = self._stamp.size
        sw, sh = min(sw, w), min(sh, h)
        right, bottom = max(0, w - mx - sw), max(0, h - my - sh)
        left, top = min(mx, right), min(my, bottom)
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
