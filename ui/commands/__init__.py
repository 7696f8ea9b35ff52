"""QUndoCommands for storyboard and inspector edits: one user action, one command.

Every command names its action (shown as "Undo Edit prompt" in the Edit menu) and emits the
Document's change signals from redo() and undo(), so views refresh the same way either way.
"""

from ui.commands.clips import EditClip
from ui.commands.shots import (
    AddShots,
    DeleteShots,
    EditShot,
    MoveShots,
    SnapshotCommand,
)
from ui.commands.takes import LandTake, SetCurrentTake

__all__ = [
    "AddShots",
    "DeleteShots",
    "EditClip",
    "EditShot",
    "LandTake",
    "MoveShots",
    "SetCurrentTake",
    "SnapshotCommand",
]
