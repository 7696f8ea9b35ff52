"""The timeline editor widget (its edits go through ui.undo like every other change)."""

from ui.timeline.view import TimelineView

__all__ = ["TimelineView"]
