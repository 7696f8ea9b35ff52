"""The storyboard's own tracks: how shots lay out, and how storyboard edits reach a timeline
that was edited by hand.

The tracks marked `TrackRole.STORYBOARD_VIDEO` / `STORYBOARD_SOUND` follow the shots. Their
clips are grouped into *segments*: the run of clips of one shot (a split shot is one segment;
a clip with no shot rides with the segment before it). `restack` lays the segments out again
after a storyboard change, keeping everything inside a segment (trims, splits) and the gap or
overlap between two segments that still follow each other; only where a segment's neighbour
changed (a shot added, deleted, moved) or its shot's transition changed is the join re-made from
the storyboard (the shot's transition overlaps it with the next; the last shot's fades out).
On a timeline with no hand edits this is exactly `plan`, the layout a Rebuild makes.
"""

from __future__ import annotations

from studio.layout.frames import take_frames
from studio.layout.unchanged import room, unchanged_head, unchanged_tail
from studio.model.edit import Edit, Recorder, shifted
from studio.model.project import Project
from studio.model.shot import Shot, TransitionKind
from studio.model.timeline import Clip, Track, TrackKind, TrackRole, Transition

VIDEO_NAME, SOUND_NAME = "V1", "Shot sound"


def shot_frames(project: Project, shot: Shot) -> int:
    return max(1, project.seconds_to_frames(shot.duration))


def transition_frames(project: Project, shot: Shot) -> int:
    if shot.transition == TransitionKind.CUT:
        return 0
    return project.seconds_to_frames(shot.transition_duration)


def new_clip_frames(project: Project, shot: Shot, take_id: str) -> int:
    """A new clip of a shot: the shot's length, but never past the end of its take."""
    length = take_frames(project, project.takes.get(take_id))
    frames = shot_frames(project, shot)
    return max(1, min(frames, length)) if length else frames


def storyboard_track(rec: Recorder, role: TrackRole) -> Track:
    """The track with `role`, created (recorded in the edit) if the project has none."""
    track = rec.project.track_with_role(role)
    if track is None:
        video = role == TrackRole.STORYBOARD_VIDEO
        kind = TrackKind.VIDEO if video else TrackKind.AUDIO
        track = Track(kind=kind, name=VIDEO_NAME if video else SOUND_NAME, role=role)
        tracks = rec.track_list()
        tracks.insert(0, track) if video else tracks.append(track)
    return rec.track(track)


class _Segment:
    """A run of one shot's clips on the storyboard track."""

    __slots__ = ("clips", "end", "final", "fresh", "lead", "pred", "shot_id", "start")

    def __init__(self, shot_id: str | None, clips: list[Clip], fresh: bool = False):
        self.shot_id, self.clips, self.fresh = shot_id, clips, fresh
        self.pred: _Segment | None = None  # the segment before it before the change
        self.lead = 0  # start minus pred's end (negative: overlap), or start for the first
        self.final = False  # was the last segment
        self.start, self.end = clips[0].start, clips[0].end
        for c in clips[1:]:
            self.end = max(self.end, c.end)

    def add(self, clip: Clip) -> None:
        self.clips.append(clip)
        self.end = max(self.end, clip.end)

    def move(self, clips: list[Clip], start: int) -> None:
        last = clips[0].end if len(clips) == 1 else max(c.end for c in clips)
        self.clips, self.start, self.end = clips, start, last


def _group(clips) -> list[_Segment]:
    segs: list[_Segment] = []
    for clip in sorted(clips, key=lambda c: c.start):
        if segs and (clip.shot_id is None or clip.shot_id == segs[-1].shot_id):
            segs[-1].add(clip)
        else:
            segs.append(_Segment(clip.shot_id, [clip]))
    return segs


_GONE = _Segment(None, [Clip(media="-", start=0, duration=1)])  # a predecessor now deleted


