"""One mutation path for the editor: every change is an `Edit` (studio.model.edit) applied by a
pure operation and pushed as an `EditCommand`; the bus announces each applied edit once.

`EditBus.apply(op, *args)` runs `op(project, *args)` (a studio.model / studio.layout operation),
pushes it when it changed something, and every redo/undo emits `edited(edit)`: the one change
signal the timeline, inspector, storyboard and player listen to (views never notify each other).
The edit is applied BEFORE the command is pushed, so a refused edit raises `EditError` to the
caller and never reaches the stack. Consecutive commands with the same `UndoId` and the same
target key merge into one undo entry (a drag, a spin-box's arrow steps), composed exactly by
`Edit.then`; a merged entry that ends where it began is dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from enum import IntEnum

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from studio.model import Project
from studio.model.edit import Edit
from studio.model.packed import PackedEdit, pack

UNDO_LIMIT = 500  # entries kept; each holds only what its edit changed (studio.model.packed)


class UndoId(IntEnum):
    """Merge ids (as Shotcut keeps one enum): commands merge only with the same id and target."""

    DRAG = 100  # one mouse drag on the timeline (move or trim), key: the drag
    SHOT_FIELD = 101  # key: (shot id, field)
    CLIP_FIELD = 102  # key: (clip id, field)
    CLIP_LENGTH = 103  # key: clip id
    CLIP_SLIP = 104  # key: clip id
    TRANSITION = 105  # key: (clip id, edge)
    LORA_WEIGHT = 106  # one LoRA's weight, key: (shot id or "project", file)


class EditCommand(QUndoCommand):
    """An already-applied `Edit`; undo/redo swap its snapshots and announce it on the bus.
    The edit is kept packed (a ripple's moved clips as one shift, studio.model.packed)."""

    def __init__(self, bus: EditBus, edit: Edit, merge: UndoId | None = None, key: Hashable = None):
        super().__init__(edit.name)
        self.bus, self.edit, self.merge, self.key = bus, pack(edit), merge, key
        self._applied = True  # QUndoStack.push calls redo() once: the edit is already done

    def id(self) -> int:
        return int(self.merge) if self.merge is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt API
        if not isinstance(other, EditCommand) or (other.merge, other.key) != (
            self.merge,
            self.key,
        ):
            return False
        project = self.bus.project  # now in the state after `other`
        later = other.edit
        if isinstance(later, PackedEdit):
            later = later.unpack(project)
        mine = self.edit
        if isinstance(mine, PackedEdit):
            mine = mine.unpack(project, later.before)
        self.edit = pack(mine.then(later))
        self.setObsolete(not self.edit.changed)
        return True

    def redo(self) -> None:
        if self._applied:
            self._applied = False
        else:
            self.edit.redo(self.bus.project)
        self.bus.edited.emit(self.edit)

    def undo(self) -> None:
        self.edit.undo(self.bus.project)
        self.bus.edited.emit(self.edit)


class EditBus(QObject):
    """Applies edits to a project through an undo stack and announces each one."""

    edited = Signal(object)  # the Edit just applied, undone or redone

    def __init__(self, undo_stack: QUndoStack | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.undo_stack = undo_stack if undo_stack is not None else QUndoStack(self)
        if self.undo_stack.count() == 0:
            self.undo_stack.setUndoLimit(UNDO_LIMIT)

    @property
    def project(self) -> Project:
        raise NotImplementedError

    def apply(
        self,
        op: Callable[..., Edit],
        *args,
        merge: UndoId | None = None,
        key: Hashable = None,
        **kwargs,
    ) -> Edit:
        """Apply `op(project, *args, **kwargs)` and push it (nothing pushed if it changed
        nothing). Raises EditError, with nothing changed, if the edit is refused."""
        edit = op(self.project, *args, **kwargs)
        if edit.changed:
            self.undo_stack.push(EditCommand(self, edit, merge, key))
        return edit


class ProjectBus(EditBus):
    """A bus over a bare project (a timeline used on its own, as in its tests)."""

    def __init__(self, project: Project, undo_stack: QUndoStack, parent: QObject | None = None):
        super().__init__(undo_stack, parent)
        self._project = project

    @property
    def project(self) -> Project:
        return self._project
