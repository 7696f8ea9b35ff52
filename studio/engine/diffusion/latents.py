"""Latent plumbing shared by every family: layout, normalisation, encoding, partial schedules.

Imported only from inside the backend's methods (it imports torch at module level). The family
table says how latents are laid out ("packed" LTX tokens or a plain video tensor) and how the
VAE's latents are normalised; everything here turns those into one form, (B, C, F, H, W), so
blending, pinning and previews are written once.
"""

from __future__ import annotations

import contextlib
import functools
from dataclasses import dataclass

import numpy as np
import torch

from studio.models.families import Family


@dataclass(frozen=True)
class Geometry:
    """Latent grid of one generation and the pipeline factors behind it."""

    frames: int  # latent frames
    height: int
    width: int
    spatial: int  # VAE spatial compression
    temporal: int  # VAE temporal compression
    patch: int = 1
    patch_t: int = 1


def geometry(pipe, family: Family, frames: int, height: int, width: int) -> Geometry:
    spatial, temporal = compression(pipe, family)
    patch, patch_t = 1, 1
    if family.layout == "packed":
        patch = getattr(pipe, "transformer_spatial_patch_size", 1)
        patch_t = getattr(pipe, "transformer_temporal_patch_size", 1)
    return Geometry(
        (frames - 1) // temporal + 1,
        height // spatial,
        width // spatial,
        spatial,
        temporal,
        patch,
        patch_t,
    )


def compression(pipe, family: Family) -> tuple[int, int]:
    """(spatial, temporal) VAE compression of the loaded pipeline."""
    if hasattr(pipe, "vae_spatial_compression_ratio"):
        return pipe.vae_spatial_compression_ratio, pipe.vae_temporal_compression_ratio
    return pipe.vae_scale_factor_spatial, pipe.vae_scale_factor_temporal


def size_multiple(pipe, family: Family) -> int:
    spatial, _ = compression(pipe, family)
    transformer = getattr(pipe, "transformer", None)
    patch = getattr(getattr(transformer, "config", None), "patch_size", 1) or 1
    if isinstance(patch, list | tuple):
        patch = patch[-1]
    return spatial * int(patch)


# --- layout ----------------------------------------------------------------------------------
def to_video(pipe, family: Family, latents: torch.Tensor, g: Geometry) -> torch.Tensor:
    """Pipeline-layout latents → (B, C, F, H, W)."""
    if family.layout == "packed":
        return pipe._unpack_latents(latents, g.frames, g.height, g.width, g.patch, g.patch_t)
    if family.layout == "frames_first":  # CogVideoX keeps (B, F, C, H, W)
        return latents.permute(0, 2, 1, 3, 4)
    return latents


def from_video(pipe, family: Family, video: torch.Tensor, g: Geometry) -> torch.Tensor:
    if family.layout == "packed":
        return pipe._pack_latents(video, g.patch, g.patch_t)
    if family.layout == "frames_first":
        return video.permute(0, 2, 1, 3, 4)
    return video


def _mean_std(vae, family: Family, like: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, float]:
    if family.norm == "ltx":
        mean, std, scale = vae.latents_mean, vae.latents_std, vae.config.scaling_factor
    elif family.norm == "scale":  # CogVideoX: the raw latents times the VAE's scaling factor
        mean, std, scale = torch.zeros(1), torch.ones(1), vae.config.scaling_factor
    else:
        mean = torch.tensor(vae.config.latents_mean)
        std = torch.tensor(vae.config.latents_std)
        scale = 1.0
    shape = (1, -1, 1, 1, 1)
    return mean.view(shape).to(like), std.view(shape).to(like), scale


def normalize(vae, family: Family, raw: torch.Tensor) -> torch.Tensor:
    mean, std, scale = _mean_std(vae, family, raw)
    return (raw - mean) * scale / std


def denormalize(vae, family: Family, latents: torch.Tensor) -> torch.Tensor:
    mean, std, scale = _mean_std(vae, family, latents)
    return latents * std / scale + mean


