"""Issue 11, defect 12: commands keep their edits packed (studio.model.packed); merged steps
(a drag, a spin box's arrows) still compose exactly, and undo/redo restore every clip."""

from __future__ import annotations

import random

from PySide6.QtGui import QUndoStack

from studio.model import TrackRole, TransitionKind
from studio.model import edits as E
from studio.model.packed import PackedEdit
from tests.studio.test_layout_incremental import film
from ui.undo import ProjectBus, UndoId


def test_merged_ripple_steps_undo_exactly(qapp):
    p = film(random.Random(7), 40)
    bus = ProjectBus(p, QUndoStack())
    track = p.track_with_role(TrackRole.STORYBOARD_VIDEO)
    clip = track.sorted_clips()[5].id
    start = p.model_dump()
    steps = []
    for frames in (2, 5, 9):  # a spin box stepping a transition that ripples the track
        bus.apply(E.set_transition, clip, TransitionKind.CROSSFADE, frames, merge=UndoId.TRANSITION)
        steps.append(p.model_dump())
    stack = bus.undo_stack
    assert stack.count() == 1
    assert isinstance(stack.command(0).edit, PackedEdit)
    stack.undo()
    assert p.model_dump() == start
    stack.redo()
    assert p.model_dump() == steps[-1]
    bus.apply(E.ripple_delete, track.sorted_clips()[1].id)
    after_delete = p.model_dump()
    stack.undo()
    stack.undo()
    assert p.model_dump() == start
    stack.redo()
    stack.redo()
    assert p.model_dump() == after_delete


def test_merged_steps_that_end_where_they_began_are_dropped(qapp):
    p = film(random.Random(8), 20)
    bus = ProjectBus(p, QUndoStack())
    clip = p.track_with_role(TrackRole.STORYBOARD_VIDEO).sorted_clips()[3].id
    start = p.model_dump()
    bus.apply(E.set_transition, clip, TransitionKind.CROSSFADE, 4, merge=UndoId.TRANSITION)
    bus.apply(E.set_transition, clip, None, 0, merge=UndoId.TRANSITION)
    assert p.model_dump() == start
    assert bus.undo_stack.count() == 0 or not bus.undo_stack.canUndo()
