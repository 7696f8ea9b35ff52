"""Deleting takes as one undo entry: the pure edit (studio.model.take_edits) plus its files.

The edit takes the takes out of the project; the files nothing uses any more go to the
bundle's trash (studio.take_files) and Undo brings them back with the takes. The trash is
emptied of what the saved project does not use the next time the project is opened.
"""

from __future__ import annotations

from studio import take_files
from studio.model.edit import Edit
from ui.undo import EditCommand


class DeleteTakesCommand(EditCommand):
    """An applied delete-takes Edit; its files move to the trash now and back on undo."""

    def __init__(self, doc, edit: Edit):
        self.paths = [t.path for t in edit.takes_before.values() if t is not None]
        super().__init__(doc, edit)
        self.moved = take_files.discard(doc.bundle.path, doc.project, self.paths)

    def redo(self) -> None:
        first = self._applied
        super().redo()
        if not first:
            self.moved = take_files.discard(self.bus.bundle.path, self.bus.project, self.paths)

    def undo(self) -> None:
        take_files.restore(self.bus.bundle.path, self.moved)
        self.moved = []
        super().undo()


def delete_takes(doc, op, *args) -> Edit:
    """Apply a delete edit (`op(project, *args)`) and push it with its files; raises EditError
    with nothing changed when refused. Nothing is pushed when nothing was deleted."""
    edit = op(doc.project, *args)
    if edit.changed:
        doc.undo_stack.push(DeleteTakesCommand(doc, edit))
    return edit
