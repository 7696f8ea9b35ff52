"""Render one shot as a moving storyboard panel, frame by frame.

The expensive parts (painting the layers, grading them, drawing the caption) happen once in
the constructor; `frame(i)` only samples the layers at the camera pose, pastes the subject and
adds the screen-space texture and the overlay.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from studio.engine.animatic.camera import Pose, camera_pose, canvas_size, sample, to_frame
from studio.engine.animatic.characters import Actor, CastLook
from studio.engine.animatic.keyframes import KeyframeBlend, KeyPicture
from studio.engine.animatic.overlay import Overlay, build_overlay
from studio.engine.animatic.paint import Layers, paint_layers
from studio.engine.animatic.scene import parse_scene
from studio.model import Camera
from studio.presets.look import apply_grade, apply_texture
from studio.presets.preset import Look

FAR, NEAR, AIR = 0.55, 1.0, 1.12  # parallax of each layer
MIN_SIDE = 64  # smaller frames are drawn at a multiple of their size, then scaled down
PARALLAX_MOVES = (Camera.PAN_LEFT, Camera.PAN_RIGHT, Camera.TILT_UP, Camera.TILT_DOWN)


@dataclass
class ShotSpec:
    """Everything that decides a shot's pixels (and nothing else, so it stays deterministic)."""

    prompt: str
    seed: int
    size: tuple[int, int]  # (W, H)
    fps: float
    frames: int
    camera: Camera = Camera.STATIC
    look: Look = field(default_factory=Look)
    palette: list[str] = field(default_factory=list)
    caption: str | None = None  # defaults to the prompt
    reference: Image.Image | None = None
    cameo_images: list[Image.Image] = field(default_factory=list)
    cameo_handles: list[str] = field(default_factory=list)
    prompt_b: str | None = None  # prompt-blend: a second scene mixed in
    prompt_weight: float = 0.5
    overlay: bool = True
    reference_strength: float = 1.0  # how strictly `reference` (the first frame) is held
    keyframes: list[KeyPicture] = field(default_factory=list)  # incl. the last frame
    cast: list[CastLook] = field(default_factory=list)  # members the prompt names


