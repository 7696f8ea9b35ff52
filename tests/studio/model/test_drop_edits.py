"""Insert and overwrite drops (issue 14): clips dropped or moved onto taken frames ripple the
track (insert) or replace what is under them (overwrite); each is one exactly undoable edit,
and normal drops still refuse to cover a clip."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studio.model import Clip, Project, TrackKind, TransitionKind
from studio.model import edits as E
from studio.model.drop_edits import DropMode, move_clip_as, place_clip
from studio.model.edits import EditError
from tests.studio.model.test_edits import assert_track_ok, clips, dump, layout, make_project, spans


def _new(start: int, duration: int) -> Clip:
    return Clip(id="new", media="media/pic.png", start=start, duration=duration)


def _sources(p: Project) -> list[tuple[str, int, int, int]]:
    return [
        (c.take_id or "new", c.start, c.source_in, c.duration) for c in p.tracks[0].sorted_clips()
    ]


def test_insert_cuts_the_clip_under_the_drop_and_ripples_the_rest():
    p = make_project([(0, 48), (48, 48), (120, 24)])
    before = dump(p)
    e = place_clip(p, p.tracks[0].id, _new(30, 10), DropMode.INSERT, "Insert")
    assert _sources(p) == [
        ("t0", 0, 0, 30),
        ("new", 30, 0, 10),
        ("t0", 40, 30, 18),  # the rest of the clip under the drop, moved on
        ("t1", 58, 0, 48),
        ("t2", 130, 0, 24),
    ]
    assert e.new_clip_ids == ["new"]
    after = dump(p)
    e.undo(p)
    assert dump(p) == before
    e.redo(p)
    assert dump(p) == after


def test_overwrite_trims_across_edges_and_removes_what_is_inside():
    p = make_project([(0, 48), (48, 48), (96, 48)])
    place_clip(p, p.tracks[0].id, _new(40, 60), DropMode.OVERWRITE, "Overwrite")
    assert _sources(p) == [("t0", 0, 0, 40), ("new", 40, 0, 60), ("t2", 100, 4, 44)]
    p = make_project([(0, 100)])
    place_clip(p, p.tracks[0].id, _new(30, 10), DropMode.OVERWRITE, "Overwrite")
    assert _sources(p) == [("t0", 0, 0, 30), ("new", 30, 0, 10), ("t0", 40, 40, 60)]
    assert len({c.id for c in p.tracks[0].clips}) == 3


def test_normal_drop_refuses_to_cover_a_clip():
    p = make_project([(0, 48)])
    before = dump(p)
    with pytest.raises(EditError, match="insert or overwrite"):
        place_clip(p, p.tracks[0].id, _new(10, 10), DropMode.NORMAL, "Add")
    assert dump(p) == before


def test_overwrite_cuts_a_crossfade_and_keeps_the_track_valid():
    p = make_project([(0, 48), (48, 48)])
    E.set_transition(p, "c1", TransitionKind.CROSSFADE, 12)  # c1 now starts at 36
    place_clip(p, p.tracks[0].id, _new(30, 20), DropMode.OVERWRITE, "Overwrite")
    assert clips(p) == [(0, 30), (30, 20), (50, 34)]
    assert all(c.transition_in is None for c in p.tracks[0].clips)
    assert_track_ok(p.tracks[0])


@pytest.mark.parametrize("mode", [DropMode.INSERT, DropMode.OVERWRITE])
def test_moving_a_clip_lifts_it_then_lands_it(mode):
    p = make_project([(0, 48), (48, 48), (96, 48)])
    before = dump(p)
    e = move_clip_as(p, "c2", 20, None, mode)
    got = [(c.id, c.start, c.duration) for c in p.tracks[0].sorted_clips()]
    if mode == DropMode.INSERT:
        assert got[:2] == [("c0", 0, 20), ("c2", 20, 48)]
        assert got[2][1:] == (68, 28) and got[3] == ("c1", 96, 48)  # c2's old place: a gap
    else:
        assert got == [("c0", 0, 20), ("c2", 20, 48), ("c1", 68, 28)]
    assert e.name == ("Insert clip" if mode == DropMode.INSERT else "Overwrite clip")
    e.undo(p)
    assert dump(p) == before


def test_linked_clips_land_the_same_way_on_their_own_tracks():
    p = make_project([(0, 48), (48, 48)])
    audio = p.ensure_track(TrackKind.AUDIO)
    audio.clips += [
        Clip(id="a0", media="media/a.wav", start=0, duration=48),
        Clip(id="a1", media="media/b.wav", start=48, duration=48, link="L"),
    ]
    p.tracks[0].clips[1] = p.tracks[0].clips[1].model_copy(update={"link": "L"})
    before = dump(p)
    e = move_clip_as(p, "c1", 24, None, DropMode.INSERT)
    assert [(c.id, c.start) for c in audio.sorted_clips()][:2] == [("a0", 0), ("a1", 24)]
    assert [(c.id, c.start) for c in p.tracks[0].sorted_clips()][:2] == [("c0", 0), ("c1", 24)]
    e.undo(p)
    assert dump(p) == before


@settings(max_examples=60, deadline=None)
@given(spans, st.data())
def test_any_insert_or_overwrite_keeps_the_track_valid_and_undoes_exactly(gd, data):
    p = make_project(layout(gd))
    mode = data.draw(st.sampled_from([DropMode.INSERT, DropMode.OVERWRITE]))
    start = data.draw(st.integers(0, 600))
    length = data.draw(st.integers(1, 200))
    before = dump(p)
    frames_before = sum(c.duration for c in p.tracks[0].clips)
    e = place_clip(p, p.tracks[0].id, _new(start, length), mode, "Drop")
    assert_track_ok(p.tracks[0])
    placed = next(c for c in p.tracks[0].clips if c.id == "new")
    assert (placed.start, placed.duration) == (start, length)
    others = [c for c in p.tracks[0].clips if c.id != "new"]
    assert not any(c.start < start + length and start < c.end for c in others)
    if mode == DropMode.INSERT:  # nothing is lost, only moved
        assert sum(c.duration for c in others) == frames_before
    e.undo(p)
    assert dump(p) == before
