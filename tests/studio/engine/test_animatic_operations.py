"""Remix, re-roll, blend, extend and loop with the animatic, through the real Engine."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from studio.engine.animatic.operations import blend_weights, circular_retime, loop_overlap
from studio.engine.events import JobFailed, JobFinished
from studio.engine.request import GenerationRequest, SourceTake
from studio.engine.worker import Engine
from studio.media.video import load_frames
from studio.model import Operation

SIZE = (96, 160)


def submit(engine: Engine, bundle: Path, **kw):
    kw.setdefault("size", SIZE)
    kw.setdefault("duration", 0.5)
    kw.setdefault("fps", 24)
    kw.setdefault("prompt", "a runner crosses a bridge at dawn")
    job = engine.submit(GenerationRequest(bundle=str(bundle), **kw), backend="animatic")
    return engine.wait(job, timeout=120)


def run(engine: Engine, bundle: Path, **kw):
    event = submit(engine, bundle, **kw)
    assert isinstance(event, JobFinished), getattr(event, "reason", event)
    return event.take


def source(bundle: Path, take, **kw) -> SourceTake:
    return SourceTake(
        take_id=take.id,
        path=str(bundle / take.path),
        fps=take.fps,
        frames=take.frames,
        prompt=take.prompt,
        seed=take.seed,
        **kw,
    )


def frames(bundle: Path, take) -> np.ndarray:
    return load_frames(bundle / take.path).astype(np.int16)


def mad(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())


@pytest.fixture
def panning(engine, bundle):
    """A take with steady motion and no grain, so frame-to-frame changes are the motion."""
    return run(
        engine,
        bundle,
        prompt="a runner crosses a bridge over the sea at dawn",
        camera="pan-right",
        preset="pastel",
        duration=1.0,
        seed=4,
    )


def typical_step(f: np.ndarray) -> float:
    return float(np.mean([mad(f[i], f[i + 1]) for i in range(len(f) - 1)]))


# --- remix / re-roll ----------------------------------------------------------------------
def test_remix_keeps_structure_and_records_lineage(engine, bundle, panning):
    src = frames(bundle, panning)
    remix = run(
        engine,
        bundle,
        operation=Operation.REMIX,
        prompt="a runner crosses a bridge over the sea at night",
        preset="neon",
        camera="pan-right",
        duration=1.0,
        seed=4,
        sources=[source(bundle, panning)],
        strength=0.3,
    )
    assert remix.remix_of == panning.id and remix.operation == Operation.REMIX
    assert remix.frames == panning.frames and (remix.width, remix.height) == SIZE
    assert remix.params["strength"] == 0.3 and remix.preset == "neon"
    fresh = frames(
        bundle,
        run(
            engine,
            bundle,
            prompt="a runner crosses a bridge over the sea at night",
            preset="neon",
            camera="pan-right",
            duration=1.0,
            seed=4,
        ),
    )
    out = frames(bundle, remix)
    # subtle strength: much nearer the source than a fresh render is
    assert mad(out, src) < 0.6 * mad(fresh, src)
    strong = frames(
        bundle,
        run(
            engine,
            bundle,
            operation=Operation.REMIX,
            prompt="a runner at night",
            preset="neon",
            duration=1.0,
            seed=4,
            sources=[source(bundle, panning)],
            strength=0.9,
        ),
    )
    assert mad(strong, src) > mad(out, src)


def test_remix_fits_a_source_of_another_size_and_length(engine, bundle):
    wide = run(engine, bundle, prompt="a city at night", size=(160, 96), duration=0.25)
    remix = run(
        engine,
        bundle,
        operation=Operation.REMIX,
        prompt="a city at dawn",
        duration=0.5,
        sources=[source(bundle, wide)],
        strength=0.5,
    )
    assert (remix.width, remix.height, remix.frames) == (96, 160, 12)


def test_reroll_is_a_new_variation_with_lineage(engine, bundle, panning):
    reroll = run(
        engine,
        bundle,
        operation=Operation.REROLL,
        prompt="a runner crosses a bridge over the sea at dawn",
        camera="pan-right",
        preset="pastel",
        duration=1.0,
        seed=99,
        sources=[source(bundle, panning)],
    )
    assert reroll.remix_of == panning.id and reroll.seed == 99 and reroll.frames == panning.frames
    assert mad(frames(bundle, reroll), frames(bundle, panning)) > 3


# --- blend --------------------------------------------------------------------------------
def test_blend_dissolves_from_a_to_b_following_the_curve(engine, bundle):
    a = run(engine, bundle, prompt="a snowy field at noon", duration=0.5)
    b = run(engine, bundle, prompt="a neon city street at night", duration=0.75, camera="dolly-in")
    fa, fb = frames(bundle, a), frames(bundle, b)
    take = run(
        engine,
        bundle,
        operation=Operation.BLEND,
        prompt="snow to city",
        duration=1.0,
        sources=[source(bundle, a), source(bundle, b)],
        blend_curve=[0.0, 0.0, 1.0, 1.0],
    )
    assert take.blend_of == [a.id, b.id] and take.operation == Operation.BLEND
    assert take.frames == 24 and (take.width, take.height) == SIZE
    out = frames(bundle, take)
    assert mad(out[0], fa[0]) < 3 and mad(out[-1], fb[-1]) < 3
    mid = out[12]
    d_a, d_b = mad(mid, fa[6]), mad(mid, fb[9])
    assert d_a > 5 and d_b > 5  # a real mix in the middle, not a cut
    toward_b = [mad(out[i], fa[min(i // 2, len(fa) - 1)]) for i in range(0, 24, 4)]
    assert toward_b[-1] > toward_b[0]


def test_blend_weights_follow_the_curve():
    w = blend_weights([0.0, 1.0, 0.0], 5)
    assert np.allclose(w, [0.0, 0.5, 1.0, 0.5, 0.0])
    assert np.allclose(blend_weights([2.0, -1.0], 3), [1.0, 0.5, 0.0])  # clipped to 0–1


def test_blend_needs_two_sources(engine, bundle):
    a = run(engine, bundle, prompt="a lake")
    event = submit(engine, bundle, operation=Operation.BLEND, sources=[source(bundle, a)])
    assert isinstance(event, JobFailed) and "two source takes" in event.reason


# --- extend -------------------------------------------------------------------------------
def test_extend_continues_without_a_visible_jump(engine, bundle, panning):
    take = run(
        engine,
        bundle,
        operation=Operation.EXTEND,
        prompt="a runner crosses a bridge over the sea at dawn",
        camera="pan-right",
        preset="pastel",
        duration=1.0,
        seed=4,
        sources=[source(bundle, panning)],
        extend_seconds=0.5,
    )
    assert take.extend_of == panning.id and take.operation == Operation.EXTEND
    assert take.frames == panning.frames + 12 and take.params["extend_frames"] == 12
    src, out = frames(bundle, panning), frames(bundle, take)
    assert mad(out[: len(src)], src) < 2.5  # the source comes first, unchanged (up to re-encoding)
    n = len(src)
    join = mad(out[n - 1], out[n])
    assert join < 1.5 * typical_step(src) + 1.0
    assert mad(out[n], out[-1]) > 1.0  # and it keeps moving


def test_extend_backwards_leads_into_the_first_frame(engine, bundle, panning):
    take = run(
        engine,
        bundle,
        operation=Operation.EXTEND,
        prompt="a runner crosses a bridge over the sea at dawn",
        camera="pan-right",
        preset="pastel",
        duration=1.0,
        seed=4,
        sources=[source(bundle, panning)],
        extend_seconds=0.25,
        extend_backwards=True,
    )
    src, out = frames(bundle, panning), frames(bundle, take)
    assert take.frames == len(src) + 6 and take.extend_of == panning.id
    assert mad(out[6:], src) < 2.5
    assert mad(out[5], out[6]) < 1.5 * typical_step(src) + 1.0


def test_extend_uses_the_clip_span(engine, bundle, panning):
    span = source(bundle, panning, source_in=4, source_frames=10)
    take = run(
        engine,
        bundle,
        operation=Operation.EXTEND,
        duration=1.0,
        sources=[span],
        extend_seconds=0.25,
        camera="pan-right",
    )
    assert take.frames == 10 + 6
    assert mad(frames(bundle, take)[:10], frames(bundle, panning)[4:14]) < 2.5


def test_extend_without_seconds_is_refused(engine, bundle, panning):
    event = submit(engine, bundle, operation=Operation.EXTEND, sources=[source(bundle, panning)])
    assert isinstance(event, JobFailed) and "extend_seconds" in event.reason


# --- loop ---------------------------------------------------------------------------------
def test_loop_keeps_the_length_and_wraps_seamlessly(engine, bundle, panning):
    take = run(
        engine, bundle, operation=Operation.LOOP, duration=1.0, sources=[source(bundle, panning)]
    )
    assert take.loop_of == panning.id and take.operation == Operation.LOOP
    assert take.frames == panning.frames and (take.width, take.height) == SIZE
    src, out = frames(bundle, panning), frames(bundle, take)
    step = typical_step(out)
    wrap_before, wrap_after = mad(src[-1], src[0]), mad(out[-1], out[0])
    assert wrap_before > 4 * step  # the source jumps at the wrap...
    assert wrap_after < 1.6 * step + 1.0  # ...the loop does not
    assert max(mad(out[i], out[i + 1]) for i in range(len(out) - 1)) < 3 * step + 2.0


def test_missing_source_file_is_named(engine, bundle, tmp_path):
    ghost = SourceTake(take_id="x", path=str(tmp_path / "gone.mp4"), fps=24, frames=10)
    event = submit(engine, bundle, operation=Operation.LOOP, sources=[ghost])
    assert isinstance(event, JobFailed) and "gone.mp4" in event.reason


def test_loop_overlap_and_circular_retime():
    assert loop_overlap(3, 24) == 0 and loop_overlap(24, 24) == 6 and loop_overlap(240, 24) == 24
    cycle = [np.full((2, 2, 3), v, np.uint8) for v in (0, 40, 80, 120)]
    out = [int(f[0, 0, 0]) for f in circular_retime(iter(cycle), 4, 8)]
    assert out == [0, 20, 40, 60, 80, 100, 120, 60]  # the last frame leans back towards the first
