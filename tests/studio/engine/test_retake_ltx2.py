"""Retake a span with a tiny real LTX-2 pipeline (random weights, CPU): the kept frames are the
condition pipeline's conditions, the picture outside the span is the source's, and the new linked
sound is the source's sound with only the span's samples replaced (crossfaded at the edges)."""

from __future__ import annotations

import wave

import numpy as np
import pytest

from studio.audio.wavfile import write_wav
from studio.engine.diffusion.ltx2_retake import CROSSFADE_S, splice_sound
from studio.engine.events import JobFinished
from studio.engine.request import GenerationRequest, SourceTake
from studio.engine.worker import Engine
from studio.media.video import load_frames, probe
from studio.model import Operation, TakeKind

FAST = dict(duration=1.0, size=(96, 64), steps=2, guidance=1.0, fps=24, prompt="a bell rings")
RANGE = (0.375, 0.625)


@pytest.fixture(scope="module")
def ltx2_backend(tmp_path_factory):
    from studio.engine.diffusion import make_backend
    from studio.models import ModelRegistry
    from studio.models.testing import build_tiny_ltx2

    root = tmp_path_factory.mktemp("ltx2-retake")
    build_tiny_ltx2(root / "tiny-ltx2")
    backend = make_backend(
        "tiny-ltx2", "cpu", 2, registry=ModelRegistry([root], include_hf_cache=False)
    )
    yield backend
    backend.release()


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return 99.0 if mse == 0 else 10 * np.log10(255.0**2 / mse)


def read_wav(path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as f:
        data = np.frombuffer(f.readframes(f.getnframes()), "<i2").reshape(-1, f.getnchannels())
        return data, f.getframerate()


def test_ltx2_retake_splices_picture_and_sound(ltx2_backend, tmp_path):
    engine = Engine({"diffusers": ltx2_backend}, queue_path=tmp_path / "queue.json")
    try:
        first = engine.wait(
            engine.submit(GenerationRequest(**FAST, seed=1), backend="diffusers"), timeout=300
        )
        assert isinstance(first, JobFinished), getattr(first, "reason", first)
        take, made = first.take, first.linked
        # the take's linked sound, replaced by a tone: the tiny model's sound barely depends
        # on the seed, a tone tells its samples from the run's wherever they are
        samples, rate = read_wav(made.path)
        t = np.arange(samples.shape[0]) / rate
        tone = np.stack([0.3 * np.sin(2 * np.pi * 440 * t)] * 2, axis=1)
        sound = write_wav(tmp_path / "linked.wav", tone, rate)
        src = SourceTake(
            take_id=take.id, path=take.path, fps=take.fps, frames=take.frames, sound=str(sound)
        )
        job = engine.submit(
            GenerationRequest(
                **FAST, seed=2, operation=Operation.RETAKE, sources=[src], retake_range=RANGE
            ),
            backend="diffusers",
        )
        event = engine.wait(job, timeout=300)
    finally:
        engine.shutdown()
    assert isinstance(event, JobFinished), getattr(event, "reason", event)
    retaken, new_sound = event.take, event.linked
    assert retaken.params["pipeline"] == "LTX2ConditionPipeline"
    head, end = retaken.params["retake_latents"]
    assert 0 < head < end  # the kept frames before and after the span condition the run
    assert retaken.retake_of == take.id and retaken.retake_range == RANGE
    # the picture: the source's outside the span, new inside
    before, after = load_frames(take.path), load_frames(retaken.path)
    assert after.shape == before.shape and probe(retaken.path).frames == take.frames
    a, b = round(RANGE[0] * take.fps), round(RANGE[1] * take.fps)
    assert retaken.params["retake_frames"] == [a, b]
    kept = [psnr(before[i], after[i]) for i in range(len(before)) if not a <= i < b]
    assert min(kept) > 40.0, min(kept)
    inside = [psnr(before[i], after[i]) for i in range(a, b)]
    assert max(inside) < 30.0, max(inside)
    # the sound: a new linked take, the source's samples outside the span exactly
    assert new_sound is not None and new_sound.kind == TakeKind.AUDIO
    assert retaken.linked == new_sound.id and new_sound.linked == retaken.id
    old, rate = read_wav(sound)
    new, new_rate = read_wav(new_sound.path)
    assert new_rate == rate and new.shape == old.shape
    s0, s1 = round(RANGE[0] * rate), round(RANGE[1] * rate)
    assert np.array_equal(new[:s0], old[:s0]) and np.array_equal(new[s1:], old[s1:])
    fade = round(CROSSFADE_S * rate)
    inside = (new[s0 + fade : s1 - fade] - old[s0 + fade : s1 - fade]).astype(np.int32)
    assert np.abs(inside).mean() > 1000  # the run's sound, not the tone


def test_splice_sound_crossfades_inside_the_span_only():
    rate = 48000
    kept = np.full((rate, 2), 0.5, np.float32)
    new = np.full((rate, 2), -0.5, np.float32)
    out = splice_sound(kept, new, (0.25, 0.5), rate)
    s0, s1, fade = 12000, 24000, 480
    assert np.array_equal(out[:s0], kept[:s0]) and np.array_equal(out[s1:], kept[s1:])
    assert np.array_equal(out[s0 + fade : s1 - fade], new[s0 + fade : s1 - fade])
    ramp_in = out[s0 : s0 + fade, 0]
    assert np.all(np.diff(ramp_in) < 0) and ramp_in[0] > 0.49 and ramp_in[-1] < -0.49
    ramp_out = out[s1 - fade : s1, 0]
    assert np.all(np.diff(ramp_out) > 0)
    # no step bigger than the ramp's (1/fade from +0.5 to -0.5) at either edge: no click
    assert np.abs(np.diff(out[:, 0])).max() < 1.1 / fade


def test_splice_sound_without_a_source_sound_is_silent_outside():
    rate = 48000
    new = np.full((rate, 2), 0.25, np.float32)
    out = splice_sound(None, new, (0.5, 0.75), rate)
    assert not out[:24000].any() and not out[36000:].any()
    assert np.allclose(out[24480:35520], 0.25)
