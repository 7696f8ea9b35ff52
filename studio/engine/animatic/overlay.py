"""The panel's fixed overlay: caption, camera tag and cameo portraits, kept inside safe areas.

Vertical video apps cover the top, the bottom and the right edge with their own buttons, so
on a vertical frame everything stays inside those margins. The overlay is drawn once per shot
and composited per frame only where it has pixels (a few small patches), which costs little.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFont, ImageOps

from studio.engine.animatic.scene import RGB
from studio.model import Camera


@dataclass(frozen=True)
class SafeArea:
    left: int
    top: int
    right: int
    bottom: int

    @property
    def width(self) -> int:
        return self.right - self.left


def safe_area(size: tuple[int, int]) -> SafeArea:
    """Vertical: clear of the app's top bar, bottom caption/music strip and right-hand buttons.
    Other formats: the classic 5 % title-safe margin."""
    w, h = size
    if h > w * 1.2:
        return SafeArea(int(w * 0.06), int(h * 0.12), int(w * 0.84), int(h * 0.78))
    return SafeArea(int(w * 0.05), int(h * 0.05), int(w * 0.95), int(h * 0.95))


@dataclass
class Patch:
    y: int
    x: int
    rgb: np.ndarray  # premultiplied, float32 h×w×3 (0-255)
    keep: np.ndarray  # 1 - alpha, float32 h×w×1


class Overlay:
    """Small premultiplied patches laid over every frame of a shot."""

    def __init__(self, image: Image.Image):
        self.patches: list[Patch] = []
        arr = np.asarray(image.convert("RGBA"))
        for y0, y1, x0, x1 in _boxes(arr[..., 3]):
            part = arr[y0:y1, x0:x1].astype(np.float32)
            alpha = part[..., 3:4] / 255.0
            self.patches.append(Patch(y0, x0, part[..., :3] * alpha, 1.0 - alpha))

    def apply(self, frame: np.ndarray) -> np.ndarray:
        """Composite onto a writable H×W×3 uint8 frame, in place."""
        for p in self.patches:
            h, w = p.keep.shape[:2]
            region = frame[p.y : p.y + h, p.x : p.x + w]
            mixed = region * p.keep
            mixed += p.rgb
            mixed += 0.5
            region[...] = mixed.astype(np.uint8)
        return frame

    def restore(self, frame: np.ndarray, original: np.ndarray) -> np.ndarray:
        """Put back `original`'s pixels wherever the overlay draws, in place: a moved copy of
        a finished frame keeps its caption where the caption belongs."""
        for p in self.patches:
            h, w = p.keep.shape[:2]
            covered = p.keep[..., 0] < 1.0
            frame[p.y : p.y + h, p.x : p.x + w][covered] = original[p.y : p.y + h, p.x : p.x + w][
                covered
            ]
        return frame


def _boxes(alpha: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Row bands that hold overlay pixels, each trimmed to its columns."""
    rows = np.flatnonzero(alpha.any(axis=1))
    if rows.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(rows) > 1)
    starts = np.concatenate([[rows[0]], rows[breaks + 1]])
    ends = np.concatenate([rows[breaks], [rows[-1]]]) + 1
    out = []
    for y0, y1 in zip(starts, ends, strict=True):
        cols = np.flatnonzero(alpha[y0:y1].any(axis=0))
        out.append((int(y0), int(y1), int(cols[0]), int(cols[-1]) + 1))
    return out


def build_overlay(
    size: tuple[int, int],
    caption: str,
    camera: Camera | str,
    accent: RGB,
    cameo_images: list[Image.Image] | None = None,
    cameo_handles: list[str] | None = None,
) -> Overlay:
    w, h = size
    img = Image.new("RGBA", size, (0, 0, 0, 0))
    safe = safe_area(size)
    unit = min(w, h)
    draw = ImageDraw.Draw(img, "RGBA")
    _caption(draw, safe, unit, caption, accent)
    _camera_tag(draw, safe, unit, Camera(camera))
    if cameo_images:
        _cameos(img, safe, unit, cameo_images, cameo_handles or [], accent)
    return Overlay(img)


def _font(px: float) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=max(6, int(px)))


def wrap(text: str, font, max_width: float, max_lines: int = 3) -> list[str]:
    """Greedy word wrap; the last line ends in an ellipsis when the caption is too long."""
    words, lines, line = text.split(), [], ""
    for word in words:
        trial = f"{line} {word}".strip()
        if font.getlength(trial) <= max_width or not line:
            line = trial
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and font.getlength(last + "…") > max_width:
            last = last[:-1]
        lines[-1] = last.rstrip() + "…"
    return lines


