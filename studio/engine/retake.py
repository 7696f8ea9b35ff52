"""Retake a span: which frames of a take are generated again, checked the same way by every
engine (animatic, diffusion) before any work starts.

A retake keeps the source take whole (its own size and frame rate); only the frames whose time
lies in [start, end) are made again, and every other frame is the source's own decoded frame,
so the kept parts stay as they were within encoding tolerance. The range is in seconds of the
take itself (not of a clip that trims it).
"""

from __future__ import annotations

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
