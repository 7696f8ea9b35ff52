"""Bringing a creator's own files into a project: video, pictures and sound.

Each file is checked the way playback and export will read it (studio.media.check) BEFORE it
is copied, so a text file named .png is refused at once with its name, never at export. A
good file is copied into the bundle's media/ by content hash (Bundle.import_media, which
refuses links) and described by a `MediaItem` for the bin.
"""

from __future__ import annotations

from pathlib import Path

import av

from studio.errors import InputError, Location
from studio.media.check import IMAGE_SUFFIXES, image_problem, sound_problem, video_problem
from studio.model.timeline import MediaItem, MediaKind

VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".mkv", ".webm", ".avi", ".m4v"})
AUDIO_SUFFIXES = frozenset({".wav", ".flac", ".mp3", ".ogg", ".m4a", ".aac", ".opus"})
IMPORT_FILTER = "Media ({})".format(
    " ".join(f"*{s}" for s in sorted(VIDEO_SUFFIXES | IMAGE_SUFFIXES | AUDIO_SUFFIXES))
)


def media_kind(path: Path) -> MediaKind:
    """What a file is by its suffix; InputError naming the file for anything else."""
    suffix = Path(path).suffix.lower()
    if suffix in IMAGE_SUFFIXES:
        return MediaKind.IMAGE
    if suffix in VIDEO_SUFFIXES:
        return MediaKind.VIDEO
    if suffix in AUDIO_SUFFIXES:
        return MediaKind.AUDIO
    raise InputError(
        f"'{suffix or Path(path).name}' is not a video, picture or sound file this editor reads",
        Location(file=str(path)),
    )


def check_media(path: Path) -> tuple[MediaKind, float | None]:
    """(kind, length in seconds or None for a still) of a usable file, else InputError."""
    path = Path(path)
    kind = media_kind(path)
    problem = {
        MediaKind.IMAGE: image_problem,
        MediaKind.VIDEO: video_problem,
        MediaKind.AUDIO: sound_problem,
    }[kind](path)
    if problem:
        raise InputError(problem, Location(file=str(path)))
    return kind, None if kind == MediaKind.IMAGE else _seconds(path, kind)


def _seconds(path: Path, kind: MediaKind) -> float:
    with av.open(str(path)) as container:
        streams = container.streams.video if kind == MediaKind.VIDEO else container.streams.audio
        stream = streams[0]
        if stream.duration is not None and stream.time_base is not None:
            return float(stream.duration * stream.time_base)
        if container.duration is not None:
            return container.duration / av.time_base
        last = 0.0
        for frame in container.decode(stream):  # no header length: decode to the end
            last = float(frame.time or last)
        return last


def import_media_file(bundle, source: Path) -> MediaItem:
    """Check `source`, copy it into the bundle's media/ and describe it for the bin."""
    kind, seconds = check_media(source)
    rel = bundle.import_media(Path(source))
    return MediaItem(path=rel, kind=kind, name=Path(source).name[:255], seconds=seconds)
