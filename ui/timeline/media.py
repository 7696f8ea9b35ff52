"""Filmstrips and waveforms for timeline clips, decoded off the UI thread and cached.

A clip item asks for its media's strip when it is painted; the first ask queues one decode job
(a single pass over the file keeping ~STRIP_FRAMES evenly spaced small frames, or audio peaks)
on a one-thread pool and returns None; `ready(path)` fires on the UI thread when it lands, and
the view repaints the clips using that file. Only visible clips are painted, so only what the
user looks at is ever decoded. Results stay in a bounded LRU keyed by path, size and mtime.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from ui.byte_lru import MIB, ByteLRU, image_bytes

THUMB_HEIGHT = 48
STRIP_FRAMES = 48
PEAKS_PER_SECOND = 100
_MAX_ENTRIES = 512
MEDIA_CACHE_BYTES = 96 * MIB  # filmstrips and waveforms; the least recently drawn go first


def _nbytes(result: object) -> int:
    """Bytes a cached filmstrip or waveform holds (None: a file that did not decode)."""
    if isinstance(result, Filmstrip):
        return sum(image_bytes(i) for i in result.images) + result.times.nbytes
    if isinstance(result, Peaks):
        return result.values.nbytes
    return 0


@dataclass(frozen=True)
class Filmstrip:
    """Small frames of a video at known times (seconds), for any zoom level."""

    times: np.ndarray
    images: tuple[QImage, ...]

    def at(self, seconds: float) -> QImage:
        i = int(np.searchsorted(self.times, seconds, side="right")) - 1
        return self.images[max(0, min(i, len(self.images) - 1))]

    @property
    def aspect(self) -> float:
        img = self.images[0]
        return img.width() / max(1, img.height())


@dataclass(frozen=True)
class Peaks:
    """Per-bucket max |sample| of a sound, PEAKS_PER_SECOND buckets a second, in [0, 1]."""

    values: np.ndarray
    rate: int = PEAKS_PER_SECOND


def to_qimage(rgb: np.ndarray) -> QImage:
    """A QImage that owns a copy of an (H, W, 3) uint8 array (safe to hand between threads)."""
    rgb = np.ascontiguousarray(rgb)
    h, w = rgb.shape[:2]
    return QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()


def decode_filmstrip(
    path: Path, count: int = STRIP_FRAMES, height: int = THUMB_HEIGHT
) -> Filmstrip | None:
    """One sequential pass keeping `count` evenly spaced frames scaled to `height` px."""
    try:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            total = stream.frames or 0
            step = max(1, total // count) if total else 1
            base = float(stream.time_base or 0)
            times, images = [], []
            for i, frame in enumerate(container.decode(stream)):
                if i % step:
                    continue
                w = max(2, round(frame.width * height / frame.height))
                small = frame.reformat(width=w, height=height, format="rgb24")
                t = float(frame.pts * base) if frame.pts is not None and base else i / 24
                times.append(t)
                images.append(to_qimage(small.to_ndarray()))
                if len(images) >= count * 2:  # headerless stream: keep a bound anyway
                    break
    except (av.FFmpegError, IndexError, OSError, ValueError):
        return None
    if not images:
        return None
    t0 = times[0]
    return Filmstrip(np.asarray(times) - t0, tuple(images))


def decode_peaks(path: Path) -> Peaks | None:
    """Max-abs peaks of a file's sound (via studio.audio's cached decoder)."""
    from studio.audio.decode import SAMPLE_RATE, decode_audio
    from studio.errors import InputError

    try:
        samples = decode_audio(path)
    except InputError:
        return None
    if samples is None or not len(samples):
        return None
    mono = np.abs(samples).max(axis=1)
    bucket = SAMPLE_RATE // PEAKS_PER_SECOND
    n = len(mono) // bucket
    head = mono[: n * bucket].reshape(n, bucket).max(axis=1) if n else np.zeros(0, np.float32)
    tail = mono[n * bucket :]
    values = np.concatenate([head, [tail.max()]]) if len(tail) else head
    return Peaks(np.clip(values, 0.0, 1.0).astype(np.float32))


def _key(path: Path, kind: str) -> tuple:
    try:
        st = path.stat()
        return (kind, str(path), st.st_size, st.st_mtime_ns)
    except OSError:
        return (kind, str(path), -1, -1)


class MediaCache(QObject):
    """Lazy, cached filmstrips and peaks; `ready(path)` says a request finished (even if empty)."""

    ready = Signal(str)
    _done = Signal(object, object, str)  # key, result, path — emitted from the worker thread

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="timeline-media")
        self._cache: ByteLRU[tuple, object] = ByteLRU(MEDIA_CACHE_BYTES, _nbytes, _MAX_ENTRIES)
        self._pending: set[tuple] = set()
        self._done.connect(self._store)

    def filmstrip(self, path: Path) -> Filmstrip | None:
        return self._get(Path(path), "strip", decode_filmstrip)

    def peaks(self, path: Path) -> Peaks | None:
        return self._get(Path(path), "peaks", decode_peaks)

    def _get(self, path: Path, kind: str, decode) -> object | None:
        key = _key(path, kind)
        if key in self._cache:
            return self._cache.get(key)
        if key not in self._pending:
            self._pending.add(key)
            self._pool.submit(self._run, key, path, decode)
        return None

    def _run(self, key: tuple, path: Path, decode) -> None:
        try:
            result = decode(path)
        except Exception:  # a bad file must never kill the worker
            result = None
        self._done.emit(key, result, str(path))

    def _store(self, key: tuple, result: object, path: str) -> None:
        self._pending.discard(key)
        self._cache.put(key, result)
        self.ready.emit(path)

    def pending(self) -> int:
        return len(self._pending)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
