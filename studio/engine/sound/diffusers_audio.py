"""Backend "diffusers-audio": a shot's sound from a text-to-audio diffusion model.

Stable Audio Open (stereo, 44.1 kHz, up to ~47 s) and AudioLDM / AudioLDM 2 (mono, 16 kHz)
are found by the model registry (a local diffusers folder or the Hugging Face cache) and
loaded with the diffusion engine's safe loader (safetensors only, local files only). The
result is resampled to 48 kHz stereo and fitted to the shot's length exactly: a model that
cannot make that much sound in one go is looped with an equal-power crossfade.
"""

from __future__ import annotations

import logging
from math import gcd

import numpy as np

from studio.audio.wavfile import write_wav
from studio.engine.backend import JobContext
from studio.engine.request import GenerationRequest, TakeResult
from studio.engine.sound.soundbed import description_of
from studio.errors import Cancelled, EngineFailure

SAMPLE_RATE = 48_000
NEGATIVE = "low quality, distorted, noise artifacts"
LOOP_CROSSFADE_S = 0.25

log = logging.getLogger(__name__)


class DiffusersAudioBackend:
    """Loads the model on first use and keeps it until release()."""

    name = "diffusers-audio"

    def __init__(
        self,
        model: str | None = None,
        device: str | None = None,
        steps: int | None = None,
        registry=None,
    ):
        self.model = model
        self.device = device
        self.steps = steps
        self._registry = registry
        self._pipe = None
        self._loaded: tuple[str, str] | None = None
        self._info = None

    # --- model --------------------------------------------------------------------------
    def _find_model(self, name: str | None):
        from studio.models import ModelRegistry

        registry = self._registry or ModelRegistry()
        if name:
            return registry.resolve(name, kind="audio")
        found = [m for m in registry.models("audio") if m.complete]
        if not found:
            where = ", ".join(map(str, registry.search_dirs))
            raise EngineFailure(
                f"no text-to-audio model found (searched {where} and the Hugging Face cache); "
                "the 'soundbed' engine makes a procedural draft without one"
            )
        return found[0]

    def _pipeline(self, request: GenerationRequest):
        from studio.engine.diffusion.loader import apply_memory_plan, load_pipeline, pick_device

        info = self._find_model(request.model or self.model)
        device = pick_device(request.device or self.device)
        key = (str(info.path), device)
        if self._pipe is None or self._loaded != key:
            self.release()
            pipe = load_pipeline(info, device)
            apply_memory_plan(pipe, device, None)
            self._pipe, self._loaded, self._info = pipe, key, info
        return self._pipe, self._info, device

    # --- generation ---------------------------------------------------------------------
    def generate(self, request: GenerationRequest, ctx: JobContext) -> TakeResult:
        import torch

        ctx.check_cancelled()
        pipe, info, _device = self._pipeline(request)
        family = info.family
        steps = request.steps or self.steps or family.steps
        guidance = request.guidance if request.guidance is not None else family.guidance
        text = description_of(request) or "quiet room tone"

        def on_step(i: int, _t, _latents) -> None:
            ctx.step(i + 1, steps, phase="sampling")
            if ctx.cancelled:
                raise Cancelled(ctx.job_id)

        generator = torch.Generator("cpu").manual_seed(request.seed)
        audio, model_rate = _run(pipe, text, request.duration, steps, guidance, generator, on_step)
        ctx.check_cancelled()
        samples = fit_length(
            to_stereo_48k(audio, model_rate), round(request.duration * SAMPLE_RATE)
        )
        path = write_wav(ctx.output_dir / f"sound-{ctx.job_id}.wav", samples, SAMPLE_RATE)
        return TakeResult(
            path=path,
            width=0,
            height=0,
            fps=float(request.fps),
            frames=max(1, round(request.duration * request.fps)),
            engine=self.name,
            model=info.id,
            prompt=text,
            negative_prompt=NEGATIVE,
            params={
                "steps": steps,
                "guidance": guidance,
                "revision": info.revision,
                "family": family.name,
                "pipeline": info.pipeline_class,
                "model_sample_rate": model_rate,
                "sample_rate": SAMPLE_RATE,
                "channels": 2,
                "samples": int(samples.shape[0]),
            },
        )

    def release(self) -> None:
        if self._pipe is None:
            return
        self._pipe, self._loaded, self._info = None, None, None
        from studio.engine.diffusion.loader import free_memory

        free_memory()


