"""Undo commands for timeline edits: one QUndoCommand per user action, named for the Edit menu.

The edit is applied BEFORE the command is pushed (`push_edit`), so an edit the model refuses
raises `EditError` to the caller and never reaches the stack. A drag pushes a `DragCommand` per
mouse step with the same `drag` key; consecutive steps merge into one entry (QUndoCommand.id /
mergeWith), composed exactly by `Edit.then`, and a drag that ends where it began is dropped.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand, QUndoStack

from studio.model import Project
from studio.model.edits import Edit

OnChange = Callable[[Edit], None]
DRAG_ID = 0x5B0D


class EditCommand(QUndoCommand):
    """An already-applied `Edit`; undo/redo swap the touched tracks' snapshots."""

    def __init__(self, project: Project, edit: Edit, on_change: OnChange | None = None):
        super().__init__(edit.name)
        self.project, self.edit, self.on_change = project, edit, on_change
        self._applied = True  # QUndoStack.push calls redo() once: the edit is already done

    def redo(self) -> None:
        if self._applied:
            self._applied = False
        else:
            self.edit.redo(self.project)
        self._notify()

    def undo(self) -> None:
        self.edit.undo(self.project)
        self._notify()

    def _notify(self) -> None:
        if self.on_change is not None:
            self.on_change(self.edit)


class DragCommand(EditCommand):
    """One step of a mouse drag (move or trim); steps with the same key merge into one."""

    def __init__(
        self, project: Project, edit: Edit, drag: object, on_change: OnChange | None = None
    ):
        super().__init__(project, edit, on_change)
        self.drag = drag

    def id(self) -> int:
        return DRAG_ID

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt API
        if not isinstance(other, DragCommand) or other.drag != self.drag:
            return False
        self.edit = self.edit.then(other.edit)
        self.setObsolete(not self.edit.changed)
        return True


def push_edit(
    stack: QUndoStack,
    project: Project,
    op: Callable[..., Edit],
    *args,
    on_change: OnChange | None = None,
    drag: object | None = None,
    **kwargs,
) -> Edit:
    """Apply `op(project, *args, **kwargs)` (a studio.model.edits function) and push it.

    Raises EditError, with nothing pushed and nothing changed, if the edit is refused; an
    edit that changes nothing is not pushed."""
    edit = op(project, *args, **kwargs)
    if not edit.changed:
        return edit  # e.g. a trim clamped to where the edge already was: no undo entry
    if drag is None:
        cmd = EditCommand(project, edit, on_change)
    else:
        cmd = DragCommand(project, edit, drag, on_change)
    stack.push(cmd)
    return edit
