"""Drops on the timeline: bin items (placed where they are dropped) and files from the desktop
(imported, then placed there). An event filter on the view's viewport, so the view stays
about drawing and dragging its own clips."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject

from studio.model.media_edits import place_media
from ui.media_bin import MEDIA_MIME

if TYPE_CHECKING:
    from ui.timeline.view import TimelineView


class TimelineDrops(QObject):
    def __init__(self, view: TimelineView):
        super().__init__(view)
        self.view = view
        # set by the window: import files and place them at a frame (None when not wired)
        self.import_files: Callable[[list[Path], int], object] | None = None
        view.setAcceptDrops(True)  # QGraphicsView passes it on to its viewport
        view.viewport().setAcceptDrops(True)
        view.viewport().installEventFilter(self)

    def _accepts(self, mime) -> bool:
        return mime.hasFormat(MEDIA_MIME) or (mime.hasUrls() and self.import_files is not None)

    def frame_at(self, pos) -> int:
        return max(0, self.view.layout.frame_at(self.view.mapToScene(pos).x()))

    def drop(self, mime, pos) -> bool:
        """Place bin items or import dropped files at the drop position."""
        frame = self.frame_at(pos)
        if mime.hasFormat(MEDIA_MIME):
            paths = bytes(mime.data(MEDIA_MIME)).decode().splitlines()
            by_path = {m.path: m for m in self.view.project.media}
            for path in paths:
                if path in by_path:
                    edit = self.view.push(place_media, by_path[path], frame)
                    if edit is not None:
                        _t, clip = self.view.project.find_clip(edit.clip_id)
                        frame = clip.end
            return True
        if mime.hasUrls() and self.import_files is not None:
            files = [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]
            self.import_files(files, frame)
            return True
        return False

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt API
        kind = event.type()
        if kind in (QEvent.DragEnter, QEvent.DragMove):
            if self._accepts(event.mimeData()):
                event.acceptProposedAction()
                return True
        elif kind == QEvent.Drop:
            if self.drop(event.mimeData(), event.position().toPoint()):
                event.acceptProposedAction()
                return True
        return False
