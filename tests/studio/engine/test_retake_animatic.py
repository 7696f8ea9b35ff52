"""Retake a span with the animatic, through the real Engine: frames outside the range stay the
source's (PSNR against the source's decoded frames), frames inside change, lineage is kept."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from studio.engine.events import JobFailed, JobFinished
from studio.engine.request import GenerationRequest, SourceTake
from studio.engine.retake import span_frames
from studio.errors import InputError
from studio.media.video import load_frames
from studio.model import Operation

SIZE = (96, 160)
FPS = 24


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return 99.0 if mse == 0 else 10 * np.log10(255.0**2 / mse)


def submit(engine, bundle: Path, **kw):
    kw.setdefault("size", SIZE)
    kw.setdefault("duration", 2.0)
    kw.setdefault("fps", FPS)
    kw.setdefault("prompt", "a runner crosses a bridge at dawn")
    kw.setdefault("camera", "pan-right")
    job = engine.submit(GenerationRequest(bundle=str(bundle), **kw), backend="animatic")
    return engine.wait(job, timeout=120)


def run(engine, bundle, **kw):
    event = submit(engine, bundle, **kw)
    assert isinstance(event, JobFinished), getattr(event, "reason", event)
    return event.take


def source(take) -> SourceTake:
    return SourceTake(
        take_id=take.id, path=str(take.path), fps=take.fps, frames=take.frames, seed=take.seed
    )


def test_retake_keeps_frames_outside_the_range_and_changes_those_inside(engine, bundle):
    first = run(engine, bundle, seed=3)
    retaken = run(
        engine,
        bundle,
        seed=99,
        operation=Operation.RETAKE,
        sources=[source(first)],
        retake_range=(0.5, 1.25),
    )
    before, after = load_frames(Path(first.path)), load_frames(Path(retaken.path))
    assert after.shape == before.shape  # the whole take, same size, rate and length
    assert retaken.fps == first.fps and retaken.frames == first.frames
    a, b = round(0.5 * FPS), round(1.25 * FPS)
    outside = [i for i in range(len(before)) if not a <= i < b]
    kept = [psnr(before[i], after[i]) for i in outside]
    assert min(kept) > 40.0, min(kept)
    changed = [psnr(before[i], after[i]) for i in range(a, b)]
    assert max(changed) < 30.0, max(changed)
    # the cut is hard: the frame just before the span is the source's, the first inside is new
    assert psnr(before[a - 1], after[a - 1]) > 40.0 and psnr(before[a], after[a]) < 30.0
    assert retaken.operation == Operation.RETAKE
    assert retaken.retake_of == first.id and retaken.retake_range == (0.5, 1.25)
    assert retaken.parents == [first.id]
    assert retaken.params["retake_frames"] == [a, b]


@pytest.mark.parametrize(
    "rng, message",
    [
        ((1.0, 0.5), "later end"),
        ((3.0, 4.0), "after the take's end"),
        ((0.0, 2.0), "whole take"),
        ((0.50, 0.51), "no frame"),
    ],
)
def test_a_bad_range_is_refused_naming_the_field(rng, message):
    with pytest.raises(InputError) as err:
        span_frames(rng, FPS, 48)
    assert message in str(err.value) and "retake_range" in str(err.value)


def test_retake_without_a_source_fails_the_job(engine, bundle):
    event = submit(engine, bundle, operation=Operation.RETAKE, retake_range=(0.1, 0.5))
    assert isinstance(event, JobFailed) and "retake needs the take" in event.reason