class ShotRenderer:
    def __init__(self, spec: ShotSpec, graded: bool = True):
        """graded=False leaves the layers ungraded (a draft grades them once reduced)."""
        self.spec = spec
        # tiny outputs (thumbnails, fuzzing) are drawn at a workable size and scaled down
        k = min(math.ceil(MIN_SIDE / max(1, min(spec.size))), max(1, 4096 // max(spec.size)))
        self.work_size = (spec.size[0] * k, spec.size[1] * k) if k > 1 else tuple(spec.size)
        self.canvas = canvas_size(self.work_size, spec.camera)
        scene = parse_scene(spec.prompt, spec.seed, spec.palette)
        self.scene = scene
        layers = paint_layers(
            scene, self.canvas, self.work_size, spec.reference, spec.reference_strength, spec.cast
        )
        if spec.prompt_b:
            other = paint_layers(
                parse_scene(spec.prompt_b, spec.seed, spec.palette),
                self.canvas,
                self.work_size,
                spec.reference,
                cast=spec.cast,
            )
            layers = _mix_layers(layers, other, spec.prompt_weight)
        if Camera(spec.camera) not in PARALLAX_MOVES:
            layers = _flattened(layers)  # zooms and rolls resample once per frame, not twice
        self.layers = _graded(layers, spec.look) if graded else layers
        self.graded = graded
        caption = spec.caption if spec.caption is not None else _caption(spec)
        overlay = None
        if spec.overlay:
            overlay = build_overlay(
                self.work_size,
                caption,
                spec.camera,
                scene.accent,
                spec.cameo_images,
                spec.cameo_handles,
            )
        self._work_overlay = overlay
        self.overlay: Overlay | None = overlay if self.work_size == tuple(spec.size) else None
        self._sprite_cache: dict[tuple[int, int, int], Image.Image] = {}
        self.keys = KeyframeBlend(spec.keyframes, self.work_size, spec.fps, spec.frames)
        self._air_limits = tuple(
            max(0.0, (c / f - 1) / 2 - 2 / f)
            for c, f in zip(self.canvas, self.work_size, strict=True)
        )

    # --- per frame ----------------------------------------------------------------------
    def pose(self, i: int) -> Pose:
        n = self.spec.frames
        return camera_pose(self.spec.camera, i / (n - 1) if n > 1 else 0.0)

    def scene_frame(self, i: int, pose: Pose | None = None) -> Image.Image:
        """The graded scene at frame i (output size), before texture and overlay."""
        img = self._compose(i, pose or self.pose(i))
        if img.size != tuple(self.spec.size):
            img = img.resize(self.spec.size, Image.Resampling.BOX)
        return img

    def _compose(self, i: int, pose: Pose) -> Image.Image:
        size, layers = self.work_size, self.layers
        img = sample(layers.far, pose.parallax(FAR), size)
        if img.mode != "RGB":
            img = img.convert("RGB")
        if layers.near is not None:
            near = sample(layers.near, pose.parallax(NEAR), size)
            img.paste(near, (0, 0), near)
        self._paste_subject(img, i, pose.parallax(NEAR))
        if layers.atmosphere is not None:
            t = i / self.spec.fps
            # translation only (a crop): weather drifts across the screen, it doesn't zoom
            moved = pose.parallax(AIR)
            lx, ly = self._air_limits  # never past the canvas edge
            dx = max(-lx, min(lx, moved.dx + 0.025 * math.sin(t * 0.6)))
            dy = max(-ly, min(ly, moved.dy + min(0.1, 0.015 * t)))
            drift = Pose(dx=dx, dy=dy)
            air = sample(layers.atmosphere, drift, size)
            img.paste(air, (0, 0), air)
        return img

    def finish(self, frame: np.ndarray, i: int) -> np.ndarray:
        """Screen-space texture, then the overlay (kept readable above the texture)."""
        out = apply_texture(frame, self.spec.look.texture, start_index=i, seed=self.spec.seed)
        if self.overlay is not None:
            out = self.overlay.apply(out)
        return out

    def keyed(self, work: np.ndarray, i: int) -> np.ndarray:
        """A composed frame (work size) moved toward the shot's keyframes around their time."""
        return self.keys.apply(work, i) if self.keys else work

    def frame(self, i: int) -> np.ndarray:
        if self.work_size == tuple(self.spec.size):
            return self.finish(self.keyed(np.asarray(self.scene_frame(i)), i), i)
        work = self.keyed(np.asarray(self._compose(i, self.pose(i))), i)
        out = apply_texture(work, self.spec.look.texture, start_index=i, seed=self.spec.seed)
        if self._work_overlay is not None:
            out = self._work_overlay.apply(out)
        return np.asarray(Image.fromarray(out).resize(self.spec.size, Image.Resampling.BOX))

    def _paste_subject(self, img: Image.Image, i: int, pose: Pose) -> None:
        """The prompt's subject, then each cast member, at their places on frame i."""
        layers = self.layers
        walkers = [Actor(layers.sprites, layers.subject_path)] if layers.sprites else []
        for k, actor in enumerate([*walkers, *layers.actors]):
            self._paste_actor(img, i, pose, k, actor)

    def _paste_actor(self, img: Image.Image, i: int, pose: Pose, k: int, actor: Actor) -> None:
        n = self.spec.frames
        u = i / (n - 1) if n > 1 else 0.0
        (x0, y0), (x1, y1) = actor.path
        moving = abs(x1 - x0) > self.canvas[0] * 0.05
        stride = max(1, round(self.spec.fps / 6))
        which = (i // stride) % 2 if moving else 0
        bob = 0.0 if moving else math.sin(i / self.spec.fps * 2.4) * self.work_size[1] * 0.004
        fx, fy = to_frame(
            (x0 + (x1 - x0) * u, y0 + (y1 - y0) * u + bob), pose, self.canvas, self.work_size
        )
        scale = round(pose.zoom, 2)
        key = (k, which, int(scale * 100))
        sprite = self._sprite_cache.get(key)
        if sprite is None:
            base = actor.sprites[which]
            sprite = (
                base
                if scale == 1.0
                else base.resize(
                    (max(1, int(base.width * scale)), max(1, int(base.height * scale))),
                    Image.Resampling.BILINEAR,
                )
            )
            self._sprite_cache[key] = sprite
        img.paste(sprite, (int(fx - sprite.width / 2), int(fy - sprite.height)), sprite)


def _caption(spec: ShotSpec) -> str:
    if spec.prompt_b:
        return f"{spec.prompt}  ⟷  {spec.prompt_b}"
    return spec.prompt


def _mix_layers(a: Layers, b: Layers, weight: float) -> Layers:
    """Prompt-blend: both scenes' layers mixed by the weight of the second prompt."""
    far = Image.blend(a.far, b.far.resize(a.far.size), weight)
    near = a.near
    if a.near is not None and b.near is not None:
        near = Image.blend(a.near, b.near, weight)
    elif weight >= 0.5:
        near = b.near
    main = b if weight >= 0.5 else a
    air = a.atmosphere if weight < 0.5 else b.atmosphere
    return Layers(far, near, air, main.sprites, main.subject_path, main.horizon, main.actors)


def _flattened(layers: Layers) -> Layers:
    """Near painted onto far: one layer to resample per frame when parallax would barely show."""
    if layers.near is None:
        return layers
    far = layers.far.copy()
    far.paste(layers.near, (0, 0), layers.near)
    return Layers(
        far,
        None,
        layers.atmosphere,
        layers.sprites,
        layers.subject_path,
        layers.horizon,
        layers.actors,
    )


def _graded(layers: Layers, look: Look) -> Layers:
    """Grade each layer once: the grade is per-pixel, so doing it before the camera resamples
    the canvas gives the same picture as grading every frame, at a fraction of the cost."""
    g = look.grade

    def rgb(img: Image.Image) -> Image.Image:
        return Image.fromarray(apply_grade(np.asarray(img.convert("RGB")), g))

    def rgba(img: Image.Image | None) -> Image.Image | None:
        if img is None:
            return None
        graded = rgb(img)
        graded.putalpha(img.getchannel("A"))
        return graded

    if g == type(g)():
        return layers
    return Layers(
        rgb(layers.far),
        rgba(layers.near),
        rgba(layers.atmosphere),
        [rgba(s) for s in layers.sprites],  # type: ignore[misc]
        layers.subject_path,
        layers.horizon,
        [Actor([rgba(s) for s in a.sprites], a.path) for a in layers.actors],  # type: ignore[misc]
    )
