"""One pipeline run: the step-end hook (progress, previews, cancel, pinned frames) and decoding.

Imported lazily by the backend (imports torch). The pipeline is always asked for latents
(`output_type="latent"`) so the sampled result is kept before the VAE runs: an out-of-memory in
the decode retries with tiling/slicing instead of throwing the sampling away.
"""

from __future__ import annotations

import time

import numpy as np
import torch

from studio.engine.backend import JobContext
from studio.engine.diffusion import latents as L
from studio.engine.diffusion.loader import enable_vae_tiling, free_memory, is_out_of_memory
from studio.engine.diffusion.previews import PreviewGate, project
from studio.errors import EngineFailure
from studio.models.families import Family


class StepHook:
    """callback_on_step_end: cancel check, pinned frames, a budgeted preview, step progress.

    Raising Cancelled from here leaves the pipeline at once, so the VAE decode is skipped.
    """

    def __init__(
        self,
        ctx: JobContext,
        family: Family,
        geom: L.Geometry,
        factors,
        pins=None,
        previews: bool = True,
        lead: int = 0,
    ):
        self.ctx, self.family, self.geom = ctx, family, geom
        self.lead = lead  # latent frames in front that are not the shot's (VACE references)
        self.factors = factors
        self.pins = pins
        self.previews = previews and factors is not None
        self.gate = PreviewGate()
        self.steps_done = 0

    def __call__(self, pipe, i: int, t, kwargs: dict) -> dict:
        self.ctx.check_cancelled()
        latents = kwargs["latents"]
        out = {}
        want_preview = self.previews and self.gate.allow()
        if self.pins is not None or want_preview:
            video = L.to_video(pipe, self.family, latents, self.geom)
            head, video = video[:, :, : self.lead], video[:, :, self.lead :]
            if self.pins is not None:
                keep, sigma = L.noise_level(pipe.scheduler, self.family, i)
                video = self.pins.apply(video, sigma, keep)
                whole = torch.cat([head, video], dim=2) if self.lead else video
                out["latents"] = L.from_video(pipe, self.family, whole, self.geom)
            if want_preview:
                began = time.perf_counter()
                self.ctx.preview(i + 1, project(video, self.factors))
                self.gate.record(time.perf_counter() - began)
        self.steps_done = i + 1
        self.ctx.step(i + 1, pipe.num_timesteps)
        return out


# --- prompts -----------------------------------------------------------------------------------
def prompt_kwargs(pipe, family: Family, plan, guidance: float, device) -> dict:
    """Prompt arguments; a prompt-blend (plan.prompt_b) mixes the two prompts' embeddings."""
    if not plan.prompt_b:
        return {"prompt": plan.prompt, "negative_prompt": plan.negative_prompt or None}
    a = encode_prompt(pipe, family, plan.prompt, plan.negative_prompt, guidance, device)
    b = encode_prompt(pipe, family, plan.prompt_b, plan.negative_prompt, guidance, device)
    return mix_embeddings(a, b, plan.prompt_weight)


def encode_prompt(
    pipe, family: Family, prompt: str, negative: str, guidance: float, device
) -> dict:
    out = pipe.encode_prompt(
        prompt=prompt,
        negative_prompt=negative or "",
        do_classifier_free_guidance=guidance > 1.0,
        max_sequence_length=family.max_sequence_length,
        device=device,
    )
    if len(out) == 4:  # LTX: embeddings and attention masks
        keys = (
            "prompt_embeds",
            "prompt_attention_mask",
            "negative_prompt_embeds",
            "negative_prompt_attention_mask",
        )
    else:
        keys = ("prompt_embeds", "negative_prompt_embeds")
    return dict(zip(keys, out, strict=True))


def mix_embeddings(a: dict, b: dict, weight: float) -> dict:
    out = {}
    for key, value in a.items():
        other = b.get(key)
        if value is None or other is None:
            out[key] = value
        elif "mask" in key:
            out[key] = torch.maximum(value, other)
        else:
            out[key] = torch.lerp(value, other.to(value), weight)
    return out


# --- decoding ----------------------------------------------------------------------------------
@torch.no_grad()
def decode(pipe, family: Family, latents: torch.Tensor, geom: L.Geometry, seed: int) -> np.ndarray:
    """Pipeline-layout latents → F×H×W×3 uint8, as the pipeline's own decode would do it."""
    vae = pipe.vae
    video = L.denormalize(vae, family, L.to_video(pipe, family, latents, geom).float())
    device = pipe._execution_device
    timestep = None
    if getattr(vae.config, "timestep_conditioning", False):
        gen = torch.Generator("cpu").manual_seed(seed)
        noise = torch.randn(video.shape, generator=gen).to(video)
        scale = family.decode_noise_scale
        video = (1 - scale) * video + scale * noise
        timestep = torch.tensor([family.decode_timestep], device=device, dtype=vae.dtype)
    z = video.to(device=device, dtype=vae.dtype)
    if timestep is None:
        pixels = vae.decode(z, return_dict=False)[0]
    else:
        pixels = vae.decode(z, timestep, return_dict=False)[0]
    frames = pipe.video_processor.postprocess_video(pixels, output_type="np")[0]
    return (np.clip(frames, 0, 1) * 255 + 0.5).astype(np.uint8)


def decode_with_retry(pipe, family, latents, geom, seed, plan_info: dict) -> np.ndarray:
    """Decode; on out-of-memory free the cache, turn on VAE tiling/slicing, try once more."""
    try:
        return decode(pipe, family, latents, geom, seed)
    except Exception as exc:
        if not is_out_of_memory(exc) or plan_info.get("vae_tiling_retry"):
            raise
    free_memory()
    enable_vae_tiling(pipe)
    plan_info["vae_tiling"] = True
    plan_info["vae_tiling_retry"] = True
    return decode(pipe, family, latents, geom, seed)


def out_of_memory(stage: str, info: dict) -> EngineFailure:
    """An EngineFailure that says what to lower."""
    w, h = info.get("size", (0, 0))
    failure = EngineFailure(
        f"out of memory while {stage} {info.get('frames')} frames at {w}×{h} "
        f"({info.get('steps')} steps, offload: {info.get('offload', 'none')})" + _kept_note(info)
    )
    failure.hint = (
        "lower the frame count (shorter shot), the size (--size), or the steps, "
        "or set a smaller VRAM budget (STUDIO_VRAM_GB) so the model is offloaded to the CPU"
    )
    if info.get("latents_file"):
        failure.hint = (
            "close other programs using the GPU or set a smaller VRAM budget (STUDIO_VRAM_GB), "
            "then Retry: only the decode runs again. Changing the shot samples it anew."
        )
    return failure


def decode_failure(exc: BaseException, info: dict) -> EngineFailure:
    """A failed decode (after the tiling retry) as an EngineFailure that says the sampling is kept."""
    if is_out_of_memory(exc):
        free_memory()
        return out_of_memory("decoding", info)
    if isinstance(exc, EngineFailure):
        failure = EngineFailure(f"{exc}{_kept_note(info)}")
        failure.hint = getattr(exc, "hint", "")
        return failure
    failure = EngineFailure(f"decoding failed ({exc.__class__.__name__}: {exc}){_kept_note(info)}")
    failure.hint = "Retry decodes the kept sampling again without re-sampling"
    return failure


def _kept_note(info: dict) -> str:
    if not info.get("latents_file"):
        return ""
    return (
        f"; the sampling was kept ({info['latents_file']}) — Retry will only decode it, "
        "not sample again"
    )
