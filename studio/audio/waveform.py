"""Waveforms for audio clips: min/max peaks per 5 ms, computed once per media file.

Decoding a long file takes a moment, so peaks are kept on disk in the user cache folder,
keyed by the file's path, size and modification time (an edited file gets new peaks), and
the timeline reduces them to one min/max pair per pixel column at any zoom.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from studio import atomic
from studio.audio.decode import SAMPLE_RATE, decode_file
from studio.paths import user_cache_dir

BUCKETS_PER_SECOND = 200
_VERSION = 1


@dataclass(frozen=True)
class Peaks:
    """Per bucket, the lowest and highest sample over both channels."""

    rate: float  # buckets per second
    mins: np.ndarray  # (B,) float32 in [-1, 0]
    maxs: np.ndarray  # (B,) float32 in [0, 1]

    @property
    def duration(self) -> float:
        return self.mins.size / self.rate

    def columns(
        self, start_s: float, duration_s: float, count: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """(mins, maxs) for `count` pixel columns covering [start_s, start_s + duration_s);
        columns past the end of the sound are 0."""
        lows, highs = np.zeros(count, np.float32), np.zeros(count, np.float32)
        if count <= 0 or self.mins.size == 0 or duration_s <= 0:
            return lows, highs
        size = self.mins.size
        edges = np.floor(np.linspace(start_s, start_s + duration_s, count + 1) * self.rate)
        first = edges[:-1].astype(np.int64)
        inside = (first >= 0) & (first < size)
        starts = np.clip(first, 0, size - 1)
        ends = np.clip(np.maximum(edges[1:].astype(np.int64), first + 1), 1, size)
        ends = np.maximum(ends, starts + 1)  # a column narrower than a bucket shows its bucket
        pairs = np.stack([starts, ends], axis=1).ravel()
        low = np.minimum.reduceat(np.append(self.mins, np.float32(0)), pairs)[::2]
        high = np.maximum.reduceat(np.append(self.maxs, np.float32(0)), pairs)[::2]
        lows[inside], highs[inside] = low[inside], high[inside]
        return lows, highs


def compute_peaks(
    samples: np.ndarray, sample_rate: int = SAMPLE_RATE, rate: int = BUCKETS_PER_SECOND
) -> Peaks:
    """Peaks of (N, 2) samples."""
    bucket = max(1, sample_rate // rate)
    lo = samples.min(axis=1) if samples.ndim == 2 else samples
    hi = samples.max(axis=1) if samples.ndim == 2 else samples
    count = -(-lo.size // bucket)
    pad = count * bucket - lo.size
    lo = np.pad(lo, (0, pad)).reshape(count, bucket).min(axis=1) if count else lo[:0]
    hi = np.pad(hi, (0, pad)).reshape(count, bucket).max(axis=1) if count else hi[:0]
    return Peaks(
        sample_rate / bucket,
        np.minimum(lo, 0).astype(np.float32),
        np.maximum(hi, 0).astype(np.float32),
    )


def cache_file(path: Path, rate: int = BUCKETS_PER_SECOND) -> Path:
    st = path.stat()
    key = f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}|{rate}|v{_VERSION}"
    name = hashlib.sha1(key.encode()).hexdigest() + ".npz"
    return user_cache_dir() / "waveforms" / name


def waveform_peaks(path: Path, rate: int = BUCKETS_PER_SECOND) -> Peaks | None:
    """The peaks of a media file's sound (None if it has none), from the disk cache when the
    file has not changed since they were computed."""
    path = Path(path)
    cached = cache_file(path, rate)
    if cached.is_file():
        try:
            with np.load(cached) as data:
                if data["mins"].size == 0 and bool(data["silent"]):
                    return None
                return Peaks(float(data["rate"]), data["mins"], data["maxs"])
        except (OSError, ValueError, KeyError):
            pass  # a damaged cache entry is recomputed
    samples = decode_file(path, SAMPLE_RATE)
    peaks = compute_peaks(samples, SAMPLE_RATE, rate) if samples is not None else None
    buf = io.BytesIO()
    empty = np.zeros(0, np.float32)
    np.savez(
        buf,
        rate=np.float64(peaks.rate if peaks else rate),
        mins=peaks.mins if peaks else empty,
        maxs=peaks.maxs if peaks else empty,
        silent=np.bool_(peaks is None),
    )
    atomic.write_bytes(cached, buf.getvalue())
    return peaks
