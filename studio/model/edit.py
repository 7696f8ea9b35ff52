"""The `Edit` value every document change returns, its recorder, and the track rules.

An operation changes the project in place and returns an `Edit` holding, for each part it
touched, the value before and after: the clip tuples of touched tracks, replaced shots (by id),
the shot list when shots were added, removed or reordered, takes added or replaced, and the
track list when tracks were added or removed. Clips, shots and takes are treated as immutable
values (an edit replaces one by a changed copy, never mutates it), so a snapshot is a tuple of
references: cheap to take, exact to restore. `undo` / `redo` swap the snapshots back in and
`a.then(b)` composes two edits (how a drag's steps become one undo entry).

Restoring applies the shot list first, then single shots by id, so composed edits that mix
reorders and field changes restore exactly in either direction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from studio.model.project import Project
from studio.model.shot import Shot
from studio.model.take import Take
from studio.model.timeline import Clip, Track


class EditError(ValueError):
    """An edit that cannot be made; the message is for the status bar."""


@dataclass
class Edit:
    """What one operation changed (before/after of every touched part)."""

    name: str
    before: dict[str, tuple[Clip, ...]] = field(default_factory=dict)
    after: dict[str, tuple[Clip, ...]] = field(default_factory=dict)
    shots_before: dict[str, Shot | None] = field(default_factory=dict)
    shots_after: dict[str, Shot | None] = field(default_factory=dict)
    clip_id: str | None = None  # the clip the user acted on (for selection after the edit)
    new_clip_ids: list[str] = field(default_factory=list)
    order_before: tuple[Shot, ...] | None = None
    order_after: tuple[Shot, ...] | None = None
    takes_before: dict[str, Take | None] = field(default_factory=dict)
    takes_after: dict[str, Take | None] = field(default_factory=dict)
    tracks_before: tuple[Track, ...] | None = None
    tracks_after: tuple[Track, ...] | None = None
    new_shot_ids: list[str] = field(default_factory=list)
    # project-level fields (title, format, fps, style, fit, markers, in/out) by name
    fields_before: dict[str, Any] = field(default_factory=dict)
    fields_after: dict[str, Any] = field(default_factory=dict)

    # --- what changed (for views) ---------------------------------------------------------
    @property
    def track_ids(self) -> set[str]:
        return set(self.before) | set(self.after)

    @property
    def shot_ids(self) -> set[str]:
        """Shots whose fields changed (not counting a reorder)."""
        return set(self.shots_before) | set(self.shots_after)

    @property
    def shots_reordered(self) -> bool:
        """Shots were added, removed or reordered."""
        return self.order_before is not None or self.order_after is not None

    @property
    def take_ids(self) -> set[str]:
        return set(self.takes_before) | set(self.takes_after)

    @property
    def tracks_changed(self) -> bool:
        """Tracks were added or removed (views re-read the track list)."""
        return self.tracks_before is not None or self.tracks_after is not None

    @property
    def field_names(self) -> set[str]:
        """Project-level fields this edit set (views re-read settings, markers, In/Out)."""
        return set(self.fields_before) | set(self.fields_after)

    @property
    def changed(self) -> bool:
        return (
            self.fields_before != self.fields_after
            or self.before != self.after
            or self.shots_before != self.shots_after
            or self.order_before != self.order_after
            or self.takes_before != self.takes_after
            or self.tracks_before != self.tracks_after
        )

    # --- applying -------------------------------------------------------------------------
    def undo(self, project: Project) -> None:
        _restore(
            project,
            self.tracks_before,
            self.before,
            self.order_before,
            self.shots_before,
            self.takes_before,
        )
        _set_fields(project, self.fields_before)

    def redo(self, project: Project) -> None:
        _restore(
            project,
            self.tracks_after,
            self.after,
            self.order_after,
            self.shots_after,
            self.takes_after,
        )
        _set_fields(project, self.fields_after)

    def then(self, later: Edit) -> Edit:
        """This edit followed by `later`, as one edit (keeps this one's name)."""
        return Edit(
            self.name,
            _first(self.before, later.before),
            {**self.after, **later.after},
            _first(self.shots_before, later.shots_before),
            {**self.shots_after, **later.shots_after},
            later.clip_id or self.clip_id,
            self.new_clip_ids + [c for c in later.new_clip_ids if c not in self.new_clip_ids],
            self.order_before if self.order_before is not None else later.order_before,
            later.order_after if later.order_after is not None else self.order_after,
            _first(self.takes_before, later.takes_before),
            {**self.takes_after, **later.takes_after},
            self.tracks_before if self.tracks_before is not None else later.tracks_before,
            later.tracks_after if later.tracks_after is not None else self.tracks_after,
            self.new_shot_ids + [s for s in later.new_shot_ids if s not in self.new_shot_ids],
            _first(self.fields_before, later.fields_before),
            {**self.fields_after, **later.fields_after},
        )


def _first(early: dict, late: dict) -> dict:
    out = dict(early)
    for key, value in late.items():
        out.setdefault(key, value)
    return out


def _set_fields(project: Project, values: dict[str, Any]) -> None:
    for name, value in values.items():
        setattr(project, name, list(value) if isinstance(value, tuple) else value)


def _restore(project: Project, track_list, tracks, order, shots, takes) -> None:
    if track_list is not None:
        project.tracks = list(track_list)
    by_id = {t.id: t for t in project.tracks}
    for tid, clips in tracks.items():
        if tid in by_id:
            by_id[tid].clips = list(clips)
    if order is not None:
        project.shots = list(order)
    if shots:
        index = {s.id: i for i, s in enumerate(project.shots)}
        for sid, shot in shots.items():
            if shot is not None and sid in index:
                project.shots[index[sid]] = shot
    for tid, take in takes.items():
        if take is None:
            project.takes.pop(tid, None)
        else:
            project.takes[tid] = take


class Recorder:
    """Collects before-snapshots as an operation touches parts, then builds the Edit."""

    def __init__(self, project: Project, name: str):
        self.project, self.name = project, name
        self.edit = Edit(name)

    def track(self, track: Track) -> Track:
        self.edit.before.setdefault(track.id, tuple(track.clips))
        return track

    def track_list(self) -> list[Track]:
        """The project's track list, about to gain or lose a track."""
        if self.edit.tracks_before is None:
            self.edit.tracks_before = tuple(self.project.tracks)
        return self.project.tracks

    def shot_list(self) -> list[Shot]:
        """The project's shot list, about to gain, lose or reorder shots."""
        if self.edit.order_before is None:
            self.edit.order_before = tuple(self.project.shots)
        return self.project.shots

    def replace_shot(self, new: Shot) -> Shot:
        """Put a changed copy of a shot in place of the one with its id."""
        shots = self.project.shots
        i = next((k for k, s in enumerate(shots) if s.id == new.id), None)
        if i is None:
            raise EditError(f"no shot with id '{new.id}'")
        self.edit.shots_before.setdefault(new.id, shots[i])
        self.edit.shots_after[new.id] = new  # shots are values: the last one set is the after
        shots[i] = new
        return new

    def shot_take(self, shot_id: str, take_id: str | None) -> None:
        shot = self.project.shot(shot_id)
        if shot.current_take != take_id:
            self.replace_shot(shot.model_copy(update={"current_take": take_id}))

    def set_field(self, name: str, value: Any) -> None:
        """Set a project-level field (lists are kept as tuples in the edit: values)."""
        old = getattr(self.project, name)
        self.edit.fields_before.setdefault(name, tuple(old) if isinstance(old, list) else old)
        self.edit.fields_after[name] = tuple(value) if isinstance(value, list) else value
        setattr(self.project, name, list(value) if isinstance(value, list | tuple) else value)

    def put_take(self, take: Take) -> None:
        self.edit.takes_before.setdefault(take.id, self.project.takes.get(take.id))
        self.project.takes[take.id] = take

    def finish(self, clip_id: str | None = None, new: list[str] | None = None) -> Edit:
        """Validate touched tracks; on failure put everything back and raise."""
        edit, project = self.edit, self.project
        edit.clip_id, edit.new_clip_ids = clip_id, list(new or [])
        edit.after = {tid: () for tid in edit.before}
        edit.takes_after = {tid: project.takes.get(tid) for tid in edit.takes_before}
        if edit.order_before is not None:
            edit.order_after = tuple(project.shots)
        if edit.tracks_before is not None:
            edit.tracks_after = tuple(project.tracks)
        by_id = {t.id: t for t in project.tracks}
        try:
            for tid in edit.before:
                if tid in by_id:
                    by_id[tid].clips.sort(key=lambda c: c.start)
                    check_track(by_id[tid])
                    _check_lock(by_id[tid], edit)
        except EditError:
            edit.undo(project)
            raise
        edit.after = {tid: tuple(by_id[tid].clips) if tid in by_id else () for tid in edit.before}
        return edit


def _check_lock(track: Track, edit: Edit) -> None:
    """A locked track keeps its clips (a change of the project's fps still rescales them)."""
    if track.locked and "fps" not in edit.fields_before:
        if tuple(track.clips) != edit.before.get(track.id, ()):
            raise EditError(f"track {track.name or track.id} is locked")


# --- look-ups and rules ---------------------------------------------------------------------


def shifted(clip: Clip, start: int) -> Clip:
    """`clip` at another start: `clip.model_copy(update={"start": start})` without pydantic's
    generic copy (ripples move every later clip; this keeps a 1,000-clip ripple cheap)."""
    new = Clip.__new__(Clip)
    object.__setattr__(new, "__dict__", {**clip.__dict__, "start": start})
    fields = clip.__pydantic_fields_set__  # shared, not copied: "start" is always set
    object.__setattr__(
        new, "__pydantic_fields_set__", fields if "start" in fields else {*fields, "start"}
    )
    object.__setattr__(new, "__pydantic_extra__", None)
    object.__setattr__(new, "__pydantic_private__", None)
    return new


def index_of(clips: list[Clip], clip: Clip) -> int:
    """Where `clip` (this object) is in `clips`. `list.index` / `list.remove` compare with
    pydantic's field-by-field `==` on every clip before it: milliseconds on a 1,000-clip track."""
    for i, c in enumerate(clips):
        if c is clip:
            return i
    raise ValueError("clip not on the track")


def remove(clips: list[Clip], clip: Clip) -> None:
    """Take `clip` (this object) off a track's clip list (see `index_of`)."""
    del clips[index_of(clips, clip)]


def track_by_id(project: Project, track_id: str) -> Track:
    for track in project.tracks:
        if track.id == track_id:
            return track
    raise EditError(f"no track with id '{track_id}'")


def find(project: Project, clip_id: str) -> tuple[Track, Clip]:
    try:
        return project.find_clip(clip_id)
    except KeyError:
        raise EditError(f"no clip with id '{clip_id}'") from None


def overlap_in(clip: Clip) -> int:
    return clip.transition_in.duration if clip.transition_in else 0


def check_track(track: Track) -> None:
    """Raise EditError unless the track's clips obey the overlap rules: sorted by start no
    three clips over one frame, and two clips overlap only when the later one has a
    `transition_in` whose duration equals the overlap. One pass over plain numbers: it runs
    on every edit of a 1,000-clip track."""
    clips = track.sorted_clips()
    name = track.name or track.id
    prev_start = prev_end = before_end = None
    prev_dur, prev_id = 0, ""
    for clip in clips:
        d = clip.__dict__
        start, dur = d["start"], d["duration"]
        if start < 0:
            raise EditError("that would move clips before the start of the timeline")
        if dur <= 0:
            raise EditError(f"clip '{d['id']}' must last at least a frame")
        end = start + dur
        if prev_end is not None:
            over = prev_end - start
            if over > 0:
                tr = d["transition_in"]
                if over != (tr.duration if tr is not None else 0):
                    raise EditError(f"clips '{prev_id}' and '{d['id']}' overlap on track {name}")
                if over > prev_dur or over > dur:
                    raise EditError(
                        f"the transition into clip '{d['id']}' is longer than a clip it joins"
                    )
            if start <= prev_start:
                raise EditError(f"clips '{prev_id}' and '{d['id']}' start together")
            if before_end is not None and start < before_end:
                raise EditError(f"three clips would play at once on track {name}")
        before_end = prev_end
        prev_start, prev_end, prev_dur, prev_id = start, end, dur, d["id"]
