"""Keyframes in the animatic: the panel moves toward each keyframe's picture around its time.

A keyframe at `at` seconds with strength s cross-dissolves the panel toward its picture: the
picture's weight rises smoothly from 0 a little before `at` to s at `at` and falls back after
it. The last frame is a keyframe at the shot's end held fully (the panel arrives on it). Weights
of neighbouring keyframes that overlap are shared so they never add up past 1.

How strictly the first frame (`image`) is held is `image_strength`: the first frame is the
panel's background (studio.engine.animatic.paint.paint_layers); below 1 the painted sky shows
through it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps

MIN_REACH_S, MAX_REACH_S = 0.25, 1.5  # how long before and after `at` a keyframe shows


@dataclass(frozen=True)
class KeyPicture:
    """A picture the shot passes through `at` seconds in, with its strength (0..1)."""

    at: float
    picture: Image.Image
    strength: float = 1.0


class KeyframeBlend:
    """Blends keyframe pictures into a shot's frames at one frame size."""

    def __init__(
        self, keys: list[KeyPicture], size: tuple[int, int], fps: float, frames: int
    ) -> None:
        self.size, self.fps, self.frames = tuple(size), float(fps), frames
        duration = frames / self.fps
        self.reach = max(MIN_REACH_S, min(MAX_REACH_S, duration / 3))
        self.keys = [k for k in sorted(keys, key=lambda k: k.at) if k.strength > 0]
        self._pictures: dict[int, np.ndarray] = {}

    def __bool__(self) -> bool:
        return bool(self.keys)

    def weights(self, i: int) -> list[float]:
        """Each keyframe's weight at frame i (0..strength; their sum never exceeds 1)."""
        t = i / self.fps
        last = (self.frames - 1) / self.fps if self.frames > 1 else 0.0
        out = []
        for key in self.keys:
            at = min(key.at, last)  # a keyframe at the very end is reached on the last frame
            x = max(0.0, 1.0 - abs(t - at) / self.reach)
            out.append(key.strength * x * x * (3 - 2 * x))  # smoothstep
        total = sum(out)
        return [w / total for w in out] if total > 1 else out

    def apply(self, frame: np.ndarray, i: int) -> np.ndarray:
        """The frame (H, W, 3 uint8, at this blend's size) moved toward the keyframes."""
        weights = self.weights(i)
        if not any(w > 1 / 512 for w in weights):
            return frame
        acc = frame.astype(np.float32) * (1.0 - sum(weights))
        for k, w in enumerate(weights):
            if w > 0:
                acc += self._picture(k) * w
        return np.clip(acc + 0.5, 0, 255).astype(np.uint8)

    def _picture(self, k: int) -> np.ndarray:
        if k not in self._pictures:
            fitted = ImageOps.fit(
                self.keys[k].picture.convert("RGB"), self.size, Image.Resampling.LANCZOS
            )
            self._pictures[k] = np.asarray(fitted, dtype=np.float32)
        return self._pictures[k]