def _run(pipe, text: str, duration: float, steps: int, guidance: float, generator, on_step):
    """Call the pipeline the way its family wants; returns (channels × samples, rate)."""
    kind = type(pipe).__name__
    common = dict(
        negative_prompt=NEGATIVE,
        num_inference_steps=steps,
        guidance_scale=guidance,
        generator=generator,
        callback=on_step,
        callback_steps=1,
    )
    if kind == "StableAudioPipeline":
        rate = int(pipe.vae.config.sampling_rate)
        longest = pipe.transformer.config.sample_size * pipe.vae.hop_length / rate
        length = min(duration, longest)
        length = max(length, 2 * pipe.vae.hop_length / rate)
        out = pipe(text, audio_end_in_s=length, output_type="np", **common)
        return np.asarray(out.audios[0], np.float32), rate
    if kind in ("AudioLDMPipeline", "AudioLDM2Pipeline", "MusicLDMPipeline"):
        rate = int(pipe.vocoder.config.sampling_rate)
        length = min(max(duration, 1.0), 30.0)  # the models were trained on ≤ 10–30 s clips
        out = pipe(text, audio_length_in_s=length, output_type="np", **common)
        return np.asarray(out.audios[0], np.float32)[None, :], rate
    raise EngineFailure(f"'{kind}' is not a text-to-audio pipeline this engine can run")


def to_stereo_48k(audio: np.ndarray, rate: int) -> np.ndarray:
    """(channels, samples) or (samples,) at `rate` → (N, 2) float32 at 48 kHz."""
    from scipy.signal import resample_poly

    x = np.nan_to_num(np.asarray(audio, np.float32))
    if x.ndim == 1:
        x = x[None, :]
    x = x.T  # (samples, channels)
    if x.shape[1] == 1:
        x = np.repeat(x, 2, axis=1)
    x = x[:, :2]
    if rate != SAMPLE_RATE and x.shape[0] > 0:
        g = gcd(int(rate), SAMPLE_RATE)
        x = resample_poly(x, SAMPLE_RATE // g, int(rate) // g, axis=0)
    peak = float(np.abs(x).max()) if x.size else 0.0
    if peak > 0.98:  # models can overshoot; never write a clipped take
        x = x * (0.98 / peak)
    return x.astype(np.float32)


def fit_length(x: np.ndarray, n: int, crossfade_s: float = LOOP_CROSSFADE_S) -> np.ndarray:
    """Exactly n samples: cut, or loop with an equal-power crossfade at each seam."""
    if x.shape[0] >= n:
        return np.ascontiguousarray(x[:n])
    if x.shape[0] == 0:
        return np.zeros((n, 2), np.float32)
    fade = min(int(crossfade_s * SAMPLE_RATE), x.shape[0] // 3)
    out = np.zeros((n, 2), np.float32)
    step = x.shape[0] - fade
    t = np.linspace(0, np.pi / 2, fade, dtype=np.float32)[:, None] if fade else None
    pos = 0
    while pos < n:
        piece = x.copy()
        if fade and pos > 0:
            piece[:fade] *= np.sin(t)
        if fade and pos + x.shape[0] < n:
            piece[-fade:] *= np.cos(t)
        end = min(n, pos + piece.shape[0])
        out[pos:end] += piece[: end - pos]
        pos += step if fade else x.shape[0]
    return out
