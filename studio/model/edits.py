"""Timeline edit operations on clips: pure, Qt-free, exactly undoable.

Every operation changes the project in place and returns an `Edit` (studio.model.edit): the
clip lists of the tracks it touched, before and after. Shot, take-landing and storyboard
operations live beside these (studio.model.shot_edits, studio.layout); all share `Edit`.

Track rules kept by every operation (see `check_track`): clips sorted by start never have three
clips over one frame, and two clips overlap only when the later one has a `transition_in` whose
duration equals the overlap (a crossfade/dip between them). A `transition_in` on a clip with a
gap (or nothing) before it fades in from black inside the clip.
"""

from __future__ import annotations

import bisect
from typing import Literal

from studio.layout.frames import take_frames
from studio.model.clip_links import follow, linked_ids, relink, unlink
from studio.model.edit import (
    Edit,
    EditError,
    Recorder,
    check_track,
    find,
    index_of,
    overlap_in,
    remove,
    shifted,
    track_by_id,
)
from studio.model.project import Project
from studio.model.shot import TransitionKind, new_id
from studio.model.take import TakeKind
from studio.model.timeline import Clip, Track, TrackKind, Transition

__all__ = [
    "Edit",
    "EditError",
    "Recorder",
    "Transition",
    "check_track",
    "find",
    "overlap_in",
    "take_frames",
    "track_by_id",
    "unlink",
]

Edge = Literal["in", "out"]


def clip_source_frames(project: Project, clip: Clip) -> int | None:
    return take_frames(project, project.takes.get(clip.take_id)) if clip.take_id else None


def neighbours(track: Track, clip: Clip) -> tuple[Clip | None, Clip | None]:
    clips = track.sorted_clips()
    i = next(k for k, c in enumerate(clips) if c.id == clip.id)
    return (clips[i - 1] if i else None), (clips[i + 1] if i + 1 < len(clips) else None)


# --- snapping ----------------------------------------------------------------------------------


def snap_targets(
    project: Project, playhead: int | None = None, exclude: str | None = None
) -> list[int]:
    """Sorted frames a dragged edge is drawn to: every clip edge (but `exclude`'s), the playhead, 0."""
    out = {0}
    for track in project.tracks:
        for clip in track.clips:
            if clip.id != exclude:
                out.update((clip.start, clip.end))
    if playhead is not None:
        out.add(playhead)
    return sorted(out)


def snap(frame: int, targets: list[int], threshold: int) -> int:
    """The nearest target within `threshold` frames of `frame`, else `frame`."""
    i = bisect.bisect_left(targets, frame)
    best, dist = frame, threshold + 1
    for t in targets[max(0, i - 1) : i + 1]:
        if abs(t - frame) < dist:
            best, dist = t, abs(t - frame)
    return best


def snap_span(start: int, duration: int, targets: list[int], threshold: int) -> int:
    """Snap a moving clip by whichever of its edges is nearer a target; returns the new start."""
    s = snap(start, targets, threshold)
    e = snap(start + duration, targets, threshold)
    if s == start and e == start + duration:
        return start
    if e != start + duration and (s == start or abs(e - start - duration) < abs(s - start)):
        return max(0, e - duration)
    return s


# --- operations --------------------------------------------------------------------------------


def move_clip(project: Project, clip_id: str, start: int, track_id: str | None = None) -> Edit:
    """Put a clip at `start` (frames), optionally on another track of the same kind; its
    linked clips move by as much on their own tracks."""
    _track, clip = find(project, clip_id)
    partners = linked_ids(project, clip)
    edit = _move_clip(project, clip_id, start, track_id)
    delta = max(0, int(start)) - clip.start
    return follow(project, edit, partners, lambda pid, c: _move_clip(project, pid, c.start + delta))


def _move_clip(project: Project, clip_id: str, start: int, track_id: str | None = None) -> Edit:
    src, clip = find(project, clip_id)
    dst = track_by_id(project, track_id) if track_id else src
    if dst.kind != src.kind:
        raise EditError(f"a {src.kind} clip cannot go on {dst.kind} track {dst.name or dst.id}")
    start = max(0, int(start))
    rec = Recorder(project, "Move clip")
    remove(rec.track(src).clips, clip)
    moved = clip.model_copy(update={"start": start})
    prev = _before(dst, start)
    if clip.transition_in is not None and prev is not None and prev.end > start:
        moved = _with_overlap(moved, prev.end - start)  # a crossfade follows a nudge
    rec.track(dst).clips.append(moved)
    return rec.finish(clip_id)


