"""Transition pixel maths: crossfade, dip to black, fades from and to black.

Progress runs from 0 (all outgoing) to 1 (all incoming) over the overlap of two clips; the
first and last frames of a transition are already part-way, so no frame of a transition
repeats a frame of the cut it replaces.
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
    return np.asarray(Image.fromarray(a).point(lut))


def dip(a: np.ndarray, b: np.ndarray, p: float) -> np.ndarray:
    """Dip to black: a fades out over the first half, b fades in over the second."""
    if p < 0.5:
        return fade(a, 1.0 - 2.0 * p)
    return fade(b, 2.0 * p - 1.0)


def blend(kind: TransitionKind, a: np.ndarray, b: np.ndarray, p: float) -> np.ndarray:
    """The frame p of the way through a transition of `kind` from a to b."""
    if kind == TransitionKind.DIP_TO_BLACK:
        return dip(a, b, p)
    if kind == TransitionKind.CROSSFADE:
        return mix(a, b, p)
    return b.copy()  # a cut: the incoming clip wins at once
