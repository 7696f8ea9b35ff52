"""OTIO export: clips, gaps and transitions keep their timing when read back by OpenTimelineIO."""

from __future__ import annotations

import opentimelineio as otio

from studio.assemble import add_take, assemble_timeline
from studio.bundle import Bundle
from studio.interchange.otio import write_otio
from studio.model import Project, Shot, Take, TransitionKind


def test_timeline_round_trips_through_otio(tmp_path):
    project = Project(title="otio", fps=24)
    for i, d in enumerate([2.0, 3.0]):
        shot = Shot(
            prompt=f"shot {i}",
            duration=d,
            transition=TransitionKind.CROSSFADE,
            transition_duration=0.5 if i == 0 else 0.0,
        )
        project.shots.append(shot)
        add_take(project, Take(shot_id=shot.id, path=f"takes/{i}.mp4", engine="animatic", seed=i))
    project.shots[1].transition = TransitionKind.CUT
    assemble_timeline(project)
    bundle = Bundle.create(tmp_path / "p.sbproj", project)
    out = write_otio(project, bundle, tmp_path / "edit.otio")

    timeline = otio.adapters.read_from_file(str(out))
    video = timeline.video_tracks()[0]
    kinds = [type(item).__name__ for item in video]
    assert kinds == ["Clip", "Transition", "Clip"]
    # OTIO clips don't overlap; the transition shares frames, so the edit length is preserved
    assert video.duration().to_frames() == project.duration_frames == (2 + 3) * 24 - 12
    first = video[0]
    assert first.name == "shot 0" and first.metadata["storyboard_studio"]["seed"] == 0
    assert first.media_reference.target_url.endswith("takes/0.mp4")
