"""Captions: the shots' spoken lines timed to the timeline, and burned into exported frames.

A line is shown while its shot is on screen: the span of the shot's clips on the video tracks,
so transitions and hand edits (trims, moves, splits) move the captions with the picture. Where
two shots overlap in a transition the caption changes at the middle of the overlap. Several
lines of one shot share its span in proportion to their length (a long line stays up longer).

Burned captions are white text with a dark outline on a translucent dark box, centred inside
the platform safe area (on vertical video clear of the top bar, the caption area and the button
column, and just above the watermark's bottom corners, as studio.compose.watermark keeps clear).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from functools import lru_cache

import av
import numpy as np
from PIL import Image, ImageDraw

from studio.compose.watermark import Watermark, _blend, _font, _yuv_planes, plane_view
from studio.model import Project, TrackKind

CHAR_WEIGHT = 8  # a line's share of its shot's span: its characters plus this many
MODES = ("srt", "burn", "off")


@dataclass(frozen=True)
class Cue:
    """One caption: shown from `start` to `end` seconds of the film."""

    start: float
    end: float
    text: str


def line_text(speaker: str, text: str) -> str:
    """How a spoken line reads as a caption: "Maya: We made it."."""
    return f"{speaker.strip()}: {text.strip()}"


def has_lines(project: Project) -> bool:
    return any(shot.dialogue for shot in project.shots)


def default_mode(project: Project) -> str:
    """`srt` when any shot has lines, else `off` (the render's default)."""
    return "srt" if has_lines(project) else "off"


def shot_spans(project: Project) -> dict[str, tuple[int, int]]:
    """Shot id -> (first frame, end frame) of its clips on the video tracks, with overlaps
    between consecutive shots cut at their middle."""
    spans: dict[str, list[int]] = {}
    for track in project.tracks_of(TrackKind.VIDEO):
        for clip in track.clips:
            if clip.shot_id:
                span = spans.setdefault(clip.shot_id, [clip.start, clip.end])
                span[0], span[1] = min(span[0], clip.start), max(span[1], clip.end)
    ordered = sorted(spans.values())
    for before, after in zip(ordered, ordered[1:], strict=False):
        if before[1] > after[0]:
            middle = (after[0] + min(before[1], after[1])) // 2
            before[1], after[0] = max(before[0], middle), middle
    return {shot_id: (a, max(a, b)) for shot_id, (a, b) in spans.items()}


def caption_cues(project: Project) -> list[Cue]:
    """Every spoken line of the shots on the timeline, in time order."""
    fps = project.fps
    spans = shot_spans(project)
    cues: list[Cue] = []
    for shot in project.shots:
        if not shot.dialogue or shot.id not in spans:
            continue
        first, end = spans[shot.id]
        weights = [len(line.text.strip()) + CHAR_WEIGHT for line in shot.dialogue]
        total, done = sum(weights), 0
        for line, weight in zip(shot.dialogue, weights, strict=True):
            a = first + (end - first) * done / total
            done += weight
            b = first + (end - first) * done / total
            if b > a:
                cues.append(Cue(a / fps, b / fps, line_text(line.speaker, line.text)))
    return sorted(cues, key=lambda c: c.start)


def safe_box(size: tuple[int, int]) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) of the area captions may use: 5 % margins, and on vertical
    video clear of the top bar (8 %), the caption area (14 %) and the button column (15 %);
    its bottom sits above the watermark's bottom corners."""
    w, h = size
    vertical = h > w
    left = max(2, round(w * 0.05))
    right = w - max(2, round(w * (0.15 if vertical else 0.05)))
    top = max(2, round(h * (0.08 if vertical else 0.05)))
    bottom = h - max(2, round(h * (0.14 if vertical else 0.05)))
    bottom -= Watermark(size).box_size[1] + max(2, round(h * 0.01))
    return left, top, right, max(top + 2, bottom)


@dataclass(frozen=True)
class _Plate:
    """A caption rendered once as premultiplied yuv420p planes (see watermark._Stamp)."""

    width: int
    height: int
    yuv_colour: tuple
    yuv_keep: tuple
    rgba: np.ndarray