def _before(track: Track, start: int) -> Clip | None:
    """The last clip of the track starting before `start`."""
    earlier = [c for c in track.clips if c.start < start]
    return max(earlier, key=lambda c: c.start) if earlier else None


def free_start(
    project: Project, clip_id: str, start: int, track_id: str | None = None
) -> int | None:
    """The start nearest `start` where the clip fits on the track without new overlaps (for drags)."""
    src, clip = find(project, clip_id)
    dst = track_by_id(project, track_id) if track_id else src
    others = [c for c in dst.sorted_clips() if c.id != clip_id]
    if clip.transition_in is not None and _inside_crossfade(others, clip, start):
        return start  # a crossfaded clip nudged within its previous clip keeps the crossfade
    gaps, cursor = [], 0
    for c in others:
        gaps.append((cursor, c.start))
        cursor = max(cursor, c.end)
    gaps.append((cursor, None))
    best = None
    for lo, hi in gaps:
        if hi is not None and hi - lo < clip.duration:
            continue
        s = max(lo, start) if hi is None else min(max(lo, start), hi - clip.duration)
        if best is None or abs(s - start) < abs(best - start):
            best = s
    return best


def _inside_crossfade(others: list[Clip], clip: Clip, start: int) -> bool:
    prev = max((c for c in others if c.start < start), key=lambda c: c.start, default=None)
    nxt = min((c for c in others if c.start >= start), key=lambda c: c.start, default=None)
    if prev is None or not prev.start + overlap_in(prev) < start < prev.end:
        return False
    return prev.end - start < clip.duration and (nxt is None or start + clip.duration <= nxt.start)


def trim_limits(project: Project, clip_id: str, edge: Edge) -> tuple[int, int]:
    """Timeline frames the given edge may be dragged between (take length and neighbours).

    An edge inside a transition may move too: the transition follows it (longer, shorter, or
    gone once the clips no longer overlap), as long as each clip keeps a frame of its own."""
    track, clip = find(project, clip_id)
    prev, nxt = neighbours(track, clip)
    length = clip_source_frames(project, clip)
    if edge == "in":
        lo = clip.start - clip.source_in
        if prev is not None:
            lo = max(lo, prev.start + 1 if _overlaps(prev, clip) else prev.end)
            before = neighbours(track, prev)[0]
            if before is not None:
                lo = max(lo, before.end)  # never three clips at once
        return max(0, lo), clip.end - 1
    hi = clip.start + (length - clip.source_in) if length is not None else 1 << 40
    if nxt is not None:
        hi = min(hi, nxt.end - 1 if _overlaps(clip, nxt) else nxt.start)
        after = neighbours(track, nxt)[1]
        if after is not None:
            hi = min(hi, after.start)
    return clip.start + 1, max(clip.start + 1, hi)


def _overlaps(left: Clip, right: Clip) -> bool:
    return left.end > right.start


def _with_overlap(clip: Clip, overlap: int) -> Clip:
    """`clip` whose incoming transition lasts `overlap` frames (none when nothing overlaps)."""
    if overlap <= 0:
        return clip.model_copy(update={"transition_in": None})
    trans = clip.transition_in or Transition(kind=TransitionKind.CROSSFADE, duration=overlap)
    return clip.model_copy(update={"transition_in": trans.model_copy(update={"duration": overlap})})


def trim_clip(project: Project, clip_id: str, edge: Edge, frame: int) -> Edit:
    """Move a clip's in edge (start and source_in together) or out edge to timeline `frame`,
    clamped to what the take and the neighbouring clips allow; linked clips are trimmed to
    the same frame."""
    _track, clip = find(project, clip_id)
    partners = linked_ids(project, clip)
    edit = _trim_clip(project, clip_id, edge, frame)
    _track, new = find(project, clip_id)
    to = new.start if edge == "in" else new.end  # where the clamped edge landed
    return follow(project, edit, partners, lambda pid, _c: _trim_clip(project, pid, edge, to))


