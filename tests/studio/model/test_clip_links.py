"""A picture and the sound one model run made with it: landed in sync, linked, and cut
together by the pure edit operations (unlink cuts them apart). Every edit undoes exactly."""

from __future__ import annotations

import pytest

from studio.layout.landing import land_take
from studio.model import Project, Shot, Take, TakeKind, TrackRole
from studio.model import edits as E
from studio.model.edits import EditError


def linked_pair(shot: str, frames: int = 48) -> tuple[Take, Take]:
    v, s = f"v-{shot}", f"a-{shot}"
    common = dict(shot_id=shot, engine="diffusers", fps=24, seed=1, params={"family": "ltx2"})
    video = Take(id=v, path=f"takes/{v}.mp4", frames=frames, linked=s, **common)
    sound = Take(
        id=s,
        kind=TakeKind.AUDIO,
        path=f"takes/{s}.wav",
        frames=frames,
        duration=frames / 24,
        linked=v,
        **common,
    )
    return video, sound


@pytest.fixture
def project() -> Project:
    p = Project(fps=24)
    p.shots = [Shot(id="s1", prompt="a", duration=2.0), Shot(id="s2", prompt="b", duration=2.0)]
    for shot in ("s1", "s2"):
        video, sound = linked_pair(shot)
        land_take(p, video)
        land_take(p, sound)
    return p


def tracks(p: Project):
    return p.track_with_role(TrackRole.STORYBOARD_VIDEO), p.track_with_role(
        TrackRole.STORYBOARD_SOUND
    )


def pair(p: Project, shot: str):
    pic, snd = tracks(p)
    a = next(c for c in pic.clips if c.shot_id == shot)
    b = next(c for c in snd.clips if c.link == a.link)
    return a, b


def spans(p: Project):
    pic, snd = tracks(p)
    return [(c.start, c.source_in, c.duration, c.link) for c in pic.sorted_clips()], [
        (c.start, c.source_in, c.duration, c.link) for c in snd.sorted_clips()
    ]


def test_landing_places_the_sound_in_sync_and_linked(project):
    for shot in ("s1", "s2"):
        a, b = pair(project, shot)
        assert a.link and a.link == b.link
        assert (a.start, a.source_in, a.duration) == (b.start, b.source_in, b.duration)
        assert project.shot(shot).sound_take == f"a-{shot}"


def test_move_keeps_sound_with_picture_and_undoes(project):
    before = spans(project)
    a, _ = pair(project, "s2")
    edit = E.move_clip(project, a.id, a.start + 30)
    a2, b2 = pair(project, "s2")
    assert a2.start == b2.start == a.start + 30
    edit.undo(project)
    assert spans(project) == before


def test_trim_both_edges_keeps_sync(project):
    a, _ = pair(project, "s1")
    E.trim_clip(project, a.id, "in", a.start + 5)
    E.trim_clip(project, a.id, "out", a.end - 7)
    a2, b2 = pair(project, "s1")
    assert (a2.start, a2.source_in, a2.duration) == (b2.start, b2.source_in, b2.duration)
    assert a2.source_in == 5 and a2.duration == 48 - 12


def test_split_cuts_both_and_halves_stay_linked_pairwise(project):
    a, _ = pair(project, "s1")
    edit = E.split_clip(project, a.id, a.start + 20)
    pic, snd = tracks(project)
    left = [c for c in pic.clips if c.shot_id == "s1"]
    assert len(left) == 2 and len([c for c in snd.clips if c.shot_id == "s1"]) == 2
    for c in left:
        partner = next(s for s in snd.clips if s.link == c.link)
        assert (partner.start, partner.source_in, partner.duration) == (
            c.start,
            c.source_in,
            c.duration,
        )
    assert len({c.link for c in left}) == 2
    edit.undo(project)
    assert len([c for c in tracks(project)[1].clips if c.shot_id == "s1"]) == 1


def test_ripple_delete_removes_the_sound_and_closes_both_gaps(project):
    a1, b1 = pair(project, "s1")
    edit = E.ripple_delete(project, a1.id)
    a2, b2 = pair(project, "s2")
    assert not any(c.id == b1.id for c in tracks(project)[1].clips)
    assert a2.start == b2.start == a1.start
    edit.undo(project)
    assert pair(project, "s1")[1].id == b1.id


def test_unlink_separates_them(project):
    a, b = pair(project, "s2")
    E.unlink(project, a.id)
    moved = E.move_clip(project, a.id, a.start + 10)
    assert moved is not None
    pic, snd = tracks(project)
    assert next(c for c in snd.clips if c.id == b.id).start == b.start  # the sound stayed
    assert next(c for c in pic.clips if c.id == a.id).link is None
    with pytest.raises(EditError):
        E.unlink(project, a.id)


def test_swap_to_another_linked_take_swaps_the_sound(project):
    video, sound = linked_pair("s1")
    video = video.model_copy(update={"id": "v2", "linked": "a2"})
    sound = sound.model_copy(update={"id": "a2", "linked": "v2"})
    project.takes.update({"v2": video, "a2": sound})
    a, _ = pair(project, "s1")
    E.swap_take(project, a.id, "v2")
    a2, b2 = pair(project, "s1")
    assert a2.take_id == "v2" and b2.take_id == "a2"


def test_a_linked_sound_that_cannot_follow_refuses_the_whole_edit(project):
    before = spans(project)
    pic, snd = tracks(project)
    a, b = pair(project, "s2")
    from studio.model import Clip

    snd.clips.append(Clip(id="blocker", media="x.wav", start=a.end + 40, duration=20))
    with pytest.raises(EditError, match="linked"):
        E.move_clip(project, a.id, a.start + 60)  # the picture has room; its sound has not
    snd.clips.remove(next(c for c in snd.clips if c.id == "blocker"))
    assert spans(project) == before


def test_a_picture_take_without_sound_is_no_longer_linked(project):
    other = Take(
        id="plain", shot_id="s1", path="takes/plain.mp4", engine="animatic", fps=24, frames=48
    )
    land_take(project, other)
    pic, _snd = tracks(project)
    clip = next(c for c in pic.clips if c.shot_id == "s1")
    assert clip.take_id == "plain" and clip.link is None