def _segments(
    clips: list[Clip], orig: tuple[Clip, ...], head: _Segment | None = None
) -> list[_Segment]:
    """Runs of one shot's clips (`clips`: sorted by start), each with its predecessor and the
    gap/overlap between them as they were before the change (`orig`: the track's clips then),
    so a lengthened clip ripples what follows and a segment whose neighbour was deleted or moved
    is joined anew. `head`: the unchanged segment just before `clips` (see `_unchanged_head`);
    a predecessor further back counts as any other neighbour that is no longer next."""
    segs = _group(clips)
    now = {c.id: seg for seg in segs for c in seg.clips}
    if head is not None:
        now.update((c.id, head) for c in head.clips)
    was = sorted(orig or clips, key=lambda c: c.start)
    where = {c.id: k for k, c in enumerate(was)}
    last = was[-1].id if was else None
    for i, seg in enumerate(segs):
        first = seg.clips[0]
        k = where.get(first.id)
        before = was[k - 1] if k else None
        if k is None or (before is not None and now.get(before.id) is seg):
            seg.pred = segs[i - 1] if i else head  # new here: judged where it is now
            seg.lead = seg.start - (seg.pred.end if seg.pred else 0)
            continue
        seg.pred = now.get(before.id, _GONE) if before is not None else None
        seg.lead = was[k].start - (before.end if before is not None else 0)
        seg.final = any(c.id == last for c in seg.clips)
    return segs


def restack(
    rec: Recorder,
    reorder: bool = False,
    retransition: set[str] | None = None,
    fresh: dict[str, int] | None = None,
) -> None:
    """Lay the storyboard tracks out again after the shots changed (see module doc).

    `reorder`: put segments in storyboard order (after add/delete/move of shots);
    `retransition`: shots whose transition (into the next shot) changed;
    `fresh`: shot id -> frames, for shots whose current take gets a new clip."""
    project = rec.project
    retransition = retransition or set()
    shots = {s.id: s for s in project.shots}
    order = {s.id: i for i, s in enumerate(project.shots)}
    video = project.track_with_role(TrackRole.STORYBOARD_VIDEO)
    if video is None and not fresh:
        _restack_sound(rec, {})
        return
    video = storyboard_track(rec, TrackRole.STORYBOARD_VIDEO)
    orig = rec.edit.before.get(video.id, ())
    now = sorted(video.clips, key=lambda c: c.start)
    was = sorted(orig, key=lambda c: c.start) if orig else now
    fresh = fresh or {}
    cut, heads = unchanged_head(now, was, reorder or bool(fresh), retransition, fresh, shots, order)
    pivot, tails = unchanged_tail(
        now, was, cut, reorder or bool(fresh), retransition, fresh, shots, order
    )
    head = _Segment(now[heads[-1]].shot_id, now[heads[-1] : cut]) if heads else None
    mid = now[cut : tails[0]] if tails else now[cut:]
    segs = [s for s in _segments(mid, was, head) if s.shot_id is None or s.shot_id in shots]
    for shot_id, frames in fresh.items():
        take = shots[shot_id].current_take
        clip = Clip(take_id=take, shot_id=shot_id, start=0, duration=frames)
        segs.append(_Segment(shot_id, [clip], fresh=True))
        reorder = True
    if reorder:  # loose clips first, then storyboard order (stable for a split shot)
        segs.sort(key=lambda s: -1 if s.shot_id is None else order[s.shot_id])
    out: list[Clip] = now[:cut]
    cursor, prev = (head.end, head) if head else (0, None)

    def lay(seg: _Segment) -> None:
        nonlocal cursor, prev
        start, first = _place(project, seg, prev, cursor, retransition, shots)
        delta = start - seg.start
        moved = [shifted(first, first.start + delta) if delta else first]
        moved += [shifted(c, c.start + delta) if delta else c for c in seg.clips[1:]]
        seg.move(moved, start)
        out.extend(moved)
        cursor, prev = seg.end, seg

    pivot_seg = (
        next((s for s in reversed(segs) if s.clips[0] is now[pivot]), None) if tails else None
    )
    old_pivot = now[pivot].start if tails else 0
    for seg in segs:
        lay(seg)
    tail_starts: list[tuple[str | None, int]] = []
    if tails:
        segs += _lay_tail(now, tails, pivot_seg, prev, old_pivot, out, lay, tail_starts)
    if segs:
        _fade_out(project, segs, retransition, reorder, out)
    video.clips = out
    starts = {now[i].shot_id: now[i].start for i in heads if now[i].shot_id}
    starts.update((s.shot_id, s.start) for s in segs if s.shot_id)
    starts.update((sid, start) for sid, start in tail_starts if sid)
    _restack_sound(rec, starts)


