"""The creative tools, the animatic way: each returns a frame stream plus what it made.

- remix: a new render blended with the source by (1 - strength), so structure survives;
- blend: an organic dissolve from take A to take B following the blend curve;
- extend: the source, then its camera move carried on from its last frame (or, backwards,
  a lead-in that lands exactly on its first frame);
- loop: the source's tail dissolved into its head, retimed to its own length, so the last
  frame flows into the first.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from PIL import Image

from studio.engine.animatic.camera import Pose, camera_velocity, sample
from studio.engine.animatic.render import ShotRenderer
from studio.engine.animatic.sources import mix, read_span, retimed, source_info, span
from studio.engine.request import SourceTake


@dataclass
class Plan:
    """A frame stream to encode, its size and rate, and notes for the take's params."""

    frames: Iterator[np.ndarray]
    count: int
    size: tuple[int, int]
    fps: float
    params: dict = field(default_factory=dict)


def generate(renderer: ShotRenderer) -> Plan:
    spec = renderer.spec
    return Plan((renderer.frame(i) for i in range(spec.frames)), spec.frames, spec.size, spec.fps)


def remix(renderer: ShotRenderer, src: SourceTake, strength: float) -> Plan:
    spec = renderer.spec
    info = source_info(src)
    _, have = span(src, info)
    old = retimed(read_span(src, info, spec.size), have, spec.frames)

    def frames() -> Iterator[np.ndarray]:
        for i, before in enumerate(old):
            new = apply_texture_only(renderer, i)
            out = mix(before, new, strength)
            yield renderer.overlay.apply(out) if renderer.overlay else out

    return Plan(frames(), spec.frames, spec.size, spec.fps, {"strength": strength})


def apply_texture_only(renderer: ShotRenderer, i: int) -> np.ndarray:
    """The new render without its caption (the caption goes on after mixing, so it reads)."""
    from studio.presets.look import apply_texture

    spec = renderer.spec
    return apply_texture(np.asarray(renderer.scene_frame(i)), spec.look.texture, i, spec.seed)


# --- blend --------------------------------------------------------------------------------
SOFTNESS = 0.35


def blend(
    a: SourceTake,
    b: SourceTake,
    curve: list[float],
    size: tuple[int, int],
    fps: float,
    count: int,
    seed: int,
) -> Plan:
    ia, ib = source_info(a), source_info(b)
    fa = retimed(read_span(a, ia, size), span(a, ia)[1], count)
    fb = retimed(read_span(b, ib, size), span(b, ib)[1], count)
    weights = blend_weights(curve, count)
    field_ = dissolve_field(size[1], size[0], seed)

    def frames() -> Iterator[np.ndarray]:
        for w, x, y in zip(weights, fa, fb, strict=False):
            yield dissolve(x, y, float(w), field_)

    return Plan(frames(), count, size, fps, {"blend_curve": list(curve)})


def blend_weights(curve: list[float], count: int) -> np.ndarray:
    """B's influence at each output frame: the curve's points spread evenly over the clip."""
    points = np.clip(np.asarray(curve or [0.0, 1.0], np.float64), 0.0, 1.0)
    if points.size == 1:
        return np.full(count, points[0])
    u = np.linspace(0.0, 1.0, count) if count > 1 else np.zeros(1)
    return np.interp(u, np.linspace(0.0, 1.0, points.size), points)