@torch.no_grad()
def encode_frames(pipe, family: Family, frames: np.ndarray) -> torch.Tensor:
    """N×H×W×3 uint8 frames → normalised (1, C, F, H, W) float32 latents (deterministic)."""
    vae = pipe.vae
    device = next(vae.parameters()).device
    x = torch.from_numpy(np.ascontiguousarray(frames)).to(device=device, dtype=torch.float32)
    x = (x / 127.5 - 1.0).permute(3, 0, 1, 2).unsqueeze(0)  # (1, 3, F, H, W)
    dist = vae.encode(x.to(vae.dtype)).latent_dist
    return normalize(vae, family, dist.mode().float())


def blend_over_time(a: torch.Tensor, b: torch.Tensor, weights: np.ndarray) -> torch.Tensor:
    """(1-w)·a + w·b with one weight per latent frame (the influence of b)."""
    w = torch.tensor(weights, dtype=a.dtype, device=a.device).view(1, 1, -1, 1, 1)
    return a * (1 - w) + b.to(a) * w


# --- partial schedules (video→video) ------------------------------------------------------------
@contextlib.contextmanager
def partial_schedule(scheduler, strength: float, start: torch.Tensor, noise: torch.Tensor):
    """Run only the last `strength` share of the schedule, starting from `start` re-noised.

    The pipeline calls scheduler.set_timesteps itself; we wrap that call once, cut the schedule
    and turn the clean `start` latents (the same tensor object the pipeline holds) into the
    noisy latents of the first remaining step, in place. Works for any pipeline whose scheduler
    is flow matching (LTX, Wan): x_σ = (1-σ)·x0 + σ·noise.
    """
    original = scheduler.set_timesteps
    state = {"steps": 0}

    @functools.wraps(original)  # keeps the signature the pipeline inspects (sigmas, mu)
    def set_timesteps(*args, **kwargs):
        original(*args, **kwargs)
        n = len(scheduler.timesteps)
        run = max(1, min(n, round(n * strength)))
        skip = n - run
        scheduler.timesteps = scheduler.timesteps[skip:]
        scheduler.sigmas = scheduler.sigmas[skip:]
        sigma = float(scheduler.sigmas[0])
        start.mul_(1.0 - sigma).add_(noise.to(start) * sigma)
        state["steps"] = run

    scheduler.set_timesteps = set_timesteps
    try:
        yield state
    finally:
        del scheduler.set_timesteps  # back to the class method


@dataclass
class Pins:
    """Known latent frames (first `count`) held in place while the rest is denoised.

    After each step the pinned frames are reset to the clean latents noised to the next step's
    noise level, so the model continues them (extend, first-frame image) without a jump.
    """

    clean: torch.Tensor | None  # (1, C, count, H, W) normalised; None: no leading frames
    noise: torch.Tensor | None
    tail: torch.Tensor | None = None  # known last latent frame(s) (a shot's last image)
    tail_noise: torch.Tensor | None = None

    @property
    def count(self) -> int:
        return 0 if self.clean is None else self.clean.shape[2]

    def apply(self, video: torch.Tensor, sigma: float, keep: float | None = None) -> torch.Tensor:
        """Pinned frames at noise level `sigma`: keep·clean + sigma·noise, where keep is 1 - sigma
        (flow matching) unless given (DDPM: keep = √ᾱ, sigma = √(1-ᾱ))."""
        keep = 1 - sigma if keep is None else keep
        video = video.clone()
        k = self.count
        if k:
            video[:, :, :k] = keep * self.clean.to(video) + sigma * self.noise.to(video)
        if self.tail is not None:
            t = self.tail.shape[2]
            video[:, :, -t:] = keep * self.tail.to(video) + sigma * self.tail_noise.to(video)
        return video


def noise_level(scheduler, family: Family, i: int) -> tuple[float, float]:
    """(keep, sigma) of the latents after step `i`: x = keep·x0 + sigma·noise.

    Flow matching reads the next sigma; a DDPM-style scheduler (CogVideoX) the cumulative alpha
    of the next timestep (clean after the last step)."""
    if family.scheduler_kind != "ddpm":
        sigmas = scheduler.sigmas
        sigma = float(sigmas[min(i + 1, len(sigmas) - 1)])
        return 1 - sigma, sigma
    timesteps = scheduler.timesteps
    if i + 1 >= len(timesteps):
        return 1.0, 0.0
    alpha = float(scheduler.alphas_cumprod[int(timesteps[i + 1])])
    return alpha**0.5, (1 - alpha) ** 0.5