def _trim_clip(project: Project, clip_id: str, edge: Edge, frame: int) -> Edit:
    track, clip = find(project, clip_id)
    lo, hi = trim_limits(project, clip_id, edge)
    frame = min(max(int(frame), lo), hi)
    prev, nxt = neighbours(track, clip)
    rec = Recorder(project, "Trim clip")
    rec.track(track)
    if edge == "in":
        delta = frame - clip.start
        new = clip.model_copy(
            update={
                "start": frame,
                "source_in": clip.source_in + delta,
                "duration": clip.duration - delta,
            }
        )
        if prev is not None and (_overlaps(prev, clip) or _overlaps(prev, new)):
            new = _with_overlap(new, prev.end - frame)
    else:
        new = clip.model_copy(update={"duration": frame - clip.start})
        if nxt is not None and (_overlaps(clip, nxt) or _overlaps(new, nxt)):
            _replace(track, nxt, _with_overlap(nxt, frame - nxt.start))
    _replace(track, clip, new)
    return rec.finish(clip_id)


def split_clip(project: Project, clip_id: str, frame: int) -> Edit:
    """Cut a clip in two at timeline `frame`; the right half gets a new id. Linked clips are
    cut at the same frame: the left halves stay linked, and so do the right halves."""
    _track, clip = find(project, clip_id)
    partners = [
        p
        for p in linked_ids(project, clip)
        if find(project, p)[1].start < frame < find(project, p)[1].end
    ]
    edit = _split_clip(project, clip_id, frame)
    edit = follow(project, edit, partners, lambda pid, _c: _split_clip(project, pid, frame))
    if partners:
        edit = relink(project, edit, edit.new_clip_ids)
    return edit


def _split_clip(project: Project, clip_id: str, frame: int) -> Edit:
    track, clip = find(project, clip_id)
    if not clip.start < frame < clip.end:
        raise EditError("the playhead must be inside the clip to split it")
    left_len = frame - clip.start
    left = clip.model_copy(update={"duration": left_len, "transition_out": None, "fade_out": 0.0})
    right = clip.model_copy(
        update={
            "id": new_id(),
            "start": frame,
            "source_in": clip.source_in + left_len,
            "duration": clip.duration - left_len,
            "transition_in": None,
            "fade_in": 0.0,
        }
    )
    rec = Recorder(project, "Split clip")
    _replace(rec.track(track), clip, left)
    track.clips.append(right)
    return rec.finish(clip_id, [right.id])


def join_clips(project: Project, left_id: str, right_id: str) -> Edit:
    """Undo a split by hand: merge two touching halves of the same source into one clip."""
    track, left = find(project, left_id)
    track2, right = find(project, right_id)
    same = (left.take_id, left.media) == (right.take_id, right.media)
    if (
        track2 is not track
        or not same
        or right.start != left.end
        or right.source_in != left.source_out
    ):
        raise EditError("only two touching, continuous pieces of the same take can be joined")
    if right.transition_in is not None:
        raise EditError("remove the transition between the clips before joining them")
    merged = left.model_copy(
        update={
            "duration": left.duration + right.duration,
            "transition_out": right.transition_out,
            "fade_out": right.fade_out,
        }
    )
    rec = Recorder(project, "Join clips")
    _replace(rec.track(track), left, merged)
    remove(track.clips, right)
    return rec.finish(left_id)


def delete_clip(project: Project, clip_id: str) -> Edit:
    """Remove a clip (and the clips linked to it) and leave the gap."""
    _track, clip = find(project, clip_id)
    partners = linked_ids(project, clip)
    edit = _delete_clip(project, clip_id)
    return follow(project, edit, partners, lambda pid, _c: _delete_clip(project, pid))


def _delete_clip(project: Project, clip_id: str) -> Edit:
    track, clip = find(project, clip_id)
    rec = Recorder(project, "Delete clip")
    remove(rec.track(track).clips, clip)
    return rec.finish()