@lru_cache(maxsize=4)
def dissolve_field(h: int, w: int, seed: int) -> np.ndarray:
    """A smooth 0–1 field: where it is low, B shows through first (a morph, not a flat fade)."""
    rng = np.random.default_rng([seed, 0xB1E])
    small = (rng.random((max(2, h // 64), max(2, w // 64))) * 255).astype(np.uint8)
    img = Image.fromarray(small).resize((w, h), Image.Resampling.BICUBIC)
    out = np.asarray(img, np.float32) / 255.0
    out = (out - out.min()) / max(1e-6, float(out.max() - out.min()))
    out *= 1.0 - SOFTNESS
    out.flags.writeable = False
    return out


def dissolve(a: np.ndarray, b: np.ndarray, w: float, field_: np.ndarray) -> np.ndarray:
    if w <= 0.0:
        return a.copy()
    if w >= 1.0:
        return b.copy()
    m = np.clip((w - field_) * (1.0 / SOFTNESS), 0.0, 1.0)
    m = m * m * (3.0 - 2.0 * m)
    m = m[..., None]
    out = a.astype(np.float32)
    out += (b.astype(np.float32) - out) * m
    out += 0.5
    return out.astype(np.uint8)


# --- extend -------------------------------------------------------------------------------
FADE_S = 0.75  # the continuation's new render fades in over this long
END_SPEED = 0.5  # an eased move ends at half its mean speed: carry it on at that speed


def extend(renderer: ShotRenderer, src: SourceTake, backwards: bool, nominal_frames: int) -> Plan:
    """The source span and `renderer.spec.frames` new frames before or after it."""
    spec = renderer.spec
    info = source_info(src)
    _, have = span(src, info)
    n = spec.frames
    velocity = camera_velocity(spec.camera, nominal_frames, END_SPEED)
    fade = max(1, min(n, round(FADE_S * spec.fps)))

    def continuation(anchor: np.ndarray) -> Iterator[np.ndarray]:
        padded = _padded(anchor)
        steps = range(n, 0, -1) if backwards else range(1, n + 1)
        for k in steps:
            pose = _steps(velocity, -k if backwards else k)
            held = np.array(sample(padded, pose, spec.size))
            if renderer.overlay is not None:
                renderer.overlay.restore(held, anchor)  # the caption stays put, as in the source
            w = min(1.0, k / fade)
            w = w * w * (3 - 2 * w)
            yield mix(held, renderer.frame(n - k if backwards else k - 1), w)

    def frames() -> Iterator[np.ndarray]:
        if backwards:
            first = next(read_span(src, info, spec.size))
            yield from continuation(first)
            yield from read_span(src, info, spec.size)
        else:
            last = None
            for frame in read_span(src, info, spec.size):
                last = frame
                yield frame
            yield from continuation(last)

    params = {"extend_frames": n, "source_frames": have, "extend_backwards": backwards}
    return Plan(frames(), have + n, spec.size, spec.fps, params)


def _padded(frame: np.ndarray) -> Image.Image:
    """The anchor frame mirrored out at its edges, so carrying a move on never shows a border."""
    h, w = frame.shape[:2]
    py, px = h // 4, w // 4
    return Image.fromarray(np.pad(frame, ((py, py), (px, px), (0, 0)), mode="symmetric"))


def _steps(v: Pose, k: int) -> Pose:
    """The pose after k frames at velocity v (k < 0: going back), kept inside the padding."""
    zoom = max(0.7, min(2.5, v.zoom**k))
    lim = 0.22
    return Pose(
        max(-lim, min(lim, v.dx * k)),
        max(-lim, min(lim, v.dy * k)),
        zoom,
        max(-12, min(12, v.angle * k)),
    )


# --- loop ---------------------------------------------------------------------------------
def loop(src: SourceTake) -> Plan:
    info = source_info(src)
    _, count = span(src, info)
    size = (info.width, info.height)
    overlap = loop_overlap(count, info.fps)
    if overlap == 0:
        return Plan(read_span(src, info), count, size, info.fps, {"loop_overlap_frames": 0})

    def tail() -> list[np.ndarray]:
        keep: deque[np.ndarray] = deque(maxlen=overlap)
        for frame in read_span(src, info):
            keep.append(frame)
        return list(keep)

    def cycle() -> Iterator[np.ndarray]:
        ends = tail()
        for j, frame in enumerate(read_span(src, info)):
            if j >= count - overlap:
                return
            yield mix(ends[j], frame, j / overlap) if j < overlap else frame

    frames = circular_retime(cycle(), count - overlap, count)
    return Plan(frames, count, size, info.fps, {"loop_overlap_frames": overlap})


def loop_overlap(count: int, fps: float) -> int:
    """How many frames of the end dissolve into the start: a quarter, at most a second."""
    if count < 4:
        return 0
    return max(1, min(count // 4, round(fps)))


def circular_retime(frames: Iterator[np.ndarray], have: int, want: int) -> Iterator[np.ndarray]:
    """Stretch a seamless cycle of `have` frames to `want` frames by blending neighbours; the
    last output frame leans towards the first, so the wrap-around stays smooth."""
    first = prev = next(frames)
    index = 0
    cur = next(frames, first)
    for k in range(want):
        pos = k * have / want
        i0 = math.floor(pos)
        while index < i0:
            prev, index = cur, index + 1
            cur = next(frames, first) if index + 1 < have else first
        yield mix(prev, cur, pos - i0)
