"""Live previews: a linear latent→RGB projection of a few frames, within a time budget.

The projection factors come from the family table when it has them; otherwise they are
calibrated once per model revision from the model's own VAE (encode a clip of random colour
blocks, least-squares fit RGB from the latent channels) and cached, so any checkpoint — even a
tiny test model — gets meaningful previews without shipping per-model constants.
"""

from __future__ import annotations

import json
import logging
import time

import numpy as np

from studio import atomic
from studio.paths import user_cache_dir

log = logging.getLogger(__name__)

BUDGET = 0.04  # previews may use at most this share of the sampling time (issue: ≤ 5%)
PREVIEW_HEIGHT = 144


def factors_for(pipe, family, revision: str) -> np.ndarray:
    """(C+1)×3 factors: family table, else the cache, else calibrate now and cache."""
    if family.preview_factors:
        return np.asarray(family.preview_factors, dtype=np.float32)
    path = user_cache_dir() / "preview-factors" / f"{revision or 'unknown'}.json"
    try:
        return np.asarray(json.loads(path.read_text()), dtype=np.float32)
    except (OSError, ValueError):
        pass
    factors = calibrate(pipe, family)
    atomic.write_text(path, json.dumps(factors.round(6).tolist()))
    return factors


def calibrate(pipe, family) -> np.ndarray:
    """Least-squares latent→RGB factors from the model's own VAE (seconds, once per model)."""
    import torch

    from studio.engine.diffusion.latents import compression, encode_frames

    spatial, temporal = compression(pipe, family)
    channels = int(getattr(pipe.vae.config, "latent_channels", 0) or pipe.vae.config.z_dim)
    grid = int(np.clip(np.ceil(np.sqrt(channels * 1.5)), 4, 14))
    rng = np.random.default_rng(0)
    colours = rng.integers(0, 256, size=(grid, grid, 3), dtype=np.uint8)
    frame = np.kron(colours, np.ones((spatial, spatial, 1), dtype=np.uint8))
    frames = np.repeat(frame[None], temporal + 1, axis=0)
    with torch.no_grad():
        lat = encode_frames(pipe, family, frames)[0].float().cpu().numpy()  # C, F, h, w
    c = lat.shape[0]
    x = lat.transpose(1, 2, 3, 0).reshape(-1, c)
    target = np.tile(colours.reshape(-1, 3).astype(np.float32) / 127.5 - 1.0, (lat.shape[1], 1))
    x1 = np.concatenate([x, np.ones((len(x), 1), np.float32)], axis=1)
    ridge = 1e-3 * np.eye(c + 1, dtype=np.float32)
    w = np.linalg.solve(x1.T @ x1 + ridge, x1.T @ target)
    return w.astype(np.float32)


def project(video_latents, factors: np.ndarray, max_frames: int = 3) -> np.ndarray:
    """(1, C, F, H, W) latents → an H'×W'×3 uint8 strip of up to `max_frames` frames."""
    frames_total = video_latents.shape[2]
    idx = sorted({0, frames_total // 2, frames_total - 1})[:max_frames]
    lat = video_latents[0, :, idx].float().cpu().numpy()  # C, k, h, w
    rgb = np.einsum("ckhw,cr->khwr", lat, factors[:-1]) + factors[-1]
    img = np.clip((rgb + 1.0) * 127.5, 0, 255).astype(np.uint8)
    scale = max(1, PREVIEW_HEIGHT // max(1, img.shape[1]))
    img = img.repeat(scale, axis=1).repeat(scale, axis=2)
    gap = np.zeros((img.shape[1], 2, 3), dtype=np.uint8)
    parts = []
    for i, frame in enumerate(img):
        parts += [gap, frame] if i else [frame]
    return np.concatenate(parts, axis=1)


class PreviewGate:
    """Decides whether a preview fits the budget; stale previews are simply never made.

    A preview is computed on the engine thread right after a step, and only when the time spent
    on previews so far stays under BUDGET of the time spent sampling — so a slow machine sees
    fewer previews rather than a slower generation.
    """

    def __init__(self, budget: float = BUDGET):
        self.budget = budget
        self.started = time.perf_counter()
        self.spent = 0.0
        self.made = 0

    def allow(self) -> bool:
        elapsed = time.perf_counter() - self.started
        return self.spent <= self.budget * max(elapsed - self.spent, 0.0)

    def record(self, seconds: float) -> None:
        self.spent += seconds
        self.made += 1
