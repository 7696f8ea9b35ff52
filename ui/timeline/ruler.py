"""The time ruler above the tracks and the track names beside them.

Both live in the view's margins and read the view's layout and scroll position; clicking or
dragging on the ruler moves the playhead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPaintEvent, QPolygonF
from PySide6.QtWidgets import QToolTip, QWidget

from studio.timecode import time_text
from studio.timecode import timecode as _timecode

if TYPE_CHECKING:
    from ui.timeline.view import TimelineView

RULER_H = 24
HEADER_W = 96
_MARKER = QColor("#f0c040")
_RANGE = QColor(70, 140, 220, 90)
_ON = {"muted": QColor("#d9a441"), "solo": QColor("#4caf50"), "locked": QColor("#d05050")}
SWITCHES = (("muted", "M", "Mute"), ("solo", "S", "Solo"), ("locked", "L", "Lock"))
_SW = 16  # switch box size, px
_BG = QColor("#1d232b")
_TICK = QColor("#8a96a3")
_PLAYHEAD = QColor("#ff4d4d")
_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600)  # seconds between labels


def timecode(frame: int, fps: int) -> str:
    """HH:MM:SS:FF, what an editor shows (studio.timecode)."""
    return _timecode(frame, fps)


class Ruler(QWidget):
    def __init__(self, view: TimelineView):
        super().__init__(view)
        self.view = view
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        font = QFont()
        font.setPointSizeF(7.5)
        self.setFont(font)

    def _scene_x(self, x: float) -> float:
        return x + self.view.horizontalScrollBar().value()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        p = QPainter(self)
        p.fillRect(self.rect(), _BG)
        layout, fps = self.view.layout, self.view.project.fps
        left = self._scene_x(0)
        px_per_s = layout.ppf * fps
        label_s = next((s for s in _STEPS if s * px_per_s >= 70), _STEPS[-1])
        minor = label_s / 5 if label_s >= 5 else (label_s / 2 if label_s > 1 else None)
        p.setPen(_TICK)
        first = int(left / px_per_s / label_s) * label_s
        t = float(first)
        while (t * px_per_s) - left < self.width():
            x = t * px_per_s - left
            p.drawLine(int(x), 10, int(x), RULER_H)
            p.drawText(
                QRectF(x + 3, 0, 90, 14),
                time_text(int(round(t * fps)), fps, self.view.seconds_mode),
            )
            if minor:
                for k in range(1, int(round(label_s / minor))):
                    mx = x + k * minor * px_per_s
                    p.drawLine(int(mx), 17, int(mx), RULER_H)
            elif px_per_s >= 60:  # one tick per frame when frames are wide enough
                for k in range(1, fps):
                    fx = x + k * layout.ppf
                    p.drawLine(int(fx), 20, int(fx), RULER_H)
            t += label_s
        self._paint_marks(p, left)
        x = layout.x(self.view.playhead) - left
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(_PLAYHEAD)
        p.drawPolygon(QPolygonF([QPointF(x - 5, 12), QPointF(x + 5, 12), QPointF(x, RULER_H)]))

    def _paint_marks(self, p: QPainter, left: float) -> None:
        """The In/Out range as a band and markers as small flags."""
        project, layout = self.view.project, self.view.layout
        a, b = project.in_point, project.out_point
        if a is not None or b is not None:
            x0 = layout.x(a or 0) - left
            x1 = layout.x(b if b is not None else project.duration_frames) - left
            p.fillRect(QRectF(x0, 0, max(1.0, x1 - x0), 8), _RANGE)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(_MARKER)
        for marker in project.markers:
            x = layout.x(marker.frame) - left
            if -6 <= x <= self.width() + 6:
                p.drawPolygon(QPolygonF([QPointF(x - 4, 0), QPointF(x + 4, 0), QPointF(x, 8)]))

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        self._seek(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._seek(event)

    def _seek(self, event: QMouseEvent) -> None:
        frame = self.view.layout.frame_at(self._scene_x(event.position().x()))
        self.view.user_seek(frame)


class TrackHeaders(QWidget):
    def __init__(self, view: TimelineView):
        super().__init__(view)
        self.view = view

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        p = QPainter(self)
        p.fillRect(self.rect(), _BG)
        top = self.view.verticalScrollBar().value()
        p.setPen(_TICK)
        for row in self.view.layout.rows:
            y = row.y - top
            if y + row.h < 0 or y > self.height():
                continue
            name_w = HEADER_W - 10 - len(SWITCHES) * (_SW + 2)  # the name stops before M S L
            name = p.fontMetrics().elidedText(row.name, Qt.TextElideMode.ElideRight, name_w)
            p.drawText(QRectF(6, y, name_w, row.h), Qt.AlignmentFlag.AlignVCenter, name)
            self._paint_switches(p, row, y)
            p.setPen(_TICK)
            p.drawLine(0, int(y + row.h), HEADER_W, int(y + row.h))

    def switch_rect(self, row, index: int, y: float) -> QRectF:
        """Where a track's M / S / L switch is drawn (right side of its header)."""
        x = HEADER_W - (len(SWITCHES) - index) * (_SW + 2) - 2
        return QRectF(x, y + (row.h - _SW) / 2, _SW, _SW)

    def _paint_switches(self, p: QPainter, row, y: float) -> None:
        try:
            track = next(t for t in self.view.project.tracks if t.id == row.track_id)
        except StopIteration:
            return
        for i, (field, letter, _tip) in enumerate(SWITCHES):
            rect = self.switch_rect(row, i, y)
            on = getattr(track, field)
            p.setPen(_TICK)
            p.setBrush(_ON[field] if on else Qt.BrushStyle.NoBrush)
            p.drawRect(rect)
            p.setPen(QColor("#101418") if on else _TICK)
            p.drawText(rect, Qt.AlignmentFlag.AlignCenter, letter)

    def switch_at(self, pos: QPointF) -> tuple[str, str] | None:
        """(track id, field) of the switch under a point of this widget, if any."""
        top = self.view.verticalScrollBar().value()
        for row in self.view.layout.rows:
            for i, (field, _letter, _tip) in enumerate(SWITCHES):
                if self.switch_rect(row, i, row.y - top).contains(pos):
                    return row.track_id, field
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        hit = self.switch_at(event.position())
        if hit is not None:
            self.view.editing.toggle_track(*hit)
            self.update()

    def event(self, event) -> bool:
        if event.type() == event.Type.ToolTip:
            hit = self.switch_at(QPointF(event.pos()))
            tips = {f: t for f, _l, t in SWITCHES}
            if hit is not None:
                QToolTip.showText(event.globalPos(), f"{tips[hit[1]]} this track", self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)