def _lay_tail(now, firsts, pivot, last_laid, old_start, out, lay, starts) -> list[_Segment]:
    """The unchanged tail (studio.layout.unchanged): every clip moves as far as the pivot
    segment did (`starts` gets each segment's shot and start). Returns its last segment (for
    the fade-out), or all its segments laid out one by one when the pivot's new layout no
    longer allows the join into the tail (as a full pass would)."""
    lead = now[firsts[0]].start - now[firsts[0] - 1].end  # as it was
    if (
        pivot is not None
        and pivot is last_laid
        and (lead >= 0 or -lead <= room(pivot.clips[-1], now[firsts[0]]))
    ):
        delta = pivot.start - old_start
        tail = now[firsts[0] :]
        out.extend([shifted(c, c.start + delta) for c in tail] if delta else tail)
        starts.extend((now[a].shot_id, now[a].start + delta) for a in firsts)
        last = _Segment(now[firsts[-1]].shot_id, out[len(out) - (len(now) - firsts[-1]) :])
        last.final = True
        return [last]
    segs: list[_Segment] = []
    for a, b in zip(firsts, firsts[1:] + [len(now)], strict=True):
        seg = _Segment(now[a].shot_id, now[a:b])
        seg.pred = segs[-1] if segs else (pivot or _GONE)
        seg.lead = now[a].start - now[a - 1].end
        segs.append(seg)
    segs[-1].final = True
    for seg in segs:
        lay(seg)
    return segs


def _place(project, seg, prev, cursor, retransition, shots) -> tuple[int, Clip]:
    """Where a segment starts and its first clip (with its incoming transition)."""
    first = seg.clips[0]
    if prev is None:
        if seg.pred is None and not seg.fresh:
            return seg.start, first
        return max(0, seg.lead) if not seg.fresh else 0, _no_join(first, seg)
    keep = prev is seg.pred and not seg.fresh and prev.shot_id not in retransition
    if keep or seg.lead > 0:
        over = -seg.lead if seg.lead < 0 else 0
        over = min(over, _room(prev, first))
        if over != max(0, -seg.lead):
            first = _with_in(first, over)
        return max(0, cursor - over if over else cursor + max(0, seg.lead)), first
    prev_shot = shots.get(prev.shot_id) if prev.shot_id else None
    over = transition_frames(project, prev_shot) if prev_shot else 0
    over = min(over, _room(prev, first))
    if over and prev_shot is not None:
        first = first.model_copy(
            update={"transition_in": Transition(kind=prev_shot.transition, duration=over)}
        )
    else:
        first = first.model_copy(update={"transition_in": None})
    return max(0, cursor - over), first


def _room(prev: _Segment, first: Clip) -> int:
    """The longest overlap the track rules allow between prev's last clip and `first`."""
    return room(prev.clips[-1], first)  # a segment's clips are in start order


def _with_in(clip: Clip, over: int) -> Clip:
    if over <= 0:
        return clip.model_copy(update={"transition_in": None})
    tr = clip.transition_in or Transition(duration=over)
    return clip.model_copy(update={"transition_in": tr.model_copy(update={"duration": over})})


def _no_join(first: Clip, seg: _Segment) -> Clip:
    """A segment now first on the track loses a transition that joined it to a neighbour."""
    if seg.lead < 0 or seg.fresh:
        return first.model_copy(update={"transition_in": None})
    return first


def _fade_out(project, segs, retransition, reorder, out: list[Clip]) -> None:
    """The last shot's transition fades the track's last clip to black (re-made only when the
    last segment or the last shot's transition changed)."""
    last_seg = segs[-1]
    last_shot = project.shots[-1] if project.shots else None
    changed = reorder or not last_seg.final or (last_shot and last_shot.id in retransition)
    if not changed:
        return
    for seg in segs[:-1]:
        if seg.final:  # the old last clip no longer ends the film
            tail = max(seg.clips, key=lambda c: c.start)
            _swap(out, tail, tail.model_copy(update={"transition_out": None}))
    tail = max(last_seg.clips, key=lambda c: c.start)
    fade = None
    if last_shot is not None and last_seg.shot_id == last_shot.id:
        n = min(transition_frames(project, last_shot), tail.duration)
        if n > 0:
            fade = Transition(kind=TransitionKind.DIP_TO_BLACK, duration=n)
    _swap(out, tail, tail.model_copy(update={"transition_out": fade}))


def _swap(clips: list[Clip], old: Clip, new: Clip) -> None:
    i = next(k for k, c in enumerate(clips) if c is old)
    clips[i] = new


