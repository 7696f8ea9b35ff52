"""The real exporter with the provenance hook: the exported MP4 carries a verifiable manifest."""

from __future__ import annotations

import numpy as np

from studio.cameo.guard import check_export
from studio.export.mp4 import export_project
from studio.export.settings import ExportSettings
from studio.media.video import write_video
from studio.model import Clip, Project, Shot, Take, Track
from studio.provenance import TRAINED_ALGORITHMIC_MEDIA, provenance_hook, read_manifest


def test_exported_mp4_is_signed_and_readable(tmp_path):
    media = tmp_path / "takes"
    media.mkdir()
    write_video(media / "t.mp4", [np.full((64, 64, 3), 30 * i, np.uint8) for i in range(8)], 24)
    shot = Shot(prompt="a lighthouse at dusk")
    take = Take(
        shot_id=shot.id,
        path="takes/t.mp4",
        engine="diffusers",
        model="Wan-AI/Wan2.1-T2V",
        width=64,
        height=64,
        fps=24,
        frames=8,
        duration=8 / 24,
    )
    project = Project(
        title="Lighthouse",
        shots=[shot],
        takes={take.id: take},
        tracks=[Track(clips=[Clip(take_id=take.id, start=0, duration=8)])],
    )
    check_export(project)  # no cameo: nothing to refuse
    dest = tmp_path / "out.mp4"
    export_project(
        project,
        lambda p: tmp_path / p,
        dest,
        ExportSettings(size=(96, 160), preset="superfast", target_lufs=None),
        provenance=provenance_hook(project),
    )
    info = read_manifest(dest)
    assert info["digital_source_type"] == TRAINED_ALGORITHMIC_MEDIA and not info["tampered"]
    assert info["model_families"] == ["Wan"] and info["title"] == "Lighthouse"
