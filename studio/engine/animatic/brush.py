"""Shared drawing helpers for the animatic's painters."""

from __future__ import annotations

import numpy as np

from studio.engine.animatic.scene import RGB

SKIES: dict[str, tuple[RGB, RGB]] = {  # (zenith, horizon)
    "dawn": ((74, 111, 165), (255, 179, 138)),
    "day": ((58, 123, 213), (196, 228, 255)),
    "dusk": ((45, 27, 78), (255, 126, 95)),
    "night": ((5, 6, 18), (32, 40, 72)),
}


def uni(rng: np.random.Generator, low: float, high: float, size=None):
    """rng.uniform that tolerates an empty range (degenerate, e.g. 4096×4, frames)."""
    return rng.uniform(low, max(low, high), size)


def gradient(size: tuple[int, int], top: RGB, bottom: RGB, y0: float, y1: float) -> np.ndarray:
    w, h = size
    t = np.clip((np.arange(h, dtype=np.float32) - y0) / max(1.0, y1 - y0), 0, 1)[:, None, None]
    col = np.asarray(top, np.float32) * (1 - t) + np.asarray(bottom, np.float32) * t
    return np.broadcast_to(col, (h, w, 3)).astype(np.uint8)
