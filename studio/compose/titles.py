"""Title clips drawn by the compositor: text in a font, size and colour, placed inside the
frame's safe area and faded in/out over the clip's `fade_in` / `fade_out` seconds.

The safe area is where platforms draw nothing over the picture: for a vertical frame the
TikTok / Reels / Shorts bands (top 150 px, bottom 250 px and the 140 px button column at
1080×1920, the same zones the player's overlay shows); for other frames the classic 90 %
title-safe box. A title's (x, y) is its centre as a fraction of that area, and the text box
is moved back inside it, so no position can put text under a platform's buttons.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from studio.model.timeline import Clip, Title

_VERTICAL_INSETS = (0 / 1080, 150 / 1920, 140 / 1080, 250 / 1920)  # left, top, right, bottom
_TITLE_SAFE = 0.05
_FALLBACK_FONTS = ("DejaVuSans-Bold.ttf", "arialbd.ttf", "Arial Bold.ttf", "Helvetica.ttc")


def safe_area(size: tuple[int, int]) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) pixels of the frame's safe area."""
    w, h = size
    if w < h:
        left, top, right, bottom = _VERTICAL_INSETS
        margin = _TITLE_SAFE * w  # and never closer than the title-safe margin at the sides
        return (
            int(max(left * w, margin)),
            int(top * h),
            int(w - max(right * w, margin)),
            int(h - bottom * h),
        )
    return (int(_TITLE_SAFE * w), int(_TITLE_SAFE * h), int(w * 0.95), int(h * 0.95))


def _font_files(name: str) -> list[str]:
    """File names a family like "DejaVu Sans Bold" is found under."""
    words = name.split()
    styles = {"Bold", "Italic", "Oblique", "BoldItalic", "Light"}
    style = [w for w in words if w in styles]
    family = "".join(w for w in words if w not in styles)
    suffix = f"-{''.join(style)}" if style else ""
    return [f"{family}{suffix}.ttf", f"{name}.ttf", name]


@lru_cache(maxsize=16)
def title_font(name: str, px: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for candidate in (*_font_files(name), *_FALLBACK_FONTS):
        try:
            return ImageFont.truetype(candidate, px)
        except OSError:
            continue
    return ImageFont.load_default(size=px)


@lru_cache(maxsize=8)
def render_title(title: Title, size: tuple[int, int]) -> tuple[np.ndarray, np.ndarray, int, int]:
    """(rgb, alpha 0..1, x, y): the title's pixels and where their top-left goes."""
    w, h = size
    px = max(6, round(title.size * min(w, h) / 1080))
    font = title_font(title.font, px)
    stroke = max(1, px // 24)  # a thin dark edge keeps light text readable on light frames
    probe = ImageDraw.Draw(Image.new("L", (1, 1)))
    left, top, right, bottom = probe.multiline_textbbox(
        (0, 0), title.text, font=font, stroke_width=stroke, align="center"
    )
    tw, th = max(1, right - left), max(1, bottom - top)
    rgba = Image.new("RGBA", (tw, th), (0, 0, 0, 0))
    ImageDraw.Draw(rgba).multiline_text(
        (-left, -top),
        title.text,
        font=font,
        fill=title.colour,
        stroke_width=stroke,
        stroke_fill=(0, 0, 0, 200),
        align="center",
    )
    a0, t0, a1, t1 = safe_area(size)
    cx = a0 + title.x * (a1 - a0)
    cy = t0 + title.y * (t1 - t0)
    x = int(min(max(cx - tw / 2, a0), max(a0, a1 - tw)))  # snapped inside the safe area
    y = int(min(max(cy - th / 2, t0), max(t0, t1 - th)))
    arr = np.asarray(rgba)
    return arr[..., :3].copy(), arr[..., 3:4].astype(np.float32) / 255.0, x, y


def title_opacity(clip: Clip, t: float, fps: int) -> float:
    """The clip's fade in/out level at timeline frame t."""
    into = (t - clip.start) / fps
    left = (clip.end - t) / fps
    level = 1.0
    if clip.fade_in > 0:
        level = min(level, max(0.0, into / clip.fade_in))
    if clip.fade_out > 0:
        level = min(level, max(0.0, left / clip.fade_out))
    return level


def draw_title(frame: np.ndarray, clip: Clip, t: float, fps: int) -> None:
    """Draw `clip`'s title into `frame` (H, W, 3 uint8, modified in place) at frame t."""
    assert clip.title is not None
    level = title_opacity(clip, t, fps)
    if level <= 0:
        return
    h, w = frame.shape[:2]
    rgb, alpha, x, y = render_title(clip.title, (w, h))
    th, tw = rgb.shape[:2]
    x1, y1 = min(w, x + tw), min(h, y + th)
    if x1 <= x or y1 <= y:
        return
    a = alpha[: y1 - y, : x1 - x] * level
    region = frame[y:y1, x:x1].astype(np.float32)
    region += (rgb[: y1 - y, : x1 - x].astype(np.float32) - region) * a
    frame[y:y1, x:x1] = region.astype(np.uint8)
