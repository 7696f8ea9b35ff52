"""Retake a span with tiny real LTX-Video and CogVideoX pipelines (random weights, CPU): the kept
latent frames are pinned, the span is sampled anew, and the frames outside the range are the
source's (PSNR against its decoded frames). LTX-2: test_retake_ltx2.py."""

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
from studio.models.families import COGVIDEOX, LTX2, LTX_VIDEO, STABLE_AUDIO, WAN

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


def retake_and_compare(backend, tmp_path, bundle, rng: tuple[float, float], duration: float):
    """Generate a take, retake `rng` of it; (source take, retake, latents of the retake run)."""
    engine = Engine({"diffusers": backend}, queue_path=tmp_path / "queue.json")
    try:
        first = finished(engine, bundle, seed=1, duration=duration)
        src = SourceTake(take_id=first.id, path=first.path, fps=first.fps, frames=first.frames)
        retaken = finished(
            engine,
            bundle,
            seed=2,
            duration=duration,
            operation=Operation.RETAKE,
            sources=[src],
            retake_range=rng,
        )
        sampled = backend.last_latents[1]
    finally:
        engine.shutdown()
    before, after = load_frames(Path(first.path)), load_frames(Path(retaken.path))
    assert after.shape == before.shape and retaken.fps == first.fps
    assert probe(Path(retaken.path)).frames == first.frames
    a, b = round(rng[0] * first.fps), round(rng[1] * first.fps)
    kept = [psnr(before[i], after[i]) for i in range(len(before)) if not a <= i < b]
    assert min(kept) > 40.0, min(kept)
    inside = [psnr(before[i], after[i]) for i in range(a, b)]
    assert max(inside) < 30.0, max(inside)
    assert retaken.retake_of == first.id and retaken.retake_range == rng
    head, end = retaken.params["retake_latents"]
    assert 0 < head < end < retaken.params["frames"]  # kept latents pinned on both sides
    assert retaken.params["retake_frames"] == [a, b]
    return first, retaken, sampled


def test_ltx_retake_keeps_the_outside_and_samples_the_span(ltx_backend, tmp_path, bundle):
    retake_and_compare(ltx_backend, tmp_path, bundle, (0.25, 0.625), 1.0)


def test_cogvideox_retake_pins_the_kept_latents(cogvideox_backend, tmp_path, bundle):
    """CogVideoX (DDIM, v-prediction, frames-first latents) pins as the flow families do: after
    the last step the pinned latent frames are the source's clean latents exactly."""
    import torch

    from studio.engine.diffusion import latents as L
    from studio.engine.diffusion import sources as S

    first, retaken, sampled = retake_and_compare(
        cogvideox_backend, tmp_path, bundle, (0.5, 1.25), 2.0
    )
    pipe, family = cogvideox_backend.load().pipe, COGVIDEOX  # the engine released it
    assert retaken.params["pipeline"] == "CogVideoXPipeline"
    n = retaken.params["frames"]
    source = S.fit(S.stretch(load_frames(Path(first.path)), n), SIZE)
    clean = L.encode_frames(pipe, family, source)
    video = sampled.permute(0, 2, 1, 3, 4)  # the pipeline keeps (B, F, C, H, W)
    head, end = retaken.params["retake_latents"]
    for k in [*range(head), *range(end, clean.shape[2])]:
        torch.testing.assert_close(video[:, :, k], clean[:, :, k].to(video), atol=1e-4, rtol=0)
    assert not torch.allclose(video[:, :, head:end], clean[:, :, head:end].to(video), atol=0.1)


def test_ddpm_noise_level_is_the_schedulers_own_noising():
    """The pinned frames' noise level after step i is what the scheduler's add_noise gives at
    the next timestep (and clean after the last one)."""
    import torch
    from diffusers import CogVideoXDDIMScheduler

    from studio.engine.diffusion.latents import noise_level

    scheduler = CogVideoXDDIMScheduler()
    scheduler.set_timesteps(4)
    x0, noise = torch.randn(1, 4, 2, 3, 3), torch.randn(1, 4, 2, 3, 3)
    for i in range(3):
        keep, sigma = noise_level(scheduler, COGVIDEOX, i)
        expected = scheduler.add_noise(x0, noise, scheduler.timesteps[i + 1 : i + 2])
        torch.testing.assert_close(keep * x0 + sigma * noise, expected)
    assert noise_level(scheduler, COGVIDEOX, 3) == (1.0, 0.0)


def test_latent_pins_never_pin_a_latent_that_touches_the_span():
    # 25 frames, temporal 4: latent 0 = frame 0, latent j = frames 4j-3 … 4j (7 latents)
    assert latent_pins(6, 15, 25, 7, 4) == (2, 2)  # latents 0, 1 (≤ frame 4); 5, 6 (≥ 17)
    assert latent_pins(0, 10, 25, 7, 4) == (0, 3)  # latents 4, 5, 6 (≥ frame 13)
    assert latent_pins(5, 25, 25, 7, 4) == (2, 0)
    assert latent_pins(1, 2, 25, 7, 4) == (1, 5)


def test_a_sound_only_family_refuses_a_retake_by_name():
    with pytest.raises(EngineFailure) as err:
        check_family(STABLE_AUDIO)
    assert STABLE_AUDIO.title in str(err.value)


@pytest.mark.parametrize("family", [LTX_VIDEO, WAN, COGVIDEOX, LTX2])
def test_every_video_family_can_retake(family):
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
