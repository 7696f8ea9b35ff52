"""An exported MP4 read back: AAC 48 kHz stereo, sound where it was placed and silence where
it was not, the soundtrack as long as the picture within one frame."""

from __future__ import annotations

import av
import numpy as np
import pytest

from studio.audio.decode import decode_file
from studio.export.mp4 import export_project
from studio.export.settings import ExportSettings
from studio.media.video import write_video
from studio.model import Clip, OutputFormat, Project, Take, TakeKind, Track, TrackKind
from tests.studio.audio.conftest import SR, tone


def test_exported_soundtrack(media, tmp_path):
    fps = 24
    frames = [np.full((64, 36, 3), 90, np.uint8)] * 72
    write_video(media.root / "shot.mp4", frames, fps)
    project = Project(fps=fps, format=OutputFormat.VERTICAL)
    project.takes["v"] = Take(id="v", path="shot.mp4", engine="test", fps=fps, frames=72)
    project.takes["s"] = Take(
        id="s", kind=TakeKind.AUDIO, path=media.wav("s.wav", tone(1.0, 330, 0.3)), engine="soundbed"
    )
    project.tracks = [
        Track(kind=TrackKind.VIDEO, name="V1", clips=[Clip(take_id="v", start=0, duration=72)]),
        Track(kind=TrackKind.AUDIO, name="Sound", clips=[Clip(take_id="s", start=24, duration=24)]),
    ]
    dest = tmp_path / "out.mp4"
    settings = ExportSettings(size=(72, 128), fps=fps, preset="veryfast")
    result = export_project(project, media.resolve, dest, settings)
    assert result.loudness_lufs == pytest.approx(-14.0, abs=0.5)

    with av.open(str(dest)) as container:
        audio = container.streams.audio[0]
        video = container.streams.video[0]
        assert audio.codec_context.name == "aac"
        assert audio.codec_context.sample_rate == SR and audio.codec_context.channels == 2
        video_s = float(video.duration * video.time_base) if video.duration else video.frames / fps
    sound = decode_file(dest)
    assert abs(sound.shape[0] / SR - video_s) <= 1 / fps
    level = lambda a, b: float(np.sqrt(np.mean(sound[int(a * SR) : int(b * SR)] ** 2)))  # noqa: E731
    assert level(0.0, 0.9) < 1e-3  # nothing placed before 1 s
    assert level(1.1, 1.9) > 0.05  # the sound take from 1 s to 2 s
    assert level(2.1, 2.9) < 1e-3
