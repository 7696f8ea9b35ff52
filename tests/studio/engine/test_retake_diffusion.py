"""Retake a span with a tiny real LTX-Video pipeline (random weights, CPU): the kept latent
frames are pinned, the span is sampled anew, and the frames outside the range are the source's
(PSNR against its decoded frames); families that cannot condition on frames refuse."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from studio.engine.diffusion.retake import check_family, latent_pins
from studio.engine.events import JobFailed, JobFinished
from studio.engine.request import GenerationRequest, SourceTake
from studio.engine.worker import Engine
from studio.errors import EngineFailure
from studio.media.video import load_frames, probe
from studio.model import Operation
from studio.models.families import COGVIDEOX, LTX2, LTX_VIDEO, WAN

SIZE = (96, 64)


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return 99.0 if mse == 0 else 10 * np.log10(255.0**2 / mse)


def finished(engine: Engine, bundle: Path, **kw):
    kw.setdefault("size", SIZE)
    kw.setdefault("duration", 1.0)
    kw.setdefault("prompt", "a red kite over the sea")
    job = engine.submit(GenerationRequest(bundle=str(bundle), **kw), backend="diffusers")
    event = engine.wait(job, timeout=300)
    assert isinstance(event, JobFinished), getattr(event, "reason", event)
    return event.take


def test_ltx_retake_keeps_the_outside_and_samples_the_span(ltx_backend, tmp_path, bundle):
    engine = Engine({"diffusers": ltx_backend}, queue_path=tmp_path / "queue.json")
    try:
        first = finished(engine, bundle, seed=1)
        src = SourceTake(take_id=first.id, path=first.path, fps=first.fps, frames=first.frames)
        retaken = finished(
            engine,
            bundle,
            seed=2,
            operation=Operation.RETAKE,
            sources=[src],
            retake_range=(0.25, 0.625),
        )
    finally:
        engine.shutdown()
    before, after = load_frames(Path(first.path)), load_frames(Path(retaken.path))
    assert after.shape == before.shape and retaken.fps == first.fps
    assert probe(Path(retaken.path)).frames == first.frames
    a, b = round(0.25 * first.fps), round(0.625 * first.fps)
    kept = [psnr(before[i], after[i]) for i in range(len(before)) if not a <= i < b]
    assert min(kept) > 40.0, min(kept)
    inside = [psnr(before[i], after[i]) for i in range(a, b)]
    assert max(inside) < 30.0, max(inside)
    assert retaken.retake_of == first.id and retaken.retake_range == (0.25, 0.625)
    head, end = retaken.params["retake_latents"]
    assert 0 < head < end < retaken.params["frames"]  # kept latents pinned on both sides
    assert retaken.params["retake_frames"] == [a, b]


def test_latent_pins_never_pin_a_latent_that_touches_the_span():
    # 25 frames, temporal 4: latent 0 = frame 0, latent j = frames 4j-3 … 4j (7 latents)
    assert latent_pins(6, 15, 25, 7, 4) == (2, 2)  # latents 0, 1 (≤ frame 4); 5, 6 (≥ 17)
    assert latent_pins(0, 10, 25, 7, 4) == (0, 3)  # latents 4, 5, 6 (≥ frame 13)
    assert latent_pins(5, 25, 25, 7, 4) == (2, 0)
    assert latent_pins(1, 2, 25, 7, 4) == (1, 5)


@pytest.mark.parametrize("family", [COGVIDEOX, LTX2])
def test_families_that_cannot_retake_refuse_by_name(family):
    with pytest.raises(EngineFailure) as err:
        check_family(family)
    assert family.title in str(err.value) and "retake" in str(err.value)


@pytest.mark.parametrize("family", [LTX_VIDEO, WAN])
def test_ltx_video_and_wan_can_retake(family):
    check_family(family)


def test_retake_without_a_source_fails_on_the_diffusion_engine(ltx_backend, tmp_path, bundle):
    """A retake with no source fails cleanly on the diffusion engine, naming the field."""
    engine = Engine({"diffusers": ltx_backend}, queue_path=tmp_path / "queue.json")
    try:
        job = engine.submit(
            GenerationRequest(
                bundle=str(bundle),
                prompt="x",
                duration=0.5,
                size=SIZE,
                operation=Operation.RETAKE,
                retake_range=(0.1, 0.3),
            ),
            backend="diffusers",
        )
        event = engine.wait(job, timeout=120)
    finally:
        engine.shutdown()
    assert isinstance(event, JobFailed) and "retake needs the take" in event.reason