@lru_cache(maxsize=64)
def _plate(text: str, px: int, max_width: int) -> _Plate:
    font = _font(px)
    stroke = max(1, round(px / 12))
    pad = max(4, px // 3)
    chars = max(8, int(max_width / (px * 0.55)))
    lines = textwrap.wrap(text, chars)[:3] or [""]
    while True:
        boxes = [font.getbbox(line, stroke_width=stroke) for line in lines]
        widest = max(b[2] - b[0] for b in boxes)
        if widest + 2 * pad <= max_width or chars <= 8:
            break
        chars = max(8, chars - 4)
        lines = textwrap.wrap(text, chars)[:3] or [""]
    step = round(px * 1.25)
    width = min(max_width, widest + 2 * pad)
    height = step * len(lines) + 2 * pad
    img = Image.new("RGBA", (width + width % 2, height + height % 2), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.rounded_rectangle((0, 0, img.width - 1, img.height - 1), px // 3, fill=(0, 0, 0, 150))
    for i, (line, box) in enumerate(zip(lines, boxes, strict=True)):
        x = (img.width - (box[2] - box[0])) // 2 - box[0]
        draw.text(
            (x, pad + i * step - box[1] + (step - px) // 2),
            line,
            font=font,
            fill=(255, 255, 255, 255),
            stroke_width=stroke,
            stroke_fill=(10, 10, 10, 255),
        )
    rgba = np.asarray(img).astype(np.uint16)
    colour, keep = _yuv_planes(rgba[..., :3], rgba[..., 3:4])
    return _Plate(img.width, img.height, colour, keep, rgba)


class CaptionBurner:
    """Draws the cue on screen at each time into an export frame (yuv420p or RGB)."""

    def __init__(self, size: tuple[int, int], cues: list[Cue]):
        self.size = size
        self.cues = sorted(cues, key=lambda c: c.start)
        self.area = safe_box(size)
        w, h = size
        self.px = max(8, round(min(w, h) * 0.045))

    def cue_at(self, seconds: float) -> Cue | None:
        for cue in self.cues:
            if cue.start <= seconds < cue.end:
                return cue
            if cue.start > seconds:
                return None
        return None

    def box(self, seconds: float) -> tuple[int, int, int, int] | None:
        """(x, y, w, h) of the caption shown at that time, or None."""
        cue = self.cue_at(seconds)
        if cue is None:
            return None
        left, top, right, bottom = self.area
        plate = _plate(cue.text, self.px, right - left)
        x = left + (right - left - plate.width) // 2
        y = max(top, bottom - plate.height)
        x, y = x - x % 2, y - y % 2  # chroma blocks of yuv420p
        return x, y, min(plate.width, self.size[0] - x), min(plate.height, self.size[1] - y)

    def apply_yuv(self, frame: av.VideoFrame, seconds: float) -> av.VideoFrame:
        box = self.box(seconds)
        if box is None:
            return frame
        plate = _plate(self.cue_at(seconds).text, self.px, self.area[2] - self.area[0])
        x, y, w, h = box
        _blend(plane_view(frame, 0), x, y, w, h, plate.yuv_keep[0], plate.yuv_colour[0])
        for i in (1, 2):
            plane = plane_view(frame, i)
            cw = min((w + 1) // 2, plane.shape[1] - x // 2)
            ch = min((h + 1) // 2, plane.shape[0] - y // 2)
            _blend(plane, x // 2, y // 2, cw, ch, plate.yuv_keep[1], plate.yuv_colour[i])
        return frame

    def apply(self, frame: np.ndarray, seconds: float) -> np.ndarray:
        """Draw into an RGB frame (H, W, 3 uint8) in place (previews, tests)."""
        box = self.box(seconds)
        if box is None:
            return frame
        plate = _plate(self.cue_at(seconds).text, self.px, self.area[2] - self.area[0])
        x, y, w, h = box
        rgba = plate.rgba[:h, :w]
        alpha = rgba[..., 3:4]
        region = frame[y : y + h, x : x + w].astype(np.uint16)
        frame[y : y + h, x : x + w] = (
            (region * (255 - alpha) + rgba[..., :3] * alpha + 127) // 255
        ).astype(np.uint8)
        return frame
