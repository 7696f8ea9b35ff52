"""Draft pictures: a shot's frames at a fraction of the size, for a quick review export.

Everything per frame in an animatic costs per pixel: sampling the cached layers at the camera
pose (Pillow's resize and affine transform, 20–55 ms for a 1080×1920 frame), the look's
texture (10–35 ms), the conversion to YUV. A draft export that nobody keeps (a script rendered
without --project) does not need the full-size picture: `draft_shot` takes a shot's layers,
painted once at full size exactly as for the final export, reduces them 2× (box filter),
grades them, and renders the frames at half the size: the same composition, camera move,
subject, weather, caption and look, at a quarter of the per-frame cost. The export's libswscale pass
scales them up to the output size in YUV, the watermark and burnt-in captions are drawn at
full size on top.

The static texture masks (paper, vignette, scanlines) are the full-size ones reduced, so the
paper stays the paper of the final export; grain is per-pixel noise, drawn at the draft's size.
"""

from __future__ import annotations

import copy
import dataclasses

from PIL import Image

from studio.engine.animatic.keyframes import KeyframeBlend
from studio.engine.animatic.layers import LayerShot
from studio.engine.animatic.overlay import build_overlay
from studio.engine.animatic.paint import Layers
from studio.engine.animatic.render import MIN_SIDE, ShotRenderer, _caption, _graded

DRAFT_REDUCTION = 2  # draft pictures are rendered at 1/2 the width and height


def draft_size(size: tuple[int, int], k: int = DRAFT_REDUCTION) -> tuple[int, int]:
    """The size a draft renders a frame of `size` at (the size itself when it cannot be
    reduced to an even yuv420p size of at least MIN_SIDE, the size below which shots are
    drawn larger and scaled down)."""
    w, h = size
    if k <= 1 or w % (2 * k) or h % (2 * k) or min(w, h) // k < MIN_SIDE:
        return (w, h)
    return (w // k, h // k)


def draft_shot(renderer: ShotRenderer, k: int = DRAFT_REDUCTION) -> LayerShot:
    """A LayerShot at `draft_size(spec.size, k)` from the renderer's full-size layers.

    A renderer made with graded=False has its layers graded here, after the reduction (a
    quarter of the pixels; the grade is a smooth per-pixel curve, so grading the reduced
    layers looks the same as reducing the graded ones)."""
    graded = renderer.graded
    size = draft_size(tuple(renderer.spec.size), k)
    if size == tuple(renderer.spec.size) or renderer.work_size != tuple(renderer.spec.size):
        if not graded:
            renderer = copy.copy(renderer)
            renderer.layers = _graded(renderer.layers, renderer.spec.look)
        return LayerShot(renderer)
    return LayerShot(_reduced(renderer, k, size, graded), detail=k)


def _reduced(r: ShotRenderer, k: int, size: tuple[int, int], graded: bool) -> ShotRenderer:
    """A copy of `r` whose cached layers, overlay and keyframes are at 1/k of the size."""
    out = copy.copy(r)
    spec = dataclasses.replace(r.spec, size=size)
    layers = r.layers

    def small(img: Image.Image | None) -> Image.Image | None:
        return None if img is None else img.reduce(k)

    (x0, y0), (x1, y1) = layers.subject_path
    out.layers = Layers(
        small(layers.far),
        small(layers.near),
        small(layers.atmosphere),
        [small(s) for s in layers.sprites],  # type: ignore[misc]
        ((x0 / k, y0 / k), (x1 / k, y1 / k)),
        layers.horizon / k,
    )
    if not graded:
        out.layers = _graded(out.layers, spec.look)
    out.spec, out.work_size, out.canvas = spec, size, out.layers.far.size
    overlay = None
    if spec.overlay:
        caption = spec.caption if spec.caption is not None else _caption(spec)
        overlay = build_overlay(
            size, caption, spec.camera, r.scene.accent, spec.cameo_images, spec.cameo_handles
        )
    out._work_overlay = out.overlay = overlay
    out._sprite_cache = {}
    out.keys = KeyframeBlend(spec.keyframes, size, spec.fps, spec.frames)
    out._air_limits = tuple(
        max(0.0, (c / f - 1) / 2 - 2 / f) for c, f in zip(out.canvas, size, strict=True)
    )
    return out
