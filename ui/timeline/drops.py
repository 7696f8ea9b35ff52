"""Drops on the timeline: bin items (placed where they are dropped) and files from the desktop
(imported, then placed there), and the drop mode of those and of moved clips. An event filter
on the view's viewport, so the view stays about drawing and dragging its own clips.

Drop modes (studio.model.drop_edits), as in Kdenlive's timeline modes: Normal never covers a
clip, Insert ripples the track, Overwrite replaces what is under the clip. The Timeline menu
sets the mode; holding Ctrl while dropping inserts and Alt overwrites, whatever the mode. A
moved clip in Insert/Overwrite lands when the mouse is released (a dashed line shows where)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QActionGroup

from studio.model.drop_edits import DropMode, move_clip_as
from studio.model.media_edits import place_media
from ui.media_bin import MEDIA_MIME

if TYPE_CHECKING:
    from ui.timeline.view import TimelineView


MODE_TEXT = {
    DropMode.NORMAL: "Normal Drops (never cover a clip)",
    DropMode.INSERT: "Insert Drops (ripple; or hold Ctrl)",
    DropMode.OVERWRITE: "Overwrite Drops (or hold Alt)",
}


class TimelineDrops(QObject):
    def __init__(self, view: TimelineView):
        super().__init__(view)
        self.view = view
        self.mode = DropMode.NORMAL
        self.modifiers = Qt.KeyboardModifier.NoModifier  # of the last mouse move of a drag
        self.held: tuple[str, int, str, DropMode] | None = None  # a move waiting for release
        self.mode_actions = self._make_mode_actions()
        self.separator = QAction(view)
        self.separator.setSeparator(True)
        # set by the window: import files and place them at a frame (None when not wired)
        self.import_files: Callable[[list[Path], int], object] | None = None
        view.setAcceptDrops(True)  # QGraphicsView passes it on to its viewport
        view.viewport().setAcceptDrops(True)
        view.viewport().installEventFilter(self)

    def _make_mode_actions(self) -> list[QAction]:
        group = QActionGroup(self)
        out = []
        for mode, text in MODE_TEXT.items():
            act = QAction(text, self.view)
            act.setCheckable(True)
            act.setChecked(mode == self.mode)
            act.setData(mode.value)
            act.triggered.connect(lambda _on=False, m=mode: self.set_mode(m))
            group.addAction(act)
            out.append(act)
        return out

    def set_mode(self, mode: DropMode) -> None:
        self.mode = DropMode(mode)
        for act in self.mode_actions:
            act.setChecked(act.data() == self.mode.value)

    def mode_for(self, modifiers) -> DropMode:
        """Ctrl inserts and Alt overwrites, whatever the menu's mode."""
        if modifiers & Qt.KeyboardModifier.ControlModifier:
            return DropMode.INSERT
        if modifiers & Qt.KeyboardModifier.AltModifier:
            return DropMode.OVERWRITE
        return self.mode

    # --- moving clips ---------------------------------------------------------------------
    def hold(self, clip_id: str, start: int, track_id: str) -> bool:
        """A drag step: in Insert/Overwrite, remember where the clip would land (True: the
        view shows a line there and moves nothing until release)."""
        mode = self.mode_for(self.modifiers)
        if mode == DropMode.NORMAL:
            self.held = None
            return False
        self.held = (clip_id, start, track_id, mode)
        return True

    def release(self) -> None:
        """The drag ended: land a held move as one undoable insert/overwrite."""
        held, self.held = self.held, None
        self.modifiers = Qt.KeyboardModifier.NoModifier
        if held is None:
            return
        clip_id, start, track_id, _mode = held
        try:
            track, clip = self.view.project.find_clip(clip_id)
        except KeyError:
            return
        if (start, track_id) != (clip.start, track.id):  # dropped back in place: no edit
            self.view.push(move_clip_as, *held)

    # --- drops from the bin and the desktop -----------------------------------------------
    def _accepts(self, mime) -> bool:
        return mime.hasFormat(MEDIA_MIME) or (mime.hasUrls() and self.import_files is not None)

    def frame_at(self, pos) -> int:
        return max(0, self.view.layout.frame_at(self.view.mapToScene(pos).x()))

    def drop(self, mime, pos, modifiers=Qt.KeyboardModifier.NoModifier) -> bool:
        """Place bin items (on the track under the drop when it fits them, in the drop mode)
        or import dropped files at the drop position."""
        frame = self.frame_at(pos)
        if mime.hasFormat(MEDIA_MIME):
            paths = bytes(mime.data(MEDIA_MIME)).decode().splitlines()
            by_path = {m.path: m for m in self.view.project.media}
            row = self.view.layout.row_at(self.view.mapToScene(pos).y())
            mode = self.mode_for(modifiers)
            for path in paths:
                if path in by_path:
                    edit = self.view.push(
                        place_media,
                        by_path[path],
                        frame,
                        mode=mode,
                        track_id=row.track_id if row is not None else None,
                    )
                    if edit is not None:
                        _t, clip = self.view.project.find_clip(edit.clip_id)
                        frame = clip.end
            return True
        if mime.hasUrls() and self.import_files is not None:
            files = [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]
            self.import_files(files, frame)
            return True
        return False

    def _mark(self, pos, modifiers=None) -> None:
        """While dragging over the timeline in Insert/Overwrite, a line where the drop lands."""
        view = self.view
        on = pos is not None and self.mode_for(modifiers) != DropMode.NORMAL
        view._snap_x = view.layout.x(self.frame_at(pos)) if on else None
        view.viewport().update()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt API
        kind = event.type()
        if kind in (QEvent.DragEnter, QEvent.DragMove):
            if self._accepts(event.mimeData()):
                event.acceptProposedAction()
                self._mark(event.position().toPoint(), event.modifiers())
                return True
        elif kind == QEvent.DragLeave:
            self._mark(None)
        elif kind == QEvent.Drop:
            self._mark(None)
            if self.drop(event.mimeData(), event.position().toPoint(), event.modifiers()):
                event.acceptProposedAction()
                return True
        return False
