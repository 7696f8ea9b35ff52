"""Issue 11, defect 12: the undo history keeps edits packed (a ripple's moved clips as one
shift, studio.model.packed); undo and redo through packed edits restore exactly what the plain
edits do, and a packed edit unpacks to the plain one."""

from __future__ import annotations

import random
import sys

import pytest

from studio.model import Shot, TrackRole
from studio.model import edits as E
from studio.model import shot_edits as S
from studio.model.edit import EditError
from studio.model.packed import PackedEdit, pack
from tests.studio.test_layout_incremental import film, random_edit


def dump(p) -> dict:
    return p.model_dump()


@pytest.mark.parametrize("seed", range(30))
def test_packed_edits_undo_and_redo_exactly(seed):
    rng = random.Random(seed)
    p = film(rng, rng.randrange(3, 30))
    states, done = [dump(p)], []
    for _ in range(40):
        try:
            edit = random_edit(p, rng)
        except EditError:
            continue
        if edit is None or not edit.changed:
            continue
        packed = pack(edit)
        assert packed.changed and packed.track_ids == edit.track_ids
        plain = packed.unpack(p) if isinstance(packed, PackedEdit) else edit
        assert {t: [c.model_dump() for c in v] for t, v in plain.before.items()} == {
            t: [c.model_dump() for c in v] for t, v in edit.before.items()
        }
        done.append(packed)
        states.append(dump(p))
    assert any(isinstance(e, PackedEdit) for e in done)
    for i in range(len(done) - 1, -1, -1):
        done[i].undo(p)
        assert dump(p) == states[i]
    for i, edit in enumerate(done):
        edit.redo(p)
        assert dump(p) == states[i + 1]


def test_a_ripple_keeps_no_copy_of_the_moved_clips():
    """A ripple delete near the start of 200 clips moves ~200 clips; the packed edit keeps a
    handful of objects, the plain one a before and an after of every moved clip."""
    p = film(random.Random(3), 200)
    track = p.track_with_role(TrackRole.STORYBOARD_VIDEO)
    edit = E.ripple_delete(p, track.sorted_clips()[2].id)
    track = track.id
    moved = set(map(id, edit.after[track])) - set(map(id, edit.before[track]))
    assert len(moved) > 150
    packed = pack(edit)
    patch = packed._patches[track]
    kept = [x for x in patch.before + patch.after if not hasattr(x, "delta")]
    assert len(patch.before) + len(patch.after) < 10 and len(kept) < 6
    assert sys.getsizeof(patch.before) < 200


def test_split_then_ripple_delete_through_packed_edits():
    p = film(random.Random(5), 20)
    track = p.track_with_role(TrackRole.STORYBOARD_VIDEO)
    first = dump(p)
    a = pack(E.split_clip(p, track.sorted_clips()[3].id, track.sorted_clips()[3].start + 5))
    second = dump(p)
    b = pack(E.ripple_delete(p, track.sorted_clips()[1].id))
    c = pack(S.add_shots(p, [Shot(prompt="n", duration=1.0)], 0))
    third = dump(p)
    c.undo(p)
    b.undo(p)
    assert dump(p) == second
    a.undo(p)
    assert dump(p) == first
    a.redo(p)
    b.redo(p)
    c.redo(p)
    assert dump(p) == third