def _restack_sound(rec: Recorder, starts: dict[str, int]) -> None:
    """Each shot's sound take starts with its picture and is cut where the next sound starts
    (clips of deleted shots go; hand-placed clips stay)."""
    project = rec.project
    want = [s for s in project.shots if s.sound_take and s.id in starts]
    track = project.track_with_role(TrackRole.STORYBOARD_SOUND)
    if track is None and not want:
        return
    track = storyboard_track(rec, TrackRole.STORYBOARD_SOUND)
    gone = {c.shot_id for c in track.clips if c.shot_id and c.shot_id not in _ids(project)}
    mine = {c.shot_id: c for c in track.clips if c.shot_id in starts}
    keep = [c for c in track.clips if c.shot_id not in starts and c.shot_id not in gone]
    placed: list[Clip] = []
    for shot in want:
        old = mine.get(shot.id)
        if old is None or old.take_id != shot.sound_take:
            frames = new_clip_frames(project, shot, shot.sound_take)
            old = Clip(take_id=shot.sound_take, shot_id=shot.id, start=0, duration=frames)
        placed.append(old.model_copy(update={"start": starts[shot.id]}))
    clips = sorted(keep + placed, key=lambda c: c.start)
    for i in range(len(clips) - 1):  # each sound is cut where the next one starts
        room = clips[i + 1].start - clips[i].start
        if 0 < room < clips[i].end - clips[i].start or clips[i + 1].transition_in:
            clips[i] = clips[i].model_copy(update={"duration": min(clips[i].duration, room)})
            clips[i + 1] = clips[i + 1].model_copy(update={"transition_in": None})
    track.clips = clips
    if not clips:
        rec.track_list().remove(track)


def _ids(project: Project) -> set[str]:
    return {s.id for s in project.shots}


# --- the plain storyboard layout ---------------------------------------------------------------


def rebuild(project: Project) -> Edit:
    """Lay the storyboard tracks exactly as the storyboard says, dropping hand edits on them
    (Rebuild Timeline); other tracks are left alone."""
    rec = Recorder(project, "Rebuild timeline")
    for role in TrackRole:
        track = project.track_with_role(role)
        if track is not None:
            rec.track(track).clips = []
    fresh = {
        s.id: new_clip_frames(project, s, s.current_take) for s in project.shots if s.current_take
    }
    restack(rec, reorder=True, fresh=fresh)
    return rec.finish()


def _key(project: Project) -> list[tuple]:
    out = []
    for role in TrackRole:
        track = project.track_with_role(role)
        for c in track.sorted_clips() if track else []:
            out.append(
                (role, c.take_id, c.shot_id, c.start, c.source_in, c.duration)
                + (c.transition_in, c.transition_out)
            )
    return out


def _plan(project: Project) -> list[tuple]:
    """What `rebuild` would put on the storyboard tracks, as `_key` rows, computed without
    making clips (the editor checks this after edits on 1,000-clip projects)."""
    rows, starts = [], {}
    prev, cursor = None, 0  # prev: (shot, frames, its incoming overlap)
    for shot in project.shots:
        if not shot.current_take:
            continue
        frames = new_clip_frames(project, shot, shot.current_take)
        tin, start = None, 0
        if prev is not None:
            p_shot, p_frames, p_over = prev
            room = max(0, min(p_frames - p_over - 1, frames - 1))
            over = min(transition_frames(project, p_shot), room)
            if over:
                tin = Transition(kind=p_shot.transition, duration=over)
            start = max(0, cursor - over)
        rows.append([TrackRole.STORYBOARD_VIDEO, shot.current_take, shot.id, start, 0, frames, tin])
        starts[shot.id] = start
        cursor, prev = start + frames, (shot, frames, tin.duration if tin else 0)
    for row in rows:
        row.append(None)
    if rows and project.shots and rows[-1][2] == project.shots[-1].id:
        n = min(transition_frames(project, project.shots[-1]), rows[-1][5])
        if n > 0:
            rows[-1][7] = Transition(kind=TransitionKind.DIP_TO_BLACK, duration=n)
    sound = [
        [TrackRole.STORYBOARD_SOUND, s.sound_take, s.id, starts[s.id], 0]
        + [new_clip_frames(project, s, s.sound_take), None, None]
        for s in project.shots
        if s.sound_take and s.id in starts
    ]
    sound.sort(key=lambda r: r[3])
    for a, b in zip(sound, sound[1:], strict=False):
        a[5] = min(a[5], b[3] - a[3])
    return [tuple(r) for r in rows + sound]


def follows_storyboard(project: Project) -> bool:
    """True when the storyboard tracks are exactly what a Rebuild would make (no hand edits)."""
    return _key(project) == _plan(project)
