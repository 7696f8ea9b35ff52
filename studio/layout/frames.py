"""How many project frames a take provides: the one rule, used by edits, layout and the UI.

A clip's frame k shows the take's frame floor((source_in + k) / project_fps * take_fps) (see
studio.compose.sources.index_at), so a take supplies every project frame whose time falls
before its end: ceil(frames * project_fps / take_fps). A 49-frame 16 fps take in a 24 fps
project is 74 frames (73.5 rounded up: frame 73 still shows the take's last frame).
"""

from __future__ import annotations

import math

from studio.model.project import Project
from studio.model.take import Take


def take_frames(project: Project, take: Take | None) -> int | None:
    """A take's length in project frames (None when unknown, e.g. an imported file)."""
    if take is None:
        return None
    if take.frames and take.fps:
        return max(1, math.ceil(take.frames * project.fps / take.fps - 1e-9))
    if take.duration:
        return max(1, math.ceil(take.duration * project.fps - 1e-9))
    return None
