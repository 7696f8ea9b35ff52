"""Timeline edit operations: exact undo, track rules, and property tests over random edits."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studio.model import Clip, Project, Shot, Take, Track, TrackKind, TransitionKind
from studio.model import edits as E
from studio.model.edits import EditError


def make_project(spans: list[tuple[int, int]], take_frames: int = 240) -> Project:
    """One video track with clips at (start, duration), each on its own 240-frame take."""
    p = Project(fps=24)
    p.shots = [Shot(id="s1", prompt="a cat", current_take="t0")]
    track = p.ensure_track(TrackKind.VIDEO)
    for i, (start, dur) in enumerate(spans):
        tid = f"t{i}"
        p.takes[tid] = Take(
            id=tid,
            shot_id="s1",
            path=f"takes/{tid}.mp4",
            engine="animatic",
            fps=24,
            frames=take_frames,
        )
        track.clips.append(Clip(id=f"c{i}", take_id=tid, shot_id="s1", start=start, duration=dur))
    return p


def dump(p: Project) -> dict:
    return p.model_dump()


def clips(p: Project, track: int = 0) -> list[tuple[int, int]]:
    return [(c.start, c.duration) for c in p.tracks[track].sorted_clips()]


def test_move_and_exact_undo_redo():
    p = make_project([(0, 48), (48, 48)])
    before = dump(p)
    e = E.move_clip(p, "c1", 100)
    assert clips(p) == [(0, 48), (100, 48)]
    after = dump(p)
    e.undo(p)
    assert dump(p) == before
    e.redo(p)
    assert dump(p) == after


def test_move_refuses_overlap_and_leaves_project_untouched():
    p = make_project([(0, 48), (48, 48)])
    before = dump(p)
    with pytest.raises(EditError, match="overlap"):
        E.move_clip(p, "c1", 20)
    assert dump(p) == before


def test_move_to_other_track_same_kind_only():
    p = make_project([(0, 48)])
    v2 = p.ensure_track(TrackKind.VIDEO, 1)
    a1 = p.ensure_track(TrackKind.AUDIO)
    e = E.move_clip(p, "c0", 10, v2.id)
    assert p.tracks[0].clips == [] and v2.clips[0].start == 10
    assert e.track_ids == {p.tracks[0].id, v2.id}
    with pytest.raises(EditError, match="audio"):
        E.move_clip(p, "c0", 0, a1.id)


def test_free_start_finds_nearest_gap():
    p = make_project([(0, 48), (60, 48), (200, 20)])
    assert E.free_start(p, "c2", 30) == 108  # the 12-frame gap 48..60 is too small
    assert E.free_start(p, "c2", 500) == 500
    p = make_project([(0, 48), (60, 48), (200, 10)])
    assert E.free_start(p, "c2", 30) == 48  # 10 frames fit in 48..60


def test_snapping():
    p = make_project([(0, 48), (100, 20)])
    targets = E.snap_targets(p, playhead=75, exclude="c1")
    assert targets == [0, 48, 75]
    assert E.snap(50, targets, 3) == 48
    assert E.snap(60, targets, 3) == 60
    assert E.snap_span(46, 20, targets, 3) == 48  # start edge snaps to 48
    assert E.snap_span(57, 20, targets, 3) == 55  # end edge snaps to the playhead


def test_trim_bounded_by_take_and_neighbours():
    p = make_project([(0, 48), (100, 48)], take_frames=60)
    E.trim_clip(p, "c0", "out", 500)
    assert clips(p)[0] == (0, 60)  # the take has 60 frames
    E.trim_clip(p, "c1", "in", 130)
    c1 = p.tracks[0].sorted_clips()[1]
    assert (c1.start, c1.source_in, c1.duration) == (130, 30, 18)
    E.trim_clip(p, "c1", "in", 0)  # can't go before the take's first frame or the left clip
    c1 = p.tracks[0].sorted_clips()[1]
    assert (c1.start, c1.source_in, c1.duration) == (100, 0, 48)
    E.trim_clip(p, "c0", "out", 70)
    assert clips(p)[0] == (0, 60)


def test_take_at_other_fps_counts_in_project_frames():
    p = make_project([(0, 10)])
    p.takes["t0"] = p.takes["t0"].model_copy(update={"fps": 30.0, "frames": 90})  # 3 s
    E.trim_clip(p, "c0", "out", 1000)
    assert clips(p) == [(0, 72)]


def test_split_then_join_restores():
    p = make_project([(10, 48)])
    before = dump(p)
    e = E.split_clip(p, "c0", 30)
    assert clips(p) == [(10, 20), (30, 28)]
    right = p.tracks[0].sorted_clips()[1]
    assert right.source_in == 20 and e.new_clip_ids == [right.id]
    E.join_clips(p, "c0", right.id)
    assert dump(p) == before
    with pytest.raises(EditError):
        E.split_clip(p, "c0", 10)


def test_ripple_delete_closes_gap():
    p = make_project([(0, 48), (48, 24), (72, 30), (120, 10)])
    E.ripple_delete(p, "c1")
    assert clips(p) == [(0, 48), (48, 30), (96, 10)]


def test_delete_leaves_gap():
    p = make_project([(0, 48), (48, 24), (72, 30)])
    e = E.delete_clip(p, "c1")
    assert clips(p) == [(0, 48), (72, 30)]
    e.undo(p)
    assert clips(p) == [(0, 48), (48, 24), (72, 30)]


def test_transition_overlaps_and_ripples_then_removal_restores():
    p = make_project([(0, 48), (48, 48), (96, 48)])
    before = dump(p)
    E.transition_between(p, "c0", "c1", TransitionKind.CROSSFADE, 12)
    assert clips(p) == [(0, 48), (36, 48), (84, 48)]
    E.set_transition(p, "c1", TransitionKind.CROSSFADE, 6)  # adjust
    assert clips(p) == [(0, 48), (42, 48), (90, 48)]
    E.set_transition(p, "c1", None)
    assert dump(p) == before
    with pytest.raises(EditError):
        E.transition_between(p, "c0", "c2", TransitionKind.CROSSFADE, 12)
    with pytest.raises(EditError):
        E.transition_between(p, "c0", "c1", TransitionKind.CROSSFADE, 60)  # longer than a clip


def test_fade_out_and_fade_in_from_black():
    p = make_project([(10, 48)])
    E.set_transition(p, "c0", TransitionKind.DIP_TO_BLACK, 12)  # nothing before: fade from black
    E.set_transition(p, "c0", TransitionKind.DIP_TO_BLACK, 12, edge="out")
    c = p.tracks[0].clips[0]
    assert c.start == 10 and c.transition_in.duration == 12 and c.transition_out.duration == 12


def test_ripple_delete_inside_transition():
    p = make_project([(0, 48), (48, 48), (96, 48)])
    E.transition_between(p, "c0", "c1", TransitionKind.CROSSFADE, 12)
    E.ripple_delete(p, "c1")
    assert clips(p) == [(0, 48), (48, 48)]


def test_swap_take_trims_to_length_and_sets_current_take():
    p = make_project([(0, 100)])
    p.takes["t9"] = Take(id="t9", shot_id="s1", path="takes/t9.mp4", engine="x", fps=24, frames=50)
    before = dump(p)
    e = E.swap_take(p, "c0", "t9")
    c = p.tracks[0].clips[0]
    assert (c.take_id, c.duration) == ("t9", 50) and p.shot("s1").current_take == "t9"
    e.undo(p)
    assert dump(p) == before
    with pytest.raises(EditError):
        E.swap_take(p, "c0", "nope")


def test_insert_ripple_splits_clip_under_start():
    p = make_project([(0, 48), (48, 48)])
    new = Clip(id="n", take_id="t0", start=24, duration=10)
    e = E.insert_clip(p, p.tracks[0].id, new, ripple=True)
    assert clips(p) == [(0, 24), (24, 10), (34, 24), (58, 48)]
    e.undo(p)
    assert clips(p) == [(0, 48), (48, 48)]
    with pytest.raises(EditError):
        E.insert_clip(p, p.tracks[0].id, Clip(id="m", take_id="t0", start=10, duration=5))


def test_set_clip_fields_validates():
    p = make_project([(0, 48)])
    E.set_clip_fields(p, "c0", gain_db=-6.0, fit="contain")
    assert p.tracks[0].clips[0].gain_db == -6.0
    with pytest.raises(EditError):
        E.set_clip_fields(p, "c0", gain_db=99)
    with pytest.raises(EditError):
        E.set_clip_fields(p, "c0", start=5)


def test_then_composes_drag_steps():
    p = make_project([(0, 48), (60, 10)])
    v2 = p.ensure_track(TrackKind.VIDEO, 1)
    before = dump(p)
    e = (
        E.move_clip(p, "c1", 70)
        .then(E.move_clip(p, "c1", 80, v2.id))
        .then(E.move_clip(p, "c1", 90))
    )
    after = dump(p)
    e.undo(p)
    assert dump(p) == before
    e.redo(p)
    assert dump(p) == after and v2.clips[0].start == 90


# --- properties ---------------------------------------------------------------------------------

spans = st.lists(st.tuples(st.integers(0, 30), st.integers(1, 60)), min_size=1, max_size=8)


def layout(gaps_durs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out, t = [], 0
    for gap, dur in gaps_durs:
        out.append((t + gap, dur))
        t += gap + dur
    return out


def assert_track_ok(track: Track) -> None:
    E.check_track(track)
    cs = track.sorted_clips()
    for a, b in zip(cs, cs[1:], strict=False):
        assert a.end <= b.start or (b.transition_in and a.end - b.start == b.transition_in.duration)


@settings(max_examples=60, deadline=None)
@given(spans, st.data())
def test_split_then_join_restores_any(gd, data):
    p = make_project(layout(gd))
    c = data.draw(st.sampled_from(p.tracks[0].clips))
    if c.duration < 2:
        return
    before = dump(p)
    frame = data.draw(st.integers(c.start + 1, c.end - 1))
    e = E.split_clip(p, c.id, frame)
    assert_track_ok(p.tracks[0])
    E.join_clips(p, c.id, e.new_clip_ids[0])
    assert dump(p) == before


@settings(max_examples=60, deadline=None)
@given(spans, st.data())
def test_ripple_delete_keeps_order_and_no_overlaps(gd, data):
    p = make_project(layout(gd))
    order = [c.id for c in p.tracks[0].sorted_clips()]
    victim = data.draw(st.sampled_from(order))
    before = dump(p)
    e = E.ripple_delete(p, victim)
    assert [c.id for c in p.tracks[0].sorted_clips()] == [i for i in order if i != victim]
    assert_track_ok(p.tracks[0])
    e.undo(p)
    assert dump(p) == before


ops = st.sampled_from(
    ["move", "trim_in", "trim_out", "split", "delete", "ripple", "trans", "untrans"]
)


@settings(max_examples=60, deadline=None)
@given(spans, st.lists(st.tuples(ops, st.integers(0, 10_000), st.integers(0, 400)), max_size=12))
def test_random_edit_sequences_stay_valid_and_undo_exactly(gd, script):
    p = make_project(layout(gd))
    history = []
    for op, pick, value in script:
        cs = p.tracks[0].sorted_clips()
        if not cs:
            break
        c = cs[pick % len(cs)]
        snapshot = dump(p)
        try:
            if op == "move":
                e = E.move_clip(p, c.id, value)
            elif op in ("trim_in", "trim_out"):
                e = E.trim_clip(p, c.id, op[5:], value)
            elif op == "split":
                e = E.split_clip(p, c.id, c.start + value % max(1, c.duration))
            elif op == "delete":
                e = E.delete_clip(p, c.id)
            elif op == "ripple":
                e = E.ripple_delete(p, c.id)
            elif op == "trans":
                e = E.set_transition(p, c.id, TransitionKind.CROSSFADE, 1 + value % 24)
            else:
                e = E.set_transition(p, c.id, None)
        except EditError:
            assert dump(p) == snapshot  # a refused edit changes nothing
            continue
        assert_track_ok(p.tracks[0])
        history.append((e, snapshot))
    for e, snapshot in reversed(history):
        e.undo(p)
        assert dump(p) == snapshot


def crossfaded() -> Project:
    """c0 and c1 overlap by a 12-frame crossfade (c1 has 24 frames of take before its in point)."""
    p = make_project([(0, 48), (36, 48)])
    c1 = p.tracks[0].clips[1]
    p.tracks[0].clips[1] = c1.model_copy(
        update={
            "source_in": 24,
            "transition_in": E.Transition(kind=TransitionKind.CROSSFADE, duration=12),
        }
    )
    E.check_track(p.tracks[0])
    return p


def transition_of(p: Project, clip_id: str):
    return E.find(p, clip_id)[1].transition_in


def test_trimming_an_in_edge_inside_a_transition_moves_the_transition():
    p = crossfaded()
    before = dump(p)
    first = E.trim_clip(p, "c1", "in", 40)
    assert clips(p) == [(0, 48), (40, 44)] and transition_of(p, "c1").duration == 8
    assert transition_of(p, "c1").kind == TransitionKind.CROSSFADE
    E.trim_clip(p, "c1", "in", 30)  # longer transition, bounded by the take's frames before
    assert transition_of(p, "c1").duration == 18
    E.trim_clip(p, "c1", "in", 52)  # past the end of c0: a gap, no transition left
    assert clips(p)[1][0] == 52 and transition_of(p, "c1") is None
    again = crossfaded()
    expected = dump(again)
    E.trim_clip(again, "c1", "in", 40).undo(again)
    assert dump(again) == expected  # undo is exact
    assert first.name == "Trim clip" and before != dump(p)


def test_trimming_an_out_edge_inside_a_transition_moves_the_transition():
    p = crossfaded()
    E.trim_clip(p, "c0", "out", 42)
    assert clips(p)[0] == (0, 42) and transition_of(p, "c1").duration == 6
    E.trim_clip(p, "c0", "out", 60)
    assert transition_of(p, "c1").duration == 24
    E.trim_clip(p, "c0", "out", 30)  # before c1 starts: the crossfade is gone
    assert transition_of(p, "c1") is None and clips(p) == [(0, 30), (36, 48)]


def test_trim_limits_never_let_three_clips_play_at_once():
    p = make_project([(0, 48), (48, 48), (96, 48)])
    assert E.trim_limits(p, "c1", "out") == (49, 96)
    assert E.trim_limits(p, "c1", "in")[0] == 48


# --- every mutation the editor makes: shots, clips, transitions, take landing ------------------


def storyboard_project(durations: list[int]) -> Project:
    """Shots of `durations` frames, each with a take, laid out by a Rebuild."""
    from studio.layout.storyboard import rebuild

    p = Project(fps=24)
    for i, frames in enumerate(durations):
        p.takes[f"k{i}"] = Take(
            id=f"k{i}", shot_id=f"s{i}", path="t.mp4", engine="x", fps=24, frames=frames + 24
        )
        p.shots.append(Shot(id=f"s{i}", prompt="p", duration=frames / 24, current_take=f"k{i}"))
    rebuild(p)
    return p


editor_ops = st.sampled_from(
    [
        "move",
        "trim_in",
        "trim_out",
        "split",
        "delete",
        "ripple",
        "trans",
        "untrans",
        "slip",
        "length",
        "fields",
        "swap",
        "shot_add",
        "shot_dup",
        "shot_del",
        "shot_move",
        "shot_len",
        "shot_trans",
        "shot_prompt",
        "land",
        "land_new",
        "extend",
        "sound",
        "rebuild",
    ]
)


def apply_editor_op(p: Project, op: str, pick: int, value: int):
    """One editor mutation of kind `op` on a target chosen by `pick` (None: nothing to act on)."""
    from studio.layout import landing
    from studio.layout.storyboard import rebuild
    from studio.model import Operation
    from studio.model import shot_edits as S

    cs = [c for t in p.tracks for c in t.sorted_clips()]
    c = cs[pick % len(cs)] if cs else None
    shot = p.shots[pick % len(p.shots)] if p.shots else None
    kinds = list(TransitionKind)
    if op in ("move", "trim_in", "trim_out", "split", "delete", "ripple", "trans", "untrans"):
        if c is None:
            return None
    if op == "move":
        return E.move_clip(p, c.id, value)
    if op in ("trim_in", "trim_out"):
        return E.trim_clip(p, c.id, op[5:], value)
    if op == "split":
        return E.split_clip(p, c.id, c.start + value % max(1, c.duration))
    if op == "delete":
        return E.delete_clip(p, c.id)
    if op == "ripple":
        return E.ripple_delete(p, c.id)
    if op == "trans":
        return E.set_transition(p, c.id, kinds[value % 3], 1 + value % 24, ("in", "out")[pick % 2])
    if op == "untrans":
        return E.set_transition(p, c.id, None)
    if op in ("slip", "length", "fields", "swap") and c is None:
        return None
    if op == "slip":
        return E.slip_clip(p, c.id, value)
    if op == "length":
        return E.set_clip_length(p, c.id, 1 + value % 120)
    if op == "fields":
        return E.set_clip_fields(p, c.id, gain_db=-(value % 30), fit=None)
    if op == "swap":
        takes = [t for t in p.takes.values() if t.kind == "video"]
        return E.swap_take(p, c.id, takes[value % len(takes)].id) if takes else None
    if op == "shot_add":
        new = Shot(prompt="new", duration=1 + value % 4)
        return S.add_shots(p, [new], pick % (len(p.shots) + 1))
    if op == "rebuild":
        return rebuild(p)
    if shot is None:
        return None
    if op == "shot_dup":
        return S.duplicate_shots(p, [shot.id])
    if op == "shot_del":
        return S.delete_shots(p, [shot.id])
    if op == "shot_move":
        return S.move_shots(p, [shot.id], value % (len(p.shots) + 1))
    if op == "shot_len":
        return S.set_shot_fields(p, shot.id, duration=0.5 + (value % 12) / 2)
    if op == "shot_trans":
        return S.set_shot_fields(
            p, shot.id, transition=kinds[value % 3], transition_duration=(value % 5) / 4
        )
    if op == "shot_prompt":
        return S.set_shot_fields(p, shot.id, prompt=f"prompt {value}")
    kind = "audio" if op == "sound" else "video"
    operation = Operation.EXTEND if op == "extend" else Operation.GENERATE
    take = Take(
        shot_id=shot.id,
        kind=kind,
        path="n.mp4",
        engine="x",
        fps=16 if value % 2 else 24,
        frames=10 + value % 100,
        duration=(10 + value % 100) / (16 if value % 2 else 24),
        operation=operation,
    )
    if op == "land_new":
        added = S.add_shots(p, [Shot(prompt="fresh", duration=2)], pick % (len(p.shots) + 1))
        take = take.model_copy(update={"shot_id": added.new_shot_ids[0]})
        try:
            return added.then(landing.land_take(p, take))
        except EditError:
            added.undo(p)
            raise
    return landing.land_take(p, take)


@settings(max_examples=120, deadline=None)
@given(
    st.lists(st.integers(12, 96), min_size=1, max_size=5),
    st.lists(st.tuples(editor_ops, st.integers(0, 10_000), st.integers(0, 400)), max_size=14),
)
def test_every_editor_mutation_keeps_tracks_valid_and_undoes_exactly(durations, script):
    p = storyboard_project(durations)
    history = []
    for op, pick, value in script:
        snapshot = dump(p)
        try:
            e = apply_editor_op(p, op, pick, value)
        except EditError:
            assert dump(p) == snapshot  # a refused edit changes nothing
            continue
        if e is None:
            continue
        for track in p.tracks:
            assert_track_ok(track)
        if op == "rebuild":  # the quick check computes exactly what a Rebuild makes
            from studio.layout.storyboard import follows_storyboard

            assert follows_storyboard(p)
        after = dump(p)
        e.undo(p)
        assert dump(p) == snapshot
        e.redo(p)
        assert dump(p) == after
        history.append((e, snapshot))
    for e, snapshot in reversed(history):
        e.undo(p)
        assert dump(p) == snapshot
