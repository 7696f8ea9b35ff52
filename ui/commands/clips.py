"""Inspector commands on a timeline clip (in point, duration, fit mode, transition)."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QUndoCommand

from ui.document import Document

EDIT_CLIP_ID = 1002
MERGED = {"source_in", "duration", "gain_db"}
NAMES = {
    "source_in": "in point",
    "duration": "clip length",
    "fit": "fit mode",
    "transition_in": "transition",
    "transition_out": "fade out",
    "gain_db": "clip gain",
}


class EditClip(QUndoCommand):
    """Sets one field of one clip; spin-box drags on the same field merge into one undo."""

    def __init__(self, doc: Document, clip_id: str, field: str, value: Any):
        super().__init__(f"Edit {NAMES.get(field, field)}")
        self.doc, self.clip_id, self.field = doc, clip_id, field
        _track, clip = doc.project.find_clip(clip_id)
        self.old = _copy(getattr(clip, field))
        self.new = value

    def id(self) -> int:
        return EDIT_CLIP_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, EditClip) or self.field not in MERGED:
            return False
        if (other.clip_id, other.field) != (self.clip_id, self.field):
            return False
        self.new = other.new
        return True

    def _set(self, value: Any) -> None:
        _track, clip = self.doc.project.find_clip(self.clip_id)
        setattr(clip, self.field, _copy(value))
        self.doc.timelineChanged.emit()

    def redo(self) -> None:
        self._set(self.new)

    def undo(self) -> None:
        self._set(self.old)


def _copy(value: Any) -> Any:
    return value.model_copy(deep=True) if hasattr(value, "model_copy") else value
