"""Helpers for the sound tests: real files written with PyAV / wave, small projects."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from studio.audio.wavfile import write_wav
from studio.model import Clip, Project, Track, TrackKind

SR = 48_000


def tone(seconds: float, freq: float = 440.0, amp: float = 0.5, sr: int = SR) -> np.ndarray:
    t = np.arange(int(round(seconds * sr))) / sr
    x = (amp * np.sin(2 * np.pi * freq * t)).astype(np.float32)
    return np.stack([x, x], axis=1)


def write_encoded(
    path: Path,
    samples: np.ndarray,
    codec: str,
    rate: int = SR,
    layout: str = "stereo",
    options: dict | None = None,
) -> Path:
    """Encode float samples (N, 2) with PyAV, converting to whatever format the codec takes."""
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=rate, options=options or {})
        stream.layout = layout
        fmt = stream.codec_context.codec.audio_formats[0]
        channels = 1 if layout == "mono" else 2
        data = samples[:, :channels].T.astype(np.float32)
        if fmt.name.startswith("s16"):
            data = (np.clip(data, -1, 1) * 32767).astype(np.int16)
        elif fmt.name.startswith("s32"):
            data = (np.clip(data, -1, 1) * 2147483647).astype(np.int32)
        size = 1152 if codec == "libmp3lame" else 1024
        for i in range(0, data.shape[1], size):
            part = data[:, i : i + size]
            if not fmt.is_planar:
                part = part.T.reshape(1, -1)
            frame = av.AudioFrame.from_ndarray(
                np.ascontiguousarray(part), format=fmt.name, layout=layout
            )
            frame.sample_rate = rate
            frame.pts = i
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def audio_project(fps: int = 24, **track_kw) -> Project:
    return Project(fps=fps, tracks=[Track(kind=TrackKind.AUDIO, name="A1", **track_kw)])


def place(project: Project, media: str, start: int, duration: int, track: int = 0, **kw) -> Clip:
    clip = Clip(media=media, start=start, duration=duration, **kw)
    project.tracks[track].clips.append(clip)
    return clip


@pytest.fixture
def media(tmp_path):
    """A folder with files, and a resolve() for bundle-relative names in it."""

    class Media:
        root = tmp_path

        def wav(self, name: str, samples: np.ndarray, sr: int = SR) -> str:
            write_wav(tmp_path / name, samples, sr)
            return name

        def resolve(self, name: str) -> Path:
            return tmp_path / name

    return Media()