def ripple_delete(project: Project, clip_id: str) -> Edit:
    """Remove a clip and close the gap: later clips on the track move left, in order; the next
    clip starts where the deleted one did (or where the previous clip ends, if they overlapped).
    Linked clips are ripple-deleted on their own tracks too."""
    _track, clip = find(project, clip_id)
    partners = linked_ids(project, clip)
    edit = _ripple_delete(project, clip_id)
    return follow(project, edit, partners, lambda pid, _c: _ripple_delete(project, pid))


def _ripple_delete(project: Project, clip_id: str) -> Edit:
    track, clip = find(project, clip_id)
    prev, nxt = neighbours(track, clip)
    rec = Recorder(project, "Ripple delete")
    remove(rec.track(track).clips, clip)
    if nxt is not None:
        target = clip.start if prev is None else max(clip.start, prev.end)
        _shift_from(track, nxt.start, target - nxt.start, exclude=())
    return rec.finish()


def insert_clip(project: Project, track_id: str, clip: Clip, ripple: bool = False) -> Edit:
    """Place a new clip. With `ripple`, clips at or after its start move right to make room, and a
    clip under its start is split there first (an NLE's insert edit); without, it must fit."""
    track = track_by_id(project, track_id)
    rec = Recorder(project, "Insert clip")
    rec.track(track)
    if ripple:
        under = next((c for c in track.clips if c.start < clip.start < c.end), None)
        if under is not None:
            split = _split_clip(project, under.id, clip.start)
            rec.edit.before.setdefault(track.id, split.before[track.id])
        _shift_from(track, clip.start, clip.duration, exclude=())
    track.clips.append(clip)
    return rec.finish(clip.id, [clip.id])


def set_transition(
    project: Project,
    clip_id: str,
    kind: TransitionKind | None,
    duration: int = 0,
    edge: Edge = "in",
) -> Edit:
    """Add, change or remove (kind None or CUT) the transition at a clip's in or out edge.

    Into a clip that touches the previous one, the transition overlaps the two by `duration`:
    the clip and every later clip on the track move left by the change in overlap (and back
    right on removal), so the rest of the edit keeps its rhythm. Elsewhere it fades from/to black.
    """
    track, clip = find(project, clip_id)
    remove = kind is None or kind == TransitionKind.CUT or duration <= 0
    new_tr = None if remove else Transition(kind=kind, duration=int(duration))
    rec = Recorder(project, "Remove transition" if remove else "Set transition")
    rec.track(track)
    if edge == "out":
        if new_tr is not None and new_tr.duration > clip.duration:
            raise EditError("a fade-out cannot be longer than its clip")
        _replace(track, clip, clip.model_copy(update={"transition_out": new_tr}))
        return rec.finish(clip_id)
    prev, _ = neighbours(track, clip)
    old_over = max(0, prev.end - clip.start) if prev else 0
    joined = prev is not None and prev.end >= clip.start
    new_over = new_tr.duration if (new_tr and joined) else 0
    if new_tr is not None and new_tr.duration > clip.duration:
        raise EditError("a transition cannot be longer than its clip")
    _replace(track, clip, clip.model_copy(update={"transition_in": new_tr}))
    if new_over != old_over:
        _shift_from(track, clip.start, old_over - new_over, exclude=())
    return rec.finish(clip_id)


def transition_between(
    project: Project, left_id: str, right_id: str, kind: TransitionKind, duration: int
) -> Edit:
    """A transition from `left` into `right`, which must be adjacent on one track."""
    track, left = find(project, left_id)
    track2, right = find(project, right_id)
    _, nxt = neighbours(track, left)
    if track2 is not track or nxt is None or nxt.id != right_id or left.end < right.start:
        raise EditError("transitions go between two clips that touch on the same track")
    return set_transition(project, right_id, kind, duration)


def swap_take(project: Project, clip_id: str, take_id: str, update_shot: bool = True) -> Edit:
    """Show another take on a clip (same start and in point, trimmed to the new take's length);
    for a video take of the clip's shot, that take also becomes the shot's current take.

    A linked clip swaps to the new take's own linked take (the sound made with that picture);
    a new take with none leaves the other clip as it was, no longer linked."""
    _track, clip = find(project, clip_id)
    partners = linked_ids(project, clip)
    edit = _swap_take(project, clip_id, take_id, update_shot)
    if not partners:
        return edit
    other = project.takes[take_id].linked
    if other is None or other not in project.takes:
        return edit.then(unlink(project, clip_id))
    return follow(project, edit, partners, lambda pid, _c: _swap_take(project, pid, other, False))


