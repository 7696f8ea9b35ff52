"""Transition pixel maths: crossfade, dip to black, fades from and to black.

A crossfade's progress runs from 0 (all outgoing) to 1 (all incoming) over the overlap of two
clips; its first and last frames are already part-way, so no frame of it looks like a plain cut.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from studio.model import TransitionKind


def progress(t: float, start: float, length: float) -> float:
    """How far frame time `t` is into a transition of `length` frames starting at `start`."""
    if length <= 0:
        return 1.0
    return min(1.0, max(0.0, (t - start + 1.0) / (length + 1.0)))


def mix(a: np.ndarray, b: np.ndarray, p: float) -> np.ndarray:
    """Crossfade: (1 - p)·a + p·b as a new uint8 frame."""
    if p <= 0.0:
        return a.copy()
    if p >= 1.0:
        return b.copy()
    out = a * np.float32(1.0 - p)
    out += b * np.float32(p)
    out += np.float32(0.5)
    return out.astype(np.uint8)


def fade(a: np.ndarray, level: float) -> np.ndarray:
    """The frame scaled towards black: level 1 is untouched, 0 is black (a new frame)."""
    if level >= 1.0:
        return a.copy()
    if level <= 0.0:
        return np.zeros_like(a)
    lut = [int(v * level + 0.5) for v in range(256)] * 3
    return np.array(Image.fromarray(a).point(lut))  # writable: callers stamp on it


def dip_level(k: float, n: float) -> tuple[bool, float]:
    """Frame k of an n-frame dip to black: (showing the incoming clip?, brightness).

    The outgoing clip darkens to a black frame at n // 2, then the incoming one brightens, so
    a dip always reaches black, whatever its length."""
    c = n // 2
    if k < c:
        return False, max(0.0, 1.0 - (k + 1.0) / (c + 1.0))
    return True, min(1.0, max(0.0, (k - c) / max(n - c, 1.0)))


def blend(kind: TransitionKind, a: np.ndarray, b: np.ndarray, k: float, n: float) -> np.ndarray:
    """Frame k (0-based, may be fractional) of an n-frame transition of `kind` from a to b."""
    if kind == TransitionKind.DIP_TO_BLACK:
        incoming, level = dip_level(k, n)
        return fade(b if incoming else a, level)
    if kind == TransitionKind.CROSSFADE:
        return mix(a, b, progress(k, 0.0, n))
    return b.copy()  # a cut: the incoming clip wins at once
