"""Edits kept in the undo history without a copy of every clip a ripple moved.

An `Edit` holds the clip tuples of each touched track before and after. A ripple on a
1,000-clip track makes a moved copy of every later clip, and the history keeps both sides:
hundreds of KiB per entry. `pack` keeps, per track, only what the tuples cannot tell from each
other: the clips before and after the change that are the same objects on both sides are
counted, not kept, and a run of clips that is the other side's run moved by one number of
frames is kept as (where in the other side, how many, by how much). Undo and redo rebuild a
side from the other, which is on the track then (the undo stack applies entries in order), so
the result is equal, field by field, to what the plain edit restores.

`unpack` gives back a plain `Edit` (for merging a drag's steps with `Edit.then`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from studio.model.edit import Edit, _restore, _set_fields, shifted
from studio.model.project import Project
from studio.model.timeline import Clip


@dataclass(frozen=True, slots=True)
class _Run:
    """`n` clips of the other side's middle from index `src`, each moved by `delta` frames."""

    src: int
    n: int
    delta: int


@dataclass(frozen=True, slots=True)
class _Patch:
    """One track's change: `lo` leading and `hi` trailing clips are the same on both sides;
    the middles in between are described from each other."""

    lo: int
    hi: int
    before: tuple
    after: tuple

    def rebuild(self, clips: Sequence[Clip], side: str) -> tuple[Clip, ...]:
        """The clips of `side` ("before"/"after") from the track's clips on the other side."""
        end = len(clips) - self.hi
        mid = clips[self.lo : end]
        return (*clips[: self.lo], *_build(getattr(self, side), mid), *clips[end:])


def _same_but_start(a: Clip, b: Clip) -> bool:
    """Equal but for `start` (a `shifted` copy: its other values are the very same objects,
    so the C-level dict comparison stops at identity)."""
    da = a.__dict__
    return a is b or da == {**b.__dict__, "start": da["start"]}


def _match(target: Sequence[Clip], source: Sequence[Clip]) -> list[int]:
    """For each target clip, the index of the source clip it is a moved copy of (-1: none)."""
    where = {c.id: i for i, c in enumerate(source)}
    out = []
    for clip in target:
        i = where.get(clip.id, -1)
        out.append(i if i >= 0 and _same_but_start(clip, source[i]) else -1)
    return out


def _pieces(target: Sequence[Clip], source: Sequence[Clip], match: list[int]) -> tuple:
    """`target` as clips and runs of `source` moved by one delta (a clip that did not move
    but is another object is kept as itself, so undo gives back the very same objects)."""
    out: list = []
    run: list[int] | None = None  # [src, n, delta]
    for clip, i in zip(target, match, strict=True):
        delta = clip.start - source[i].start if i >= 0 else 0
        if i >= 0 and (delta or clip is source[i]):
            if run is not None and run[0] + run[1] == i and run[2] == delta:
                run[1] += 1
                continue
            if run is not None:
                out.append(_Run(*run))
            run = [i, 1, delta]
            continue
        if run is not None:
            out.append(_Run(*run))
            run = None
        out.append(clip)
    if run is not None:
        out.append(_Run(*run))
    return tuple(out)


def _build(pieces: tuple, source: Sequence[Clip]) -> list[Clip]:
    out: list[Clip] = []
    for piece in pieces:
        if type(piece) is _Run:
            part = source[piece.src : piece.src + piece.n]
            d = piece.delta
            out.extend([shifted(c, c.start + d) for c in part] if d else part)
        else:
            out.append(piece)
    return out


def _patch(before: Sequence[Clip], after: Sequence[Clip]) -> _Patch:
    n = min(len(before), len(after))
    lo = 0
    while lo < n and before[lo] is after[lo]:
        lo += 1
    hi = 0
    while hi < n - lo and before[-1 - hi] is after[-1 - hi]:
        hi += 1
    b_mid = before[lo : len(before) - hi]
    a_mid = after[lo : len(after) - hi]
    a_match = _match(a_mid, b_mid)  # the same pairs both ways: compared once
    b_match = [-1] * len(b_mid)
    for k, i in enumerate(a_match):
        if i >= 0:
            b_match[i] = k
    return _Patch(lo, hi, _pieces(b_mid, a_mid, b_match), _pieces(a_mid, b_mid, a_match))


class PackedEdit(Edit):
    """An applied `Edit` whose track snapshots are `_Patch`es (same names and properties for
    views; `undo` / `redo` rebuild the clip tuples from the track's clips at that moment)."""

    _patches: dict[str, _Patch]
    _changed: bool

    @property
    def changed(self) -> bool:
        return self._changed

    def _tracks(self, project: Project, side: str, overlay: dict | None = None) -> dict:
        by_id = {t.id: t for t in project.tracks}
        out = {}
        for tid, patch in self._patches.items():
            live = (overlay or {}).get(tid)
            out[tid] = patch.rebuild(live if live is not None else by_id[tid].clips, side)
        return out

    def undo(self, project: Project) -> None:
        tracks = self._tracks(project, "before")
        _restore(project, None, tracks, self.order_before, self.shots_before, self.takes_before)
        _set_fields(project, self.fields_before)

    def redo(self, project: Project) -> None:
        tracks = self._tracks(project, "after")
        _restore(project, None, tracks, self.order_after, self.shots_after, self.takes_after)
        _set_fields(project, self.fields_after)

    def then(self, later: Edit) -> Edit:
        raise TypeError("unpack a packed edit before composing it")

    def unpack(self, project: Project, overlay: dict | None = None) -> Edit:
        """The plain edit, from the project in the state right after this edit (`overlay`:
        track id -> clips, for tracks a later edit has changed since)."""
        by_id = {t.id: t for t in project.tracks}
        after = {}
        for tid in self._patches:
            live = (overlay or {}).get(tid)
            after[tid] = tuple(live if live is not None else by_id[tid].clips)
        before = self._tracks(project, "before", after)
        plain = Edit(self.name)
        plain.__dict__.update({k: v for k, v in self.__dict__.items() if not k.startswith("_")})
        plain.before, plain.after = before, after
        return plain


def pack(edit: Edit) -> Edit:
    """`edit` with its clip snapshots packed (see module doc); edits that add or remove tracks
    are kept as they are (their tracks' clips are restored with the track list)."""
    if isinstance(edit, PackedEdit) or edit.tracks_changed or not edit.before:
        return edit
    packed = PackedEdit.__new__(PackedEdit)
    packed.__dict__.update(edit.__dict__)
    packed._changed = edit.changed
    packed._patches = {
        tid: _patch(edit.before[tid], edit.after.get(tid, ())) for tid in edit.before
    }
    packed.before = dict.fromkeys(edit.before, ())  # the keys name the touched tracks
    packed.after = dict.fromkeys(edit.after, ())
    return packed
