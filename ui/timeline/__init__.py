"""The timeline editor widget and its undo commands."""

from ui.timeline.commands import DragCommand, EditCommand, push_edit
from ui.timeline.view import TimelineView

__all__ = ["DragCommand", "EditCommand", "TimelineView", "push_edit"]
