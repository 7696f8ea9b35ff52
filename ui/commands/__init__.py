"""Commands kept by name for callers outside the editor core (see ui.undo for the one path)."""

from __future__ import annotations

from studio.layout.landing import land_as_new_shot, land_take
from studio.model import Take
from ui.undo import EditCommand


class LandTake(EditCommand):
    """A finished take lands (kept, made current, shown in place with ripple) as one undo entry;
    the edit is applied when the command is made, so push it at once."""

    def __init__(self, doc, take: Take, label: str = ""):
        super().__init__(doc, land_take(doc.project, take, label))


class LandAsNewClip(EditCommand):
    """A finished take added as a new clip (a new shot after `after_shot_id`) instead of
    replacing that shot's clip: blend's "Add as a new clip"."""

    def __init__(self, doc, take: Take, after_shot_id: str, label: str = ""):
        super().__init__(doc, land_as_new_shot(doc.project, take, after_shot_id, label))


__all__ = ["EditCommand", "LandAsNewClip", "LandTake"]
