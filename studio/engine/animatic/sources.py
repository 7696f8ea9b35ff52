"""Source takes as frame streams: the span a clip uses, fitted to a size, retimed to a length.

Takes can be long and large (1080×1920), so nothing here loads a whole take into memory:
frames are decoded, fitted and handed on one at a time.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

from studio.engine.request import SourceTake
from studio.errors import InputError, Location
from studio.media.video import VideoInfo, iter_frames, probe


def source_info(src: SourceTake) -> VideoInfo:
    """Probe a source take; a missing or unreadable file is an input error naming it."""
    path = Path(src.path)
    if not path.is_file():
        raise InputError("source take file not found", Location(file=str(path), field="sources"))
    return probe(path)


def span(src: SourceTake, info: VideoInfo) -> tuple[int, int]:
    """(first frame, frame count) of the part of the take the request uses."""
    start = min(max(0, src.source_in), max(0, info.frames - 1))
    count = info.frames - start
    if src.source_frames is not None:
        count = min(count, max(1, src.source_frames))
    return start, max(1, count)


def fit(frame: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Cover-fit a frame to (W, H): scale to fill, crop the overflow."""
    if (frame.shape[1], frame.shape[0]) == tuple(size):
        return frame
    return np.asarray(ImageOps.fit(Image.fromarray(frame), size, Image.Resampling.BILINEAR))


def read_span(
    src: SourceTake, info: VideoInfo, size: tuple[int, int] | None = None
) -> Iterator[np.ndarray]:
    """The span's frames in order (fitted to `size` when given)."""
    start, count = span(src, info)
    for i, frame in enumerate(iter_frames(Path(src.path))):
        if i < start:
            continue
        if i >= start + count:
            break
        yield fit(frame, size) if size else frame


def retimed(frames: Iterator[np.ndarray], have: int, want: int) -> Iterator[np.ndarray]:
    """`want` frames spread over a stream of `have` by normalised time (nearest frame, so no
    ghosting); the same stream when the lengths match."""
    current, index = None, -1
    for k in range(want):
        target = min(have - 1, (k * have) // max(1, want))
        while index < target:
            nxt = next(frames, None)
            if nxt is None:
                break
            current, index = nxt, index + 1
        if current is None:
            return
        yield current


def first_and_last(src: SourceTake, info: VideoInfo) -> tuple[np.ndarray, np.ndarray]:
    """The span's first and last frames (decodes the span once)."""
    first = last = None
    for frame in read_span(src, info):
        if first is None:
            first = frame
        last = frame
    if first is None or last is None:
        raise InputError("source take has no frames", Location(file=src.path, field="sources"))
    return first, last


def mix(a: np.ndarray, b: np.ndarray, t: float) -> np.ndarray:
    """(1 - t)·a + t·b for uint8 frames, in 8-bit fixed point (fast, exact at 0 and 1)."""
    if t <= 0.0:
        return a.copy()
    if t >= 1.0:
        return b.copy()
    wb = np.uint16(round(t * 256))
    out = a.astype(np.uint16) * (np.uint16(256) - wb)
    out += b.astype(np.uint16) * wb
    out += 128
    out >>= 8
    return out.astype(np.uint8)
