"""Retake a span: which frames of a take are generated again, checked the same way by every
engine (animatic, diffusion) before any work starts.

A retake keeps the source take whole (its own size and frame rate); only the frames whose time
lies in [start, end) are made again, and every other frame is the source's own decoded frame,
so the kept parts stay as they were within encoding tolerance. The range is in seconds of the
take itself (not of a clip that trims it).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np

from studio.engine.request import GenerationRequest, SourceTake
from studio.errors import InputError, Location


def retake_source(request: GenerationRequest) -> tuple[SourceTake, tuple[float, float]]:
    """The take a retake works on and its range; an input error names what is missing."""
    if not request.sources:
        raise InputError("retake needs the take to work on", Location(field="sources"))
    if request.retake_range is None:
        raise InputError(
            "retake needs a range (start, end) in seconds", Location(field="retake_range")
        )
    return request.sources[0], request.retake_range


def span_frames(retake_range: tuple[float, float], fps: float, count: int) -> tuple[int, int]:
    """Frames [a, b) of a `count`-frame take at `fps` whose time lies in the range.

    Refused (InputError on `retake_range`) when the range is empty, reversed, outside the take,
    or would redo the whole take (that is a re-roll, not a retake)."""
    start, end = (float(v) for v in retake_range)
    where = Location(field="retake_range")
    length = count / fps if fps > 0 else 0.0
    if not (start == start and end == end) or start < 0 or end <= start:
        raise InputError(
            f"a retake range runs from a start to a later end, got {start}–{end} s", where
        )
    if start >= length:
        raise InputError(
            f"the range starts at {start} s, after the take's end ({length:.2f} s)", where
        )
    a = max(0, min(count, round(start * fps)))
    b = max(0, min(count, round(end * fps)))
    if b <= a:
        raise InputError(
            f"the range {start}–{end} s holds no frame of the take (at {fps:g} fps)", where
        )
    if a == 0 and b == count:
        raise InputError(
            "the range covers the whole take: re-roll the shot instead of retaking it", where
        )
    return a, b


def kept_frames(path: Path, size: tuple[int, int]) -> Iterator[av.VideoFrame]:
    """The source's frames as decoded yuv420p pictures, to hand to the encoder as they are:
    going through RGB and back would resample the chroma twice (about 36 dB, not over 45)."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        for frame in container.decode(stream):
            if frame.format.name != "yuv420p" or (frame.width, frame.height) != size:
                frame = frame.reformat(width=size[0], height=size[1], format="yuv420p")
            # a fresh picture of the same planes: no timestamps or time base of the source's
            yield av.VideoFrame.from_ndarray(frame.to_ndarray(), format="yuv420p")


def write_spliced(out: Path, request: GenerationRequest, span: np.ndarray):
    """Write the retake: the source's frames with frames [a, b) replaced by `span` (RGB,
    b - a frames at the source's size). Returns the VideoInfo of the file."""
    from studio.engine.animatic.takefile import TakeWriter, to_take_yuv
    from studio.media.video import probe

    src, rng = retake_source(request)
    info = probe(Path(src.path))
    fps = src.fps or info.fps
    a, b = span_frames(rng, fps, info.frames)
    size = (info.width - info.width % 2, info.height - info.height % 2)
    writer = TakeWriter(out, size, fps, RETAKE_CODEC)
    try:
        for i, frame in enumerate(kept_frames(Path(src.path), size)):
            if i >= info.frames:
                break
            new = a <= i < b and i - a < len(span)
            writer.write(to_take_yuv(span[i - a][: size[1], : size[0]]) if new else frame)
        return writer.finish()
    except BaseException:
        writer.abort()
        raise


def _codec():
    from studio.engine.animatic.takefile import TakeCodec

    # the kept frames are encoded a second time: crf 4 keeps them over 45 dB even for pure
    # noise (crf 10: 41 dB, the 16 of a take: about 36); a retake file is that much larger
    return TakeCodec(preset="veryfast", crf=4, maxrate_kbps=None)


RETAKE_CODEC = _codec()