def _swap_take(project: Project, clip_id: str, take_id: str, update_shot: bool = True) -> Edit:
    track, clip = find(project, clip_id)
    take = project.takes.get(take_id)
    if take is None:
        raise EditError(f"no take with id '{take_id}'")
    want = TakeKind.AUDIO if track.kind == TrackKind.AUDIO else TakeKind.VIDEO
    if take.kind != want:
        raise EditError(f"a {take.kind} take cannot go on a {track.kind} track")
    length = take_frames(project, take)
    source_in, duration = clip.source_in, clip.duration
    if length is not None:
        if source_in >= length:
            source_in = 0
        duration = max(1, min(duration, length - source_in))
    new = clip.model_copy(
        update={"take_id": take_id, "media": None, "source_in": source_in, "duration": duration}
    )
    rec = Recorder(project, "Swap take")
    _replace(rec.track(track), clip, new)
    shot_id = clip.shot_id or take.shot_id
    if update_shot and take.kind == TakeKind.VIDEO and shot_id and take.shot_id == shot_id:
        try:
            rec.shot_take(shot_id, take_id)
        except KeyError:
            pass
    return rec.finish(clip_id)


def slip_clip(project: Project, clip_id: str, source_in: int) -> Edit:
    """Show another part of the take in the same place (the clip's in point), clamped so the
    clip stays inside its take; linked clips slip by as much."""
    _track, clip = find(project, clip_id)
    partners = linked_ids(project, clip)
    edit = _slip_clip(project, clip_id, source_in)
    delta = find(project, clip_id)[1].source_in - clip.source_in
    return follow(
        project, edit, partners, lambda pid, c: _slip_clip(project, pid, c.source_in + delta)
    )


def _slip_clip(project: Project, clip_id: str, source_in: int) -> Edit:
    track, clip = find(project, clip_id)
    length = clip_source_frames(project, clip)
    hi = max(0, length - clip.duration) if length is not None else 1 << 40
    source_in = min(max(0, int(source_in)), hi)
    rec = Recorder(project, "Slip clip")
    _replace(rec.track(track), clip, clip.model_copy(update={"source_in": source_in}))
    return rec.finish(clip_id)


def set_clip_length(project: Project, clip_id: str, frames: int) -> Edit:
    """The inspector's Length field: the out edge trimmed to start + frames (same limits as a
    trim drag, so a transition into the next clip follows it)."""
    _track, clip = find(project, clip_id)
    edit = trim_clip(project, clip_id, "out", clip.start + int(frames))
    edit.name = "Change clip length"
    return edit


_SETTABLE = {"fit", "gain_db", "fade_in", "fade_out", "pan"}


def set_clip_fields(project: Project, clip_id: str, **changes) -> Edit:
    """Change a clip's look/sound fields (fit, gain_db, fade_in, fade_out, pan), validated."""
    bad = set(changes) - _SETTABLE
    if bad:
        raise EditError(f"use trim/move/set_transition for {', '.join(sorted(bad))}")
    track, clip = find(project, clip_id)
    try:
        new = Clip.model_validate({**clip.model_dump(), **changes})
    except ValueError as exc:
        raise EditError(str(exc).splitlines()[-1] if str(exc) else "invalid value") from None
    rec = Recorder(project, "Change clip")
    _replace(rec.track(track), clip, new)
    return rec.finish(clip_id)


# --- helpers -----------------------------------------------------------------------------------


def _replace(track: Track, old: Clip, new: Clip) -> None:
    track.clips[index_of(track.clips, old)] = new


def _shift_from(track: Track, frame: int, delta: int, exclude: tuple[str, ...]) -> None:
    """Move every clip starting at or after `frame` by `delta` frames (a clip pushed before
    frame 0 is refused by the track check in `finish`, which puts everything back)."""
    if not delta:
        return
    for i, c in enumerate(track.clips):
        if c.start >= frame and c.id not in exclude:
            track.clips[i] = shifted(c, c.start + delta)
