"""The storyboard panel: one card per shot, in order."""

from ui.storyboard.model import SHOT_ID_ROLE, ShotListModel
from ui.storyboard.panel import StoryboardPanel

__all__ = ["SHOT_ID_ROLE", "ShotListModel", "StoryboardPanel"]
