"""The timeline's everyday editing, with Shotcut/Kdenlive keys: multi-select (Shift/Ctrl click,
rubber band, Ctrl+A), cut/copy/paste/duplicate (Ctrl+X/C/V/D), markers (M), In/Out points (I/O),
Home/End, and track mute/solo/lock. Every change is one undoable edit through the view's bus.

Kept apart from `TimelineView` (drawing, drags, zoom) so each stays small; the view owns one
`ClipEditing` as `view.editing` and forwards modifier clicks and empty-area drags to it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QRubberBand

from studio.model import clip_edits as C
from studio.model import edits as E
from studio.model import project_edits as P
from studio.model.clip_edits import Copied
from ui.timeline.items import ClipItem

if TYPE_CHECKING:
    from ui.timeline.view import TimelineView


class ClipEditing(QObject):
    def __init__(self, view: TimelineView):
        super().__init__(view)
        self.view = view
        self.selected: list[str] = []  # every selected clip; view.selected_clip is the current
        self.clipboard: list[Copied] = []
        self._band: QRubberBand | None = None
        self._band_origin = QPoint()
        self.actions = self._make_actions()

    # --- actions ----------------------------------------------------------------------------
    def _make_actions(self) -> list[QAction]:
        v = self.view

        def act(text: str, keys: list, slot) -> QAction:
            a = QAction(text, v)
            a.setShortcuts([QKeySequence(k) for k in keys])
            a.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            a.triggered.connect(slot)
            v.addAction(a)
            return a

        self.action_cut = act("Cut clips", ["Ctrl+X"], self.cut)
        self.action_copy = act("Copy clips", ["Ctrl+C"], self.copy)
        self.action_paste = act("Paste clips at playhead", ["Ctrl+V"], self.paste)
        self.action_duplicate = act("Duplicate clips", ["Ctrl+D"], self.duplicate)
        self.action_select_all = act("Select all clips", ["Ctrl+A"], self.select_all)
        self.action_marker = act("Add marker", ["M"], self.add_marker)
        self.action_in = act("Set In point", ["I"], lambda: self.set_in_out(in_point=v.playhead))
        self.action_out = act("Set Out point", ["O"], lambda: self.set_in_out(out_point=v.playhead))
        self.action_clear_in_out = act(
            "Clear In/Out", ["Alt+X"], lambda: self.set_in_out(None, None)
        )
        self.action_home = act("Go to start", ["Home"], lambda: v.user_seek(0))
        self.action_end = act(
            "Go to end", ["End"], lambda: v.user_seek(max(0, v.project.duration_frames - 1))
        )
        return [
            self.action_cut,
            self.action_copy,
            self.action_paste,
            self.action_duplicate,
            self.action_select_all,
            self.action_marker,
            self.action_in,
            self.action_out,
            self.action_clear_in_out,
            self.action_home,
            self.action_end,
        ]

    # --- selection --------------------------------------------------------------------------
    def set_selection(self, ids: list[str]) -> None:
        """Select exactly `ids` (the last one is the current clip the inspector shows)."""
        v = self.view
        ids = list(dict.fromkeys(ids))
        for cid, item in v._items.items():
            flag = cid in ids
            if item.selected != flag:
                item.selected = flag
                item.update()
        self.selected = ids
        current = ids[-1] if ids else None
        if current != v.selected_clip:
            v.selected_clip = current
            v.clipSelected.emit(current or "")

    def toggle(self, clip_id: str) -> None:
        """Shift/Ctrl click: add a clip to the selection or take it out."""
        ids = [i for i in self.selected if i != clip_id]
        if len(ids) == len(self.selected):
            ids.append(clip_id)
        self.set_selection(ids)

    def select_all(self) -> None:
        self.set_selection([c.id for t in self.view.project.tracks for c in t.sorted_clips()])

    def selection(self) -> list[str]:
        """The selected clips that still exist."""
        ids = [i for i in self.selected if i in self.view._items]
        if not ids and self.view.selected_clip:
            ids = [self.view.selected_clip]
        return ids

    # --- rubber band ------------------------------------------------------------------------
    def begin_band(self, pos: QPoint) -> None:
        self._band_origin = pos
        if self._band is None:
            self._band = QRubberBand(QRubberBand.Shape.Rectangle, self.view.viewport())
        self._band.setGeometry(QRect(pos, QSize()))
        self._band.show()

    def band_active(self) -> bool:
        return self._band is not None and self._band.isVisible()

    def move_band(self, pos: QPoint) -> None:
        if self.band_active():
            self._band.setGeometry(QRect(self._band_origin, pos).normalized())

    def end_band(self, add: bool = False) -> None:
        """Select every clip the band touches (added to the selection with Shift/Ctrl)."""
        if not self.band_active():
            return
        rect = self._band.geometry()
        self._band.hide()
        scene = QRectF(self.view.mapToScene(rect).boundingRect())
        hit = [
            i.clip_id
            for i in self.view.scene().items(scene, Qt.ItemSelectionMode.IntersectsItemShape)
            if isinstance(i, ClipItem)
        ]
        self.set_selection((self.selected if add else []) + hit)

    # --- clipboard ---------------------------------------------------------------------------
    def copy(self) -> bool:
        ids = self.selection()
        if not ids:
            self.view.editFailed.emit("select clips to copy")
            return False
        self.clipboard = C.copy_clips(self.view.project, ids)
        return True

    def cut(self) -> None:
        if self.copy():
            self.view.push(C.delete_clips, self.selection(), "Cut")

    def paste(self) -> None:
        if not self.clipboard:
            self.view.editFailed.emit("nothing to paste: copy clips first (Ctrl+C)")
            return
        edit = self.view.push(C.paste_clips, self.clipboard, self.view.playhead)
        if edit is not None:
            self.set_selection(edit.new_clip_ids)

    def duplicate(self) -> None:
        ids = self.selection()
        if not ids:
            self.view.editFailed.emit("select clips to duplicate")
            return
        edit = self.view.push(C.duplicate_clips, ids)
        if edit is not None:
            self.set_selection(edit.new_clip_ids)

    def delete(self) -> bool:
        """Delete the multi-selection as one edit; False when at most one clip is selected
        (the view's own Delete handles that)."""
        ids = self.selection()
        if len(ids) < 2:
            return False
        self.view.push(C.delete_clips, ids)
        return True

    # --- markers, In/Out, tracks -------------------------------------------------------------
    def add_marker(self) -> None:
        self.view.push(P.add_marker, self.view.playhead)

    def set_in_out(self, in_point: int | None = -1, out_point: int | None = -1) -> None:
        self.view.push(P.set_in_out, in_point, out_point)

    def toggle_track(self, track_id: str, field: str) -> None:
        """Flip a track's mute, solo or lock switch (the header's M / S / L)."""
        track = E.track_by_id(self.view.project, track_id)
        self.view.push(P.set_track_fields, track_id, **{field: not getattr(track, field)})
