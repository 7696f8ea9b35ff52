"""Insert and overwrite edits: where a dropped or moved clip lands when its spot is taken.
Pure, Qt-free, one `Edit` each (studio.model.edits is the model).

The three drop modes follow Shotcut and Kdenlive:

- NORMAL: the clip never covers another (a move is held at the nearest gap, a bin item goes
  after the track's last clip); what the timeline always did.
- INSERT (ripple): clips at or after the drop frame move right by the clip's length; a clip
  under the drop frame is cut there first, its right part moving on with the rest.
- OVERWRITE: the clip replaces whatever lies under it on its track: clips inside its span go,
  clips across its edges are trimmed (one across both is cut in two around it).

A moved clip is lifted first (leaving its gap) and its linked clips (its sound) land the same
way on their own tracks, by the same number of frames.
"""

from __future__ import annotations

from enum import StrEnum

from studio.model.clip_links import follow, linked_ids
from studio.model.edit import Edit, EditError, Recorder, find, remove, shifted, track_by_id
from studio.model.project import Project
from studio.model.shot import new_id
from studio.model.timeline import Clip, Track


class DropMode(StrEnum):
    NORMAL = "normal"
    INSERT = "insert"
    OVERWRITE = "overwrite"


def make_room(track: Track, start: int, end: int, mode: DropMode) -> None:
    """Free frames [start, end) of `track` for a new clip, the way `mode` says (in place; the
    caller records the track and checks it)."""
    if mode == DropMode.INSERT:
        _split_under(track, start)
        track.clips[:] = [shifted(c, c.start + end - start) if c.start >= start else c
                          for c in track.clips]  # fmt: skip
    elif mode == DropMode.OVERWRITE:
        _clear(track, start, end)
    elif any(c.start < end and start < c.end for c in track.clips):
        name = track.name or track.kind.value
        raise EditError(f"no room on track {name} at frame {start}: use insert or overwrite")


def _split_under(track: Track, frame: int) -> None:
    """Cut the clip that runs across `frame` in two there."""
    for i, c in enumerate(track.clips):
        if c.start < frame < c.end:
            track.clips[i] = _part(c, c.start, frame)
            track.clips.append(_part(c, frame, c.end, fresh=True))
            return


def _clear(track: Track, start: int, end: int) -> None:
    """Take frames [start, end) out of every clip of the track (an overwrite)."""
    kept: list[Clip] = []
    for c in track.clips:
        if c.end <= start or c.start >= end:
            kept.append(c)
            continue
        if c.start < start:
            kept.append(_part(c, c.start, start))
        if c.end > end:
            kept.append(_part(c, end, c.end, fresh=c.start < start))
    track.clips[:] = kept


def _part(clip: Clip, start: int, end: int, fresh: bool = False) -> Clip:
    """Frames [start, end) of `clip` (timeline frames inside it), as a clip. A cut edge loses
    its transition and fade; `fresh` gives the part a new id (the other part keeps the old)."""
    update: dict = {
        "start": start,
        "source_in": clip.source_in + start - clip.start,
        "duration": end - start,
    }
    if start > clip.start:
        update.update(transition_in=None, fade_in=0.0)
    if end < clip.end:
        update.update(transition_out=None, fade_out=0.0)
    if fresh:
        update["id"] = new_id()
    return clip.model_copy(update=update)


def place_clip(project: Project, track_id: str, clip: Clip, mode: DropMode, name: str) -> Edit:
    """Put a new clip on a track at its own start, making room as `mode` says."""
    track = track_by_id(project, track_id)
    rec = Recorder(project, name)
    rec.track(track)
    clip = clip.model_copy(update={"transition_in": None, "transition_out": None})
    make_room(track, clip.start, clip.end, mode)
    track.clips.append(clip)
    return rec.finish(clip.id, [clip.id])


def move_clip_as(
    project: Project, clip_id: str, start: int, track_id: str | None, mode: DropMode
) -> Edit:
    """Move a clip to `start` (on `track_id`, default its own track) with an insert or
    overwrite: lifted from where it was, then landed as `mode` says; linked clips follow."""
    _track, clip = find(project, clip_id)
    partners = linked_ids(project, clip)
    start = max(0, int(start))
    delta = start - clip.start
    edit = _move_as(project, clip_id, start, track_id, mode)
    return follow(
        project, edit, partners, lambda pid, c: _move_as(project, pid, c.start + delta, None, mode)
    )


def _move_as(
    project: Project, clip_id: str, start: int, track_id: str | None, mode: DropMode
) -> Edit:
    src, clip = find(project, clip_id)
    dst = track_by_id(project, track_id) if track_id else src
    if dst.kind != src.kind:
        raise EditError(f"a {src.kind} clip cannot go on {dst.kind} track {dst.name or dst.id}")
    if start < 0:
        raise EditError("a clip cannot start before the timeline does")
    verb = (
        "Insert"
        if mode == DropMode.INSERT
        else "Overwrite"
        if mode == DropMode.OVERWRITE
        else "Move"
    )
    rec = Recorder(project, f"{verb} clip")
    remove(rec.track(src).clips, clip)  # lifted: its old place stays a gap
    moved = clip.model_copy(update={"start": start, "transition_in": None, "transition_out": None})
    make_room(rec.track(dst), start, moved.end, mode)
    dst.clips.append(moved)
    return rec.finish(clip_id)
