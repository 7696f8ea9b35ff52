"""Issue 11, defect 12: a storyboard restack lays out only the segments between the unchanged
head and tail of the track (studio.layout.unchanged). Every restack of random storyboard and
timeline edit sequences is compared with a full pass over the same state."""

from __future__ import annotations

import random

import pytest

import studio.layout.storyboard as SB
from studio.layout import landing
from studio.model import Project, Shot, Take, TrackRole, TransitionKind
from studio.model import edits as E
from studio.model import shot_edits as S
from studio.model.edit import EditError, Recorder

KINDS = [TransitionKind.CUT, TransitionKind.CROSSFADE, TransitionKind.DIP_TO_BLACK]


def full_pass(restack, rec, reorder, retransition, fresh, monkeypatch) -> list:
    """The restack's result with no head and no tail (every segment laid out), on a copy."""
    copy = rec.project.model_copy(deep=True)
    twin = Recorder(copy, rec.name)
    twin.edit.before = dict(rec.edit.before)  # read for ids and positions only
    with monkeypatch.context() as m:
        m.setattr(SB, "unchanged_head", lambda *a: (0, []))
        m.setattr(SB, "unchanged_tail", lambda now, *a: (len(now), []))
        restack(twin, reorder, set(retransition or ()), dict(fresh or {}))
    return layout(copy)


def layout(p: Project) -> list:
    """Every storyboard track's clips, without the random ids of clips made by the pass."""
    out = []
    for role in TrackRole:
        track = p.track_with_role(role)
        for c in track.sorted_clips() if track else []:
            out.append({k: v for k, v in c.model_dump().items() if k != "id"})
    return out


def film(rng: random.Random, n: int) -> Project:
    p = Project(fps=24)
    for _ in range(n):
        shot = Shot(
            prompt="p",
            duration=rng.choice([0.5, 1.0, 2.0]),
            transition=rng.choice(KINDS[:2]),
            transition_duration=0.25,
        )
        take = Take(shot_id=shot.id, path="t.mp4", engine="x", fps=24, frames=rng.choice([24, 72]))
        p.takes[take.id] = take
        update = {"current_take": take.id}
        if rng.random() < 0.3:
            sound = Take(shot_id=shot.id, path="s.wav", engine="x", kind="audio", duration=1.0)
            p.takes[sound.id] = sound
            update["sound_take"] = sound.id
        p.shots.append(shot.model_copy(update=update))
    SB.rebuild(p)
    return p


def random_edit(p: Project, rng: random.Random):
    track = p.track_with_role(TrackRole.STORYBOARD_VIDEO)
    clips = track.sorted_clips() if track else []
    shot = rng.choice(p.shots).id
    k = rng.randrange(12)
    if k == 0:
        return S.set_shot_fields(p, shot, duration=rng.choice([0.5, 1.0, 1.5, 3.0]))
    if k == 1:
        kind, length = rng.choice(KINDS), rng.choice([0.25, 0.5])
        return S.set_shot_fields(p, shot, transition=kind, transition_duration=length)
    if k == 2:
        return S.add_shots(p, [Shot(prompt="n", duration=1.0)], rng.randrange(len(p.shots) + 1))
    if k == 3:
        return S.duplicate_shots(p, [shot])
    if k == 4 and len(p.shots) > 2:
        return S.delete_shots(p, [shot])
    if k == 5:
        return S.move_shots(p, [shot], rng.randrange(len(p.shots) + 1))
    if k == 6:
        frames = rng.choice([12, 30, 60])
        take = Take(shot_id=shot, path="n.mp4", engine="x", fps=24, frames=frames)
        return landing.land_take(p, take)
    if not clips:
        return None
    c = rng.choice(clips)
    if k == 7:
        return E.split_clip(p, c.id, c.start + rng.randrange(1, max(2, c.duration)))
    if k == 8:
        edge = rng.choice(["in", "out"])
        return E.trim_clip(p, c.id, edge, c.start + rng.randrange(-10, c.duration + 10))
    if k == 9:
        return E.set_transition(p, c.id, TransitionKind.CROSSFADE, rng.randrange(1, 12))
    if k == 10:
        return E.move_clip(p, c.id, c.start + rng.randrange(-30, 30))
    return E.ripple_delete(p, c.id)


@pytest.mark.parametrize("seed", range(40))
def test_restack_matches_a_full_pass(seed, monkeypatch):
    rng = random.Random(seed)
    p = film(rng, rng.randrange(3, 25))
    real = SB.restack
    compared = []

    def checked(rec, reorder=False, retransition=None, fresh=None):
        want = full_pass(real, rec, reorder, retransition, fresh, monkeypatch)
        real(rec, reorder, retransition, fresh)
        assert layout(rec.project) == want
        compared.append(1)

    for module in (SB, landing, S):
        monkeypatch.setattr(module, "restack", checked)
    done = []
    for _ in range(50):
        if done and rng.random() < 0.15:
            done.pop().undo(p)
            continue
        try:
            edit = random_edit(p, rng)
        except EditError:
            continue
        if edit is not None:
            done.append(edit)
    assert compared  # the edits reached the restack


def test_an_edit_near_the_end_leaves_the_head_alone():
    """The head's clips are the same objects after the edit (nothing re-made there)."""
    rng = random.Random(1)
    p = film(rng, 30)
    before = p.track_with_role(TrackRole.STORYBOARD_VIDEO).sorted_clips()
    S.set_shot_fields(p, p.shots[-2].id, duration=3.0)
    after = p.track_with_role(TrackRole.STORYBOARD_VIDEO).sorted_clips()
    assert all(a is b for a, b in zip(after[:25], before[:25], strict=True))
