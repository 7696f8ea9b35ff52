"""How long a media file lasts, and whether it has sound or picture."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import av

from studio.errors import InputError, Location


@dataclass(frozen=True)
class MediaInfo:
    duration: float  # seconds
    has_audio: bool
    has_video: bool


def probe_media(path: Path) -> MediaInfo:
    """Duration from the container (or by decoding when the header doesn't say)."""
    try:
        with av.open(str(path)) as container:
            has_audio = bool(container.streams.audio)
            has_video = bool(container.streams.video)
            if container.duration:
                return MediaInfo(container.duration / av.time_base, has_audio, has_video)
            stream = container.streams.audio[0] if has_audio else container.streams.video[0]
            last = 0.0
            for frame in container.decode(stream):
                if frame.time is not None:
                    dur = frame.samples / frame.sample_rate if has_audio else 0.0
                    last = max(last, frame.time + dur)
            return MediaInfo(last, has_audio, has_video)
    except (av.FFmpegError, IndexError, OSError) as exc:
        raise InputError(f"cannot read media: {exc}", Location(file=str(path))) from None
