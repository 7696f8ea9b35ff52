"""Shots become clips: order, overlaps for transitions, fade-out, sound takes, take lineage."""

from __future__ import annotations

from studio.assemble import SOUND_TRACK, add_take, assemble_timeline
from studio.model import Project, Shot, Take, TakeKind, TrackKind, TransitionKind


def project_with_takes(durations, transitions) -> Project:
    project = Project(fps=24)
    for d, (kind, secs) in zip(durations, transitions, strict=True):
        shot = Shot(prompt=f"shot {d}", duration=d, transition=kind, transition_duration=secs)
        project.shots.append(shot)
        add_take(project, Take(shot_id=shot.id, path="takes/x.mp4", engine="animatic"))
    return project


def test_clips_follow_storyboard_with_overlaps():
    cut = (TransitionKind.CUT, 0.0)
    xf = (TransitionKind.CROSSFADE, 0.5)
    dip = (TransitionKind.DIP_TO_BLACK, 1.0)
    project = project_with_takes([3.0, 2.0, 4.0], [xf, cut, dip])
    assemble_timeline(project)
    clips = project.tracks_of(TrackKind.VIDEO)[0].sorted_clips()
    assert [c.start for c in clips] == [0, 72 - 12, 72 - 12 + 48]
    assert clips[1].transition_in.kind == "crossfade" and clips[1].transition_in.duration == 12
    assert clips[2].transition_in is None
    assert clips[2].transition_out.duration == 24  # the last shot fades to black
    # sum of shot durations minus the transitions between shots
    assert project.duration_frames == (3 + 2 + 4) * 24 - 12


def test_sound_takes_line_up_with_their_shots_and_rebuild_is_idempotent():
    project = project_with_takes([2.0, 2.0], [(TransitionKind.CUT, 0)] * 2)
    shot = project.shots[1]
    add_take(
        project, Take(shot_id=shot.id, kind=TakeKind.AUDIO, path="takes/s.wav", engine="soundbed")
    )
    assemble_timeline(project)
    assemble_timeline(project)
    sound = [t for t in project.tracks if t.name == SOUND_TRACK]
    assert len(sound) == 1 and len(sound[0].clips) == 1 and sound[0].clips[0].start == 48
    assert len(project.tracks_of(TrackKind.VIDEO)[0].clips) == 2


def test_new_take_is_kept_beside_the_old_one():
    project = project_with_takes([2.0], [(TransitionKind.CUT, 0)])
    shot = project.shots[0]
    first = shot.current_take
    add_take(project, Take(shot_id=shot.id, path="takes/y.mp4", engine="animatic", remix_of=first))
    assert len(project.takes) == 2 and shot.current_take != first
    assert project.takes[shot.current_take].parents == [first]


def test_old_project_json_gets_track_roles_from_the_names_it_used():
    """Schema 1 marked the storyboard's tracks by name; loading gives them their role."""
    from studio.model import TrackRole

    old = {
        "schema_version": 1,
        "tracks": [
            {"kind": "video", "name": "V1", "clips": []},
            {"kind": "video", "name": "V2", "clips": []},
            {"kind": "audio", "name": "Shot sound", "clips": []},
        ],
    }
    project = Project.model_validate(old)
    assert [t.role for t in project.tracks] == [
        TrackRole.STORYBOARD_VIDEO,
        None,
        TrackRole.STORYBOARD_SOUND,
    ]
    assert project.schema_version == 2


def test_a_renamed_storyboard_track_still_follows_the_storyboard():
    """The role, not the name, marks the track a Rebuild and take landing use."""
    project = project_with_takes([2.0, 2.0], [(TransitionKind.CUT, 0)] * 2)
    assemble_timeline(project)
    track = project.tracks_of(TrackKind.VIDEO)[0]
    track.name = "Picture"
    assemble_timeline(project)
    assert len(project.tracks_of(TrackKind.VIDEO)) == 1 and len(track.clips) == 2


def test_one_take_frames_rule_for_edits_layout_and_the_inspector():
    """Defect 5: a 49-frame 16 fps take in a 24 fps project is 74 frames everywhere (frame 73
    still shows the take's last frame), the trim limit and the placement agree."""
    from studio.layout.frames import take_frames as layout_frames
    from studio.model.edits import take_frames as edit_frames
    from studio.placement import take_frames as placement_frames

    project = Project(fps=24)
    wan = Take(path="w.mp4", engine="x", fps=16, frames=49)
    assert (
        layout_frames(project, wan) == edit_frames(project, wan) == placement_frames(project, wan)
    )
    assert layout_frames(project, wan) == 74
