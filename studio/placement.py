"""Compatibility names for where takes go; the rules live in studio.layout.

`land_take` here applies `studio.layout.landing.land_take`'s Edit and drops it (the CLI has no
undo); the editor pushes the Edit itself.
"""

from __future__ import annotations

from studio.layout import landing
from studio.layout.frames import take_frames
from studio.layout.storyboard import follows_storyboard
from studio.model import Clip, Project, Take, TrackKind

__all__ = ["clips_of_shot", "follows_storyboard", "land_take", "take_frames"]


def clips_of_shot(project: Project, shot_id: str) -> list[Clip]:
    return [
        c
        for t in project.tracks
        if t.kind == TrackKind.VIDEO
        for c in t.clips
        if c.shot_id == shot_id
    ]


def land_take(project: Project, take: Take) -> None:
    """Keep a finished take and show it on the timeline (the Edit is applied and dropped)."""
    landing.land_take(project, take)
