"""Timeline geometry (rows, pixels per frame) and the clip item that paints one clip cheaply.

Scene x is `frame * ppf`; zooming re-positions items instead of scaling the view, so text and
thumbnails keep their size. A clip item paints only its exposed part: filmstrip slots and
waveform columns outside the visible rectangle are never touched.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QLinearGradient, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem

from studio.model import Clip, Project, TrackKind
from ui.timeline.media import MediaCache

VIDEO_ROW = 64
AUDIO_ROW = 44
LABEL_H = 14
EDGE_PX = 6  # width of the trim handle zone at each end of a clip

_VIDEO = QColor("#3b5f8a")
_AUDIO = QColor("#3f7a55")
_OUTLINE = QColor("#10151c")
_SELECT = QColor("#ffcc33")
_TEXT = QColor("#f2f2f2")
_WAVE = QColor("#bfe8c8")
_FONT = QFont()
_FONT.setPointSizeF(8.0)


@dataclass
class Row:
    track_id: str
    kind: TrackKind
    name: str
    y: float
    h: float


class Layout:
    """Where tracks and frames are on the scene."""

    def __init__(self, ppf: float = 4.0):
        self.ppf = ppf
        self.rows: list[Row] = []
        self.by_track: dict[str, Row] = {}

    def build(self, project: Project) -> None:
        """Video tracks top-down from the highest (V2 over V1, as drawn), then audio tracks."""
        video = list(reversed(project.tracks_of(TrackKind.VIDEO)))
        audio = project.tracks_of(TrackKind.AUDIO)
        y, self.rows = 0.0, []
        for track in video + audio:
            h = VIDEO_ROW if track.kind == TrackKind.VIDEO else AUDIO_ROW
            self.rows.append(Row(track.id, track.kind, track.name or track.id, y, h))
            y += h
        self.by_track = {r.track_id: r for r in self.rows}

    @property
    def height(self) -> float:
        return self.rows[-1].y + self.rows[-1].h if self.rows else 0.0

    def x(self, frame: float) -> float:
        return frame * self.ppf

    def frame_at(self, x: float) -> int:
        return max(0, int(round(x / self.ppf)))

    def row_at(self, y: float) -> Row | None:
        for row in self.rows:
            if row.y <= y < row.y + row.h:
                return row
        return None


@dataclass
class PaintContext:
    """What clip items share: the project, geometry, media cache and path resolver."""

    project: Project
    layout: Layout
    media: MediaCache
    resolve: Callable[[str], Path] | None = None
    paths: dict[str, Path | None] = field(default_factory=dict)  # resolved once per path

    def media_path(self, clip: Clip) -> Path | None:
        if self.resolve is None:
            return None
        take = self.project.takes.get(clip.take_id) if clip.take_id else None
        rel = take.path if take is not None else clip.media
        if not rel:
            return None
        if rel not in self.paths:  # resolving touches the disk: not once per paint
            try:
                self.paths[rel] = Path(self.resolve(rel))
            except Exception:  # an unresolvable path just shows no thumbnails
                self.paths[rel] = None
        return self.paths[rel]


class ClipItem(QGraphicsItem):
    """One clip: a coloured block with filmstrip or waveform, label, transitions and handles."""

    def __init__(self, ctx: PaintContext, clip: Clip, row: Row):
        super().__init__()
        self.ctx = ctx
        self.selected = False
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)
        self._w = self._h = 1.0
        self.clip = clip
        self.row = row
        self.place(clip, row)

    @property
    def clip_id(self) -> str:
        return self.clip.id

    def place(self, clip: Clip, row: Row) -> None:
        """Follow the model: new clip value, row or zoom. A ripple moves hundreds of items:
        only a change of size needs prepareGeometryChange (setPos tells the scene itself)."""
        w, h = max(1.0, clip.duration * self.ctx.layout.ppf), row.h - 2
        if w != self._w or h != self._h:
            self.prepareGeometryChange()
            self._w, self._h = w, h
        self.clip, self.row = clip, row
        self.setPos(clip.start * self.ctx.layout.ppf, row.y + 1)
        z = 1 if clip.transition_in else 0  # an overlapping clip draws over its left
        if z != self.zValue():
            self.setZValue(z)

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt API
        return QRectF(0, 0, self._w, self._h)

    def zone(self, local_x: float) -> str:
        """'in', 'out' or 'body': which part of the clip a press at local_x grabs."""
        edge = min(EDGE_PX, self._w / 4)
        if local_x <= edge:
            return "in"
        if local_x >= self._w - edge:
            return "out"
        return "body"

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        rect = self.boundingRect()
        exposed = option.exposedRect.intersected(rect)
        video = self.row.kind == TrackKind.VIDEO
        painter.fillRect(exposed, _VIDEO if video else _AUDIO)
        path = self.ctx.media_path(self.clip) if self._w >= 12 else None
        if path is not None:
            if video:
                self._paint_strip(painter, exposed, path)
            else:
                self._paint_wave(painter, exposed, path)
        self._paint_transitions(painter)
        if self._w > 24:
            painter.setFont(_FONT)
            painter.setPen(_TEXT)
            text_rect = QRectF(4, 0, self._w - 8, LABEL_H)
            painter.drawText(
                text_rect, Qt.AlignmentFlag.AlignVCenter, self._label(text_rect.width())
            )
        pen = QPen(_SELECT if self.selected else _OUTLINE, 2 if self.selected else 1)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(rect.adjusted(0.5, 0.5, -0.5, -0.5))
        if self.selected and self._w > 3 * EDGE_PX:
            painter.fillRect(QRectF(0, 0, EDGE_PX / 2, self._h), _SELECT)
            painter.fillRect(QRectF(self._w - EDGE_PX / 2, 0, EDGE_PX / 2, self._h), _SELECT)

    def label(self, width: float = 1e6) -> str:
        """The text drawn on the clip (cut to what `width` pixels hold)."""
        return self._label(width)

    def _label(self, width: float) -> str:
        clip, project = self.clip, self.ctx.project
        text = ""
        if clip.shot_id:
            try:
                text = project.shot(clip.shot_id).prompt
            except KeyError:
                text = ""
        if not text and clip.media:  # the name it was imported with, not media/<hash>-name
            item = next((m for m in project.media if m.path == clip.media), None)
            text = item.name if item is not None and item.name else _plain(Path(clip.media).name)
        if not text:
            text = clip.take_id or ""
        if clip.title is not None:
            text = f"T  {clip.title.text}"
        return text[: max(1, int(width / 5))]

    def _paint_strip(self, painter: QPainter, exposed: QRectF, path: Path) -> None:
        strip = self.ctx.media.filmstrip(path)
        if strip is None:
            return
        top, th = LABEL_H, self._h - LABEL_H
        tw = max(8.0, th * strip.aspect)
        ppf, fps = self.ctx.layout.ppf, self.ctx.project.fps
        x = math.floor(exposed.left() / tw) * tw
        painter.save()
        painter.setClipRect(exposed)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        while x < exposed.right():
            seconds = (self.clip.source_in + x / ppf) / fps
            painter.drawImage(QRectF(x, top, tw, th), strip.at(seconds))
            x += tw
        painter.restore()

    def _paint_wave(self, painter: QPainter, exposed: QRectF, path: Path) -> None:
        peaks = self.ctx.media.peaks(path)
        if peaks is None or not len(peaks.values):
            return
        ppf, fps = self.ctx.layout.ppf, self.ctx.project.fps
        x0, x1 = int(max(0, exposed.left())), int(min(self._w, exposed.right() + 1))
        if x1 <= x0:
            return
        xs = np.arange(x0, x1 + 1, dtype=np.float64)
        idx = ((self.clip.source_in + xs / ppf) / fps * peaks.rate).astype(np.int64)
        idx = np.clip(idx, 0, len(peaks.values) - 1)
        vals = np.maximum.reduceat(peaks.values, idx)[:-1]  # max over each column's buckets
        gain = 10 ** (self.clip.gain_db / 20)
        mid, half = (LABEL_H + self._h) / 2, (self._h - LABEL_H) / 2
        amp = np.minimum(1.0, vals * gain) * half
        painter.setPen(QPen(_WAVE, 1))
        painter.drawLines(
            [QLineF(x, mid - a, x, mid + a) for x, a in zip(range(x0, x1), amp, strict=True)]
        )

    def _paint_transitions(self, painter: QPainter) -> None:
        ppf = self.ctx.layout.ppf
        for tr, at_start in ((self.clip.transition_in, True), (self.clip.transition_out, False)):
            if tr is None or tr.duration <= 0:
                continue
            w = min(self._w, tr.duration * ppf)
            x = 0.0 if at_start else self._w - w
            grad = QLinearGradient(x, 0, x + w, 0)
            dark, clear = QColor(0, 0, 0, 150), QColor(0, 0, 0, 0)
            grad.setColorAt(0.0, dark if at_start else clear)
            grad.setColorAt(1.0, clear if at_start else dark)
            painter.fillRect(QRectF(x, 0, w, self._h), QBrush(grad))
            painter.setPen(QPen(_TEXT, 1, Qt.PenStyle.DashLine))
            if at_start:
                painter.drawLine(QLineF(0, self._h, w, 0))
            else:
                painter.drawLine(QLineF(x, 0, self._w, self._h))


def _plain(name: str) -> str:
    """A bundle file's name without the content-hash prefix the bundle gave it."""
    return re.sub(r"^[0-9a-f]{16}-", "", name)
