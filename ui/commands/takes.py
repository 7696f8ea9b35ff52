"""Take commands: a finished generation lands as a new take beside the old ones."""

from __future__ import annotations

from studio.model import Take
from studio.placement import land_take, place_take
from ui.commands.shots import SnapshotCommand
from ui.document import Document


class LandTake(SnapshotCommand):
    """Adds the take, makes it the shot's current take and switches/places its clip.

    Undo puts back the previous take on the shot and the clip; the new take's file stays in
    the bundle and in history (redo brings it back).
    """

    def __init__(self, doc: Document, take: Take, label: str = ""):
        def change(project):
            land_take(project, take)

        super().__init__(doc, label or f"New take ({take.operation.value})", change)


class SetCurrentTake(SnapshotCommand):
    """Swap which take a shot (and its clips) shows."""

    def __init__(self, doc: Document, shot_id: str, take_id: str):
        def change(project):
            shot = project.shot(shot_id)
            shot.current_take = take_id
            place_take(project, shot, project.takes[take_id])

        super().__init__(doc, "Switch take", change)
