"""Decode any sound a creator brings (WAV, FLAC, MP3, OGG, M4A, the sound of a video) to the
mixer's format: float32 stereo at 48 kHz.

Decoding is the slow part of mixing, and the player re-renders the mix many times a second
while scrubbing, so decoded files are kept in a bounded in-memory cache keyed by path, size
and modification time (an edited file is decoded again).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from studio.errors import InputError, Location

SAMPLE_RATE = 48_000
AUDIO_SUFFIXES = (".wav", ".flac", ".mp3", ".ogg", ".oga", ".opus", ".m4a", ".aac")


@dataclass(frozen=True)
class AudioInfo:
    """What a file's first sound stream holds, before decoding."""

    sample_rate: int
    channels: int
    duration: float  # seconds (0 when the container does not say)
    codec: str


def _file_key(path: Path) -> tuple[str, int, int]:
    st = path.stat()
    return (str(path.resolve()), st.st_size, st.st_mtime_ns)


def probe_audio(path: Path) -> AudioInfo | None:
    """The first sound stream of a file, or None if it has none (e.g. a generated video)."""
    path = Path(path)
    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                return None
            stream = container.streams.audio[0]
            duration = 0.0
            if stream.duration is not None and stream.time_base is not None:
                duration = float(stream.duration * stream.time_base)
            elif container.duration:
                duration = container.duration / 1_000_000
            ctx = stream.codec_context
            return AudioInfo(ctx.sample_rate or 0, ctx.channels or 0, duration, ctx.name)
    except FileNotFoundError:
        raise InputError("sound file not found", Location(file=str(path))) from None
    except (av.FFmpegError, OSError) as exc:
        raise InputError(f"cannot read sound: {exc}", Location(file=str(path))) from None


def decode_file(path: Path, sample_rate: int = SAMPLE_RATE) -> np.ndarray | None:
    """Decode a file's first sound stream to (N, 2) float32 at `sample_rate`; None if silent.

    Mono goes to both channels at full level, surround is downmixed, any rate is resampled by
    FFmpeg's resampler. Sound that starts after the container's start (common in videos)
    is padded so it stays in sync with the picture.
    """
    path = Path(path)
    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                return None
            stream = container.streams.audio[0]
            stream.thread_type = "AUTO"
            mono = (stream.codec_context.channels or 2) == 1
            layout = "mono" if mono else "stereo"
            resampler = av.AudioResampler(format="fltp", layout=layout, rate=sample_rate)
            chunks: list[np.ndarray] = []
            lead_in = None
            for frame in container.decode(stream):
                if lead_in is None:
                    lead_in = _lead_in(frame, container)
                for out in resampler.resample(frame):
                    chunks.append(out.to_ndarray())
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray())
    except FileNotFoundError:
        raise InputError("sound file not found", Location(file=str(path))) from None
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise InputError(f"cannot decode sound: {exc}", Location(file=str(path))) from None
    if not chunks:
        return np.zeros((0, 2), dtype=np.float32)
    samples = np.concatenate(chunks, axis=1).T.astype(np.float32, copy=False)
    if samples.shape[1] == 1:  # mono plays at full level on both sides, as in any editor
        samples = np.repeat(samples, 2, axis=1)
    pad = int(round((lead_in or 0.0) * sample_rate))
    if pad > 0:
        samples = np.concatenate([np.zeros((pad, 2), np.float32), samples])
    np.nan_to_num(samples, copy=False)
    return np.ascontiguousarray(samples)


def _lead_in(frame: av.AudioFrame, container: av.container.InputContainer) -> float:
    """Seconds between the container's start and the first sound (never negative)."""
    if frame.time is None:
        return 0.0
    start = container.start_time / 1_000_000 if container.start_time else 0.0
    return max(0.0, float(frame.time) - start)


class DecodeCache:
    """Decoded files kept in memory, least recently used dropped past `max_bytes`.

    Thread-safe: the player's render thread and the exporter may share one.
    """

    def __init__(self, max_bytes: int = 768 * 1024 * 1024):
        self.max_bytes = max_bytes
        self._items: OrderedDict[tuple, np.ndarray | None] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, path: Path, sample_rate: int = SAMPLE_RATE) -> np.ndarray | None:
        """The decoded sound of `path` (read-only array), or None if the file has none."""
        path = Path(path)
        if not path.exists():
            raise InputError("sound file not found", Location(file=str(path)))
        key = (*_file_key(path), sample_rate)
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        samples = decode_file(path, sample_rate)
        if samples is not None:
            samples.setflags(write=False)
        with self._lock:
            self._store(key, samples)
        return samples

    def _store(self, key: tuple, samples: np.ndarray | None) -> None:
        if key in self._items:
            return
        size = samples.nbytes if samples is not None else 0
        self._items[key] = samples
        self._bytes += size
        while self._bytes > self.max_bytes and len(self._items) > 1:
            _, old = self._items.popitem(last=False)
            self._bytes -= old.nbytes if old is not None else 0

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0

    @property
    def nbytes(self) -> int:
        return self._bytes


_shared_cache = DecodeCache()


def shared_cache() -> DecodeCache:
    """The process-wide cache the mixer uses unless it is handed another one."""
    return _shared_cache


def decode_audio(path: Path, sample_rate: int = SAMPLE_RATE) -> np.ndarray | None:
    """Cached decode: (N, 2) float32 at `sample_rate`, or None if the file has no sound."""
    return _shared_cache.get(path, sample_rate)