def _caption(draw: ImageDraw.ImageDraw, safe: SafeArea, unit: int, text: str, accent: RGB) -> None:
    text = " ".join(text.split())
    if not text:
        return
    size = unit * 0.042
    font = _font(size)
    pad = size * 0.5
    lines = wrap(text, font, safe.width - 2 * pad)
    line_h = size * 1.25
    box_h = line_h * len(lines) + 2 * pad
    y1 = safe.bottom
    y0 = y1 - box_h
    draw.rounded_rectangle((safe.left, y0, safe.right, y1), radius=pad, fill=(12, 12, 16, 170))
    draw.rectangle(
        (safe.left, y0 + pad, safe.left + max(2, size * 0.12), y1 - pad), fill=(*accent, 255)
    )
    for i, line in enumerate(lines):
        draw.text(
            (safe.left + pad * 1.4, y0 + pad + i * line_h),
            line,
            font=font,
            fill=(250, 250, 245, 255),
        )


def _camera_tag(draw: ImageDraw.ImageDraw, safe: SafeArea, unit: int, camera: Camera) -> None:
    """A small pill naming the move, with an arrow glyph drawn as a polygon."""
    size = unit * 0.028
    font = _font(size)
    label = camera.value.upper()
    pad = size * 0.45
    arrow = size * 1.1
    tw = font.getlength(label)
    x1 = safe.right
    x0 = x1 - tw - arrow - 3 * pad
    y0 = safe.top
    y1 = y0 + size + 2 * pad
    draw.rounded_rectangle((x0, y0, x1, y1), radius=(y1 - y0) / 2, fill=(12, 12, 16, 150))
    ax, ay = x0 + pad + arrow / 2, (y0 + y1) / 2
    _arrow(draw, camera, ax, ay, arrow / 2)
    draw.text((x0 + 2 * pad + arrow, y0 + pad * 0.8), label, font=font, fill=(250, 250, 245, 255))


def _arrow(draw, camera: Camera, x: float, y: float, r: float) -> None:
    white = (250, 250, 245, 255)
    direction = {
        Camera.PAN_LEFT: (-1, 0),
        Camera.PAN_RIGHT: (1, 0),
        Camera.TILT_UP: (0, -1),
        Camera.TILT_DOWN: (0, 1),
    }.get(camera)
    if direction:
        dx, dy = direction
        tip = (x + dx * r, y + dy * r)
        back = (x - dx * r * 0.2, y - dy * r * 0.2)
        side = (-dy * r * 0.7, dx * r * 0.7)
        draw.polygon(
            [tip, (back[0] + side[0], back[1] + side[1]), (back[0] - side[0], back[1] - side[1])],
            fill=white,
        )
        draw.line((x - dx * r, y - dy * r, back[0], back[1]), fill=white, width=max(1, int(r / 3)))
    elif camera in (Camera.DOLLY_IN, Camera.DOLLY_OUT):
        draw.rectangle(
            (x - r, y - r * 0.7, x + r, y + r * 0.7), outline=white, width=max(1, int(r / 5))
        )
        k = 0.45 if camera == Camera.DOLLY_IN else 1.25
        draw.rectangle(
            (x - r * k * 0.8, y - r * k * 0.55, x + r * k * 0.8, y + r * k * 0.55),
            outline=white,
            width=max(1, int(r / 5)),
        )
    elif camera == Camera.ORBIT:
        draw.arc(
            (x - r, y - r * 0.6, x + r, y + r * 0.6), 200, 520, fill=white, width=max(1, int(r / 4))
        )
    else:
        draw.ellipse((x - r * 0.4, y - r * 0.4, x + r * 0.4, y + r * 0.4), fill=white)


def _cameos(
    img: Image.Image,
    safe: SafeArea,
    unit: int,
    portraits: list[Image.Image],
    handles: list[str],
    accent: RGB,
) -> None:
    """Round portrait insets under the camera tag, each with its @handle."""
    d = int(unit * 0.16)
    ring = max(2, d // 20)
    font = _font(unit * 0.026)
    y = safe.top + int(unit * 0.07)
    x = safe.left
    draw = ImageDraw.Draw(img, "RGBA")
    for i, portrait in enumerate(portraits[:4]):
        face = ImageOps.fit(portrait.convert("RGB"), (d, d), Image.Resampling.LANCZOS)
        mask = Image.new("L", (d, d), 0)
        ImageDraw.Draw(mask).ellipse((0, 0, d - 1, d - 1), fill=255)
        draw.ellipse((x - ring, y - ring, x + d + ring, y + d + ring), fill=(*accent, 255))
        img.paste(face, (x, y), mask)
        if i < len(handles):
            label = "@" + handles[i].lstrip("@")
            draw.text(
                (x + d / 2, y + d + ring * 2),
                label,
                font=font,
                fill=(250, 250, 245, 255),
                anchor="mt",
                stroke_width=max(1, ring // 2),
                stroke_fill=(0, 0, 0, 200),
            )
        x += d + int(unit * 0.04)
