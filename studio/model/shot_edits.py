"""Storyboard edit operations on shots: add, duplicate, delete, move, change fields.

Each returns an `Edit` like the clip operations (studio.model.edits) and reaches the timeline
the same way: the storyboard's tracks are re-stacked keeping hand edits (studio.layout.storyboard)
— a longer shot ripples the clips after it, a changed transition re-makes only its own join,
a reorder moves whole segments. Shots are replaced by changed copies, never mutated.
"""

from __future__ import annotations

from typing import Any

from studio.layout.frames import take_frames
from studio.layout.landing import show_take
from studio.layout.storyboard import new_clip_frames, restack, shot_frames
from studio.model.edit import Edit, EditError, Recorder, index_of
from studio.model.project import Project
from studio.model.shot import Shot, new_id
from studio.model.timeline import TrackRole

FIELD_NAMES = {
    "name": "label",
    "prompt": "prompt",
    "duration": "duration",
    "camera": "camera",
    "style": "preset",
    "seed": "seed",
    "image": "reference image",
    "image_strength": "first-frame strength",
    "last_image": "last frame",
    "keyframes": "keyframes",
    "dialogue": "lines",
    "transition": "transition",
    "transition_duration": "transition length",
    "audio": "sound description",
    "current_take": "take",
    "sound_take": "sound take",
}
_LAYOUT = {"duration", "transition", "transition_duration", "current_take", "sound_take"}


def _shot(project: Project, shot_id: str) -> Shot:
    try:
        return project.shot(shot_id)
    except KeyError:
        raise EditError(f"no shot with id '{shot_id}'") from None


def set_shot_fields(project: Project, shot_id: str, **changes: Any) -> Edit:
    """Change a shot's fields (validated); duration and transition changes reach the
    storyboard track, keeping hand edits."""
    bad = set(changes) - set(FIELD_NAMES)
    if bad:
        raise EditError(f"a shot has no editable field {', '.join(sorted(bad))}")
    old = _shot(project, shot_id)
    try:
        new = Shot.model_validate({**old.model_dump(), **changes})
    except ValueError as exc:
        raise EditError(str(exc).splitlines()[-1] if str(exc) else "invalid value") from None
    name = "Edit " + FIELD_NAMES[next(iter(changes))] if len(changes) == 1 else "Edit shot"
    rec = Recorder(project, name)
    rec.replace_shot(new)
    if not _LAYOUT & {k for k in changes if getattr(old, k) != getattr(new, k)}:
        return rec.finish()
    if new.current_take != old.current_take and new.current_take in project.takes:
        show_take(rec, shot_id, project.takes[new.current_take], old_take=old.current_take)
    if new.duration != old.duration:
        _resize(rec, old, new)
    retrans = (
        {shot_id}
        if (old.transition, old.transition_duration)
        != (
            new.transition,
            new.transition_duration,
        )
        else set()
    )
    # a shot's transition joins it to the next; the previous shot's join is unaffected
    restack(rec, retransition=retrans)
    return rec.finish()


def _resize(rec: Recorder, old: Shot, new: Shot) -> None:
    """The last clip of the shot's run on the storyboard track grows or shrinks by the change
    in the shot's length (never past its take's end)."""
    project = rec.project
    track = project.track_with_role(TrackRole.STORYBOARD_VIDEO)
    mine = [c for c in track.clips if c.shot_id == new.id] if track else []
    if not mine:
        return
    delta = shot_frames(project, new) - shot_frames(project, old)
    last = max(mine, key=lambda c: c.start)
    length = take_frames(project, project.takes.get(last.take_id)) if last.take_id else None
    duration = last.duration + delta
    if length is not None:
        duration = min(duration, length - last.source_in)
    rec.track(track)
    i = index_of(track.clips, last)
    track.clips[i] = last.model_copy(update={"duration": max(1, duration)})


def add_shots(
    project: Project, shots: list[Shot], index: int | None = None, name: str = ""
) -> Edit:
    """Insert shots at `index` (default: the end); those with a take get a clip, in order."""
    n = len(shots)
    rec = Recorder(project, name or ("Add shot" if n == 1 else f"Add {n} shots"))
    taken = {s.id for s in project.shots}
    if any(s.id in taken for s in shots):
        raise EditError("a shot with that id is already in the storyboard")
    at = len(project.shots) if index is None else max(0, min(index, len(project.shots)))
    rec.shot_list()[at:at] = shots
    fresh = {
        s.id: new_clip_frames(project, s, s.current_take)
        for s in shots
        if s.current_take in project.takes
    }
    restack(rec, reorder=True, fresh=fresh)
    edit = rec.finish()
    edit.new_shot_ids = [s.id for s in shots]
    return edit


def duplicate_shots(project: Project, ids: list[str]) -> Edit:
    """Copies (new ids, same fields and takes) of the shots, after the last of them."""
    if not ids:
        raise EditError("select shots to duplicate")
    copies = [_shot(project, i).model_copy(update={"id": new_id()}) for i in ids]
    at = max(i for i, s in enumerate(project.shots) if s.id in set(ids)) + 1
    n = len(copies)
    return add_shots(project, copies, at, "Duplicate shot" if n == 1 else f"Duplicate {n} shots")


def delete_shots(project: Project, ids: list[str]) -> Edit:
    """Remove shots and their clips (the storyboard track closes up); their takes stay."""
    gone = set(ids)
    for i in ids:
        _shot(project, i)
    n = len(gone)
    rec = Recorder(project, "Delete shot" if n == 1 else f"Delete {n} shots")
    shots = rec.shot_list()
    shots[:] = [s for s in shots if s.id not in gone]
    for track in project.tracks:
        if any(c.shot_id in gone for c in track.clips):
            rec.track(track).clips = [c for c in track.clips if c.shot_id not in gone]
    restack(rec, reorder=True)
    return rec.finish()


def move_shots(project: Project, ids: list[str], index: int) -> Edit:
    """Move shots (kept in their relative order) so the first lands before row `index`."""
    moving = set(ids)
    for i in ids:
        _shot(project, i)
    n = len(moving)
    rec = Recorder(project, "Move shot" if n == 1 else f"Move {n} shots")
    shots = rec.shot_list()
    picked = [s for s in shots if s.id in moving]
    at = len([s for s in shots[:index] if s.id not in moving])
    rest = [s for s in shots if s.id not in moving]
    shots[:] = rest[:at] + picked + rest[at:]
    if [s.id for s in shots] == [s.id for s in rec.edit.order_before or ()]:
        rec.edit.order_before = None
        return rec.finish()
    restack(rec, reorder=True)
    return rec.finish()
