"""Storyboard commands: add, delete, move and edit shots."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QUndoCommand

from studio.model import Shot
from studio.placement import relayout_if_following
from ui.document import Document

# Fields whose edits arrive keystroke by keystroke or as a spin-box drag: merged into one undo.
MERGED_FIELDS = {"prompt", "duration", "seed", "audio", "transition_duration"}
EDIT_SHOT_ID = 1001

FIELD_NAMES = {
    "prompt": "prompt",
    "duration": "duration",
    "camera": "camera",
    "style": "preset",
    "seed": "seed",
    "image": "reference image",
    "transition": "transition",
    "transition_duration": "transition length",
    "audio": "sound description",
}


class SnapshotCommand(QUndoCommand):
    """Runs `change(project)` once and records the touched parts before/after.

    Used for structural edits (several lists change together); undo/redo swap deep copies so
    they never depend on the objects a view may still hold.
    """

    PARTS = ("shots", "takes", "tracks")

    def __init__(self, doc: Document, text: str, change: Callable, parts=PARTS):
        super().__init__(text)
        self.doc = doc
        self.parts = tuple(parts)
        project = doc.project
        self._before = {p: _copy(getattr(project, p)) for p in self.parts}
        change(project)
        self._after = {p: _copy(getattr(project, p)) for p in self.parts}
        self._first = True

    def redo(self) -> None:
        if not self._first:
            self._restore(self._after)
        self._first = False
        self._notify()

    def undo(self) -> None:
        self._restore(self._before)
        self._notify()

    def _restore(self, state: dict) -> None:
        for part, value in state.items():
            setattr(self.doc.project, part, _copy(value))

    def _notify(self) -> None:
        if "shots" in self.parts:
            self.doc.shotsChanged.emit()
        if "takes" in self.parts:
            self.doc.takesChanged.emit()
        if "tracks" in self.parts:
            self.doc.timelineChanged.emit()


def _copy(value: Any) -> Any:
    if isinstance(value, list):
        return [v.model_copy(deep=True) for v in value]
    if isinstance(value, dict):
        return {k: v.model_copy(deep=True) for k, v in value.items()}
    return value


class AddShots(SnapshotCommand):
    def __init__(self, doc: Document, shots: list[Shot], index: int | None = None, text: str = ""):
        self.ids = [s.id for s in shots]
        at = len(doc.project.shots) if index is None else index

        def change(project):
            project.shots[at:at] = shots

        label = text or ("Add shot" if len(shots) == 1 else f"Add {len(shots)} shots")
        super().__init__(doc, label, change, parts=("shots",))


class DeleteShots(SnapshotCommand):
    """Removes shots and their clips; their takes stay in the project (nothing is lost)."""

    def __init__(self, doc: Document, ids: list[str]):
        gone = set(ids)

        def remove(project):
            project.shots = [s for s in project.shots if s.id not in gone]
            for track in project.tracks:
                track.clips = [c for c in track.clips if c.shot_id not in gone]

        def change(project):
            relayout_if_following(project, remove)

        n = len(gone)
        super().__init__(
            doc, "Delete shot" if n == 1 else f"Delete {n} shots", change, parts=("shots", "tracks")
        )


class MoveShots(SnapshotCommand):
    """Moves shots (kept in their relative order) so the first lands at `index`."""

    def __init__(self, doc: Document, ids: list[str], index: int):
        moving = set(ids)

        def move(project):
            before = project.shots[:index]
            picked = [s for s in project.shots if s.id in moving]
            at = len([s for s in before if s.id not in moving])
            rest = [s for s in project.shots if s.id not in moving]
            project.shots = rest[:at] + picked + rest[at:]

        def change(project):
            relayout_if_following(project, move)

        n = len(moving)
        super().__init__(
            doc, "Move shot" if n == 1 else f"Move {n} shots", change, parts=("shots", "tracks")
        )


class EditShot(QUndoCommand):
    """Sets one field of one shot. Consecutive edits of the same text/number field merge."""

    def __init__(self, doc: Document, shot_id: str, field: str, value: Any):
        super().__init__(f"Edit {FIELD_NAMES.get(field, field)}")
        self.doc, self.shot_id, self.field = doc, shot_id, field
        self.old = getattr(doc.project.shot(shot_id), field)
        self.new = value

    def id(self) -> int:
        return EDIT_SHOT_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, EditShot) or self.field not in MERGED_FIELDS:
            return False
        if (other.shot_id, other.field) != (self.shot_id, self.field):
            return False
        self.new = other.new
        return True

    def _set(self, value: Any) -> None:
        setattr(self.doc.project.shot(self.shot_id), self.field, value)
        self.doc.shotEdited.emit(self.shot_id)

    def redo(self) -> None:
        self._set(self.new)

    def undo(self) -> None:
        self._set(self.old)
