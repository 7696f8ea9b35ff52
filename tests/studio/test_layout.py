"""Issue 11, defect 4: where a take goes on a hand-edited timeline, and storyboard edits that
reach it keeping hand edits."""

from __future__ import annotations

from studio.layout import landing
from studio.layout.storyboard import follows_storyboard, rebuild
from studio.model import Project, Shot, Take, TrackRole, TransitionKind
from studio.model import edits as E
from studio.model import shot_edits as S


def film(durations=(2.0, 2.0, 2.0), frames: int = 96) -> Project:
    p = Project(fps=24)
    for i, d in enumerate(durations):
        take = Take(id=f"k{i}", shot_id=f"s{i}", path="t.mp4", engine="x", fps=24, frames=frames)
        p.takes[take.id] = take
        p.shots.append(Shot(id=f"s{i}", prompt="p", duration=d, current_take=take.id))
    rebuild(p)
    return p


def spans(p: Project) -> list[tuple[str | None, int, int]]:
    track = p.track_with_role(TrackRole.STORYBOARD_VIDEO)
    return [(c.shot_id, c.start, c.duration) for c in track.sorted_clips()]


def test_a_generated_shot_never_lands_on_a_hand_edit():
    """Defect 4: with one split on the timeline, a new shot's take was placed over the next
    clip (two overlapping clips on V1) and left 2 s of black."""
    p = film()
    E.split_clip(p, spans_ids(p)[0], 20)
    S.add_shots(p, [Shot(id="new", prompt="new", duration=1.0)], 1)
    landing.land_take(p, Take(shot_id="new", path="n.mp4", engine="x", fps=24, frames=24))
    E.check_track(p.track_with_role(TrackRole.STORYBOARD_VIDEO))
    assert spans(p) == [
        ("s0", 0, 20),
        ("s0", 20, 28),
        ("new", 48, 24),
        ("s1", 72, 48),
        ("s2", 120, 48),
    ]  # in storyboard order, no overlap and no gap


def spans_ids(p: Project) -> list[str]:
    return [c.id for c in p.track_with_role(TrackRole.STORYBOARD_VIDEO).sorted_clips()]


def test_a_longer_take_replaces_its_clip_in_place_and_ripples():
    p = film(frames=48)  # takes exactly as long as their 2 s shots
    E.split_clip(p, spans_ids(p)[2], 110)  # a hand edit after the shot
    S.set_shot_fields(p, "s1", duration=3.0)  # the clip cannot outgrow its 2 s take yet
    assert spans(p)[1] == ("s1", 48, 48)
    longer = Take(shot_id="s1", path="l.mp4", engine="x", fps=24, frames=72)
    landing.land_take(p, longer)
    assert spans(p) == [("s0", 0, 48), ("s1", 48, 72), ("s2", 120, 14), ("s2", 134, 34)]


def test_duration_and_transition_edits_reach_a_hand_edited_timeline():
    """Defect 4: duration and transition changes never reached a hand-edited timeline (only a
    Rebuild, which discards every hand edit)."""
    p = film()
    E.split_clip(p, spans_ids(p)[0], 20)
    assert not follows_storyboard(p)
    S.set_shot_fields(p, "s1", duration=1.0)
    assert spans(p) == [("s0", 0, 20), ("s0", 20, 28), ("s1", 48, 24), ("s2", 72, 48)]
    S.set_shot_fields(
        p, "s0", transition=TransitionKind.CROSSFADE, transition_duration=0.5
    )  # s0 into s1: a 12-frame overlap
    assert spans(p) == [("s0", 0, 20), ("s0", 20, 28), ("s1", 36, 24), ("s2", 60, 48)]
    S.move_shots(p, ["s2"], 0)
    assert [s for s, _, _ in spans(p)] == ["s2", "s0", "s0", "s1"]
    E.check_track(p.track_with_role(TrackRole.STORYBOARD_VIDEO))


def test_nudging_a_crossfaded_clip_keeps_its_transition():
    """Defect 4: nudging a crossfaded clip 12 px popped it out of its transition."""
    p = film()
    E.set_transition(p, spans_ids(p)[1], TransitionKind.CROSSFADE, 12)
    clip = spans_ids(p)[1]
    start = E.free_start(p, clip, 36 - 4)  # a few pixels left, deeper into the crossfade
    assert start == 32
    E.move_clip(p, clip, start)
    _, moved = E.find(p, clip)
    assert moved.transition_in is not None and moved.transition_in.duration == 16


def test_the_quick_follows_check_agrees_with_a_rebuild():
    """`follows_storyboard` computes the Rebuild's layout without making clips; both agree."""
    from studio.layout.storyboard import _key, _plan

    p = film((2.0, 1.0, 3.0))
    p.shots[0] = p.shots[0].model_copy(
        update={"transition": TransitionKind.CROSSFADE, "transition_duration": 0.5}
    )
    p.shots[2] = p.shots[2].model_copy(
        update={"transition": TransitionKind.DIP_TO_BLACK, "transition_duration": 1.0}
    )
    p.takes["snd"] = Take(id="snd", shot_id="s1", kind="audio", path="s.wav", engine="x")
    p.shots[1] = p.shots[1].model_copy(update={"sound_take": "snd"})
    rebuild(p)
    assert _key(p) == _plan(p) and follows_storyboard(p)
    E.split_clip(p, spans_ids(p)[1], 50)
    assert not follows_storyboard(p)
