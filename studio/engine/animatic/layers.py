"""Paint once, move per frame: the animatic's fast frame path.

`ShotRenderer` paints and grades a shot's layers once; what was left per frame was sampling
the layers at the camera pose and a screen-space texture that cost more than everything else
(its masks and grain were broadcast over the three channels, which defeats numpy's SIMD
loops). `LayerShot` keeps the cached layers and produces each frame by:

- sampling the far/near layers at the pose (a crop for pans and tilts, one resize for dollies,
  one affine transform for the orbit), pasting only the rows and columns where the near layer,
  the weather and the subject sprite actually have pixels;
- a `TextureKernel` that applies the same texture maths with masks and a grain tile laid out
  per channel once per shot, into reused buffers.

Frames match the per-frame painter (`ShotRenderer.frame`, kept as the reference path) to
within a level or two of rounding; tests hold them to that for every camera move and preset.
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image

from studio.engine.animatic.camera import Pose, sample
from studio.engine.animatic.render import AIR, FAR, NEAR, ShotRenderer
from studio.presets import look as _look
from studio.presets.preset import Texture

BAND_ROWS = 32  # rows per band: 32 × 1080 × 3 float32 ≈ 400 KB, a few bands fit in L2


class TextureKernel:
    """A preset's screen-space texture for one frame size and seed, with everything that does
    not change per frame (masks, the grain tile) laid out per channel up front."""

    def __init__(self, texture: Texture, size: tuple[int, int], seed: int, detail: int = 1):
        """detail > 1: the frames are a draft at 1/detail of the size (see draft.py); the
        static masks are the full-size ones reduced, so the paper looks the same, and the
        grain is as strong as the final's reduced."""
        w, h = size
        self.texture, self.size, self.seed = texture, (w, h), seed
        t = texture
        self.neutral = t == Texture()
        self.fallback = bool(t.pixelate)  # block-based: the reference code path is as fast
        self.simple = not (t.chroma_shift or t.ink or t.bloom or t.posterize)
        mask = _look._static_gain(
            h * detail, w * detail, round(t.paper, 3), round(t.scanlines, 3), round(t.vignette, 3)
        )
        if mask is not None and detail > 1:
            mask = mask.reshape(h, detail, w, detail, 1).mean(axis=(1, 3), dtype=np.float32)
        self._mask3 = None if mask is None else np.ascontiguousarray(np.repeat(mask, 3, axis=2))
        self._grain3 = None
        if t.grain:
            tile = _look._grain_tile(h, w, seed)
            # a draft's grain is the final's seen at 1/detail of the size: the mean of
            # detail² independent grains has 1/detail of their spread
            amp = np.float32(t.grain * 255.0 * 0.16 / detail)
            self._grain3 = np.repeat(tile[..., None], 3, axis=2) * amp
        self._factor = np.empty((h, w, 3), np.float32) if mask is not None else None
        self._work = np.empty((h, w, 3), np.float32)

    def apply(self, frame: np.ndarray, index: int) -> np.ndarray:
        """The textured frame as a new uint8 array (same maths as look.apply_texture).

        The per-pixel lighting, grain and rounding run in bands of rows that stay in the CPU
        cache (one pass over memory instead of five); the element-wise maths is unchanged, so
        the pixels are identical."""
        t = self.texture
        if self.neutral:
            return frame.copy()
        if self.fallback:
            return _look.apply_texture(frame, t, start_index=index, seed=self.seed)
        x = self._work
        src, gain, band = frame, 1.0, None
        if not self.simple and t.ink:  # ink looks at the rows above: whole-frame passes
            self._prepare(frame, x)
            src, gain = x, 255.0
        elif not self.simple:  # row-local: done band by band below
            band = self._band_steps(frame)
            src, gain = x, 255.0
        k = np.float32(
            gain * (float(_look._flicker_gain(self.seed, index, t.flicker)) if t.flicker else 1.0)
        )
        grain = None
        if self._grain3 is not None:
            w, h = self.size
            dy, dx = np.random.default_rng([self.seed, index, 0x67]).integers(
                0, _look._GRAIN_PAD, 2
            )
            grain = self._grain3[dy : dy + h, dx : dx + w]
        out = np.empty(frame.shape, np.uint8)
        for r in range(0, frame.shape[0], BAND_ROWS):
            rows = slice(r, r + BAND_ROWS)
            xb = x[rows]
            if band is not None:
                band(frame[rows], xb, rows)
            self._light(src[rows], xb, k, rows)
            if grain is not None:
                xb += grain[rows]
            xb += 0.5
            np.clip(xb, 0.0, 255.0, out=xb)
            np.copyto(out[rows], xb, casting="unsafe")  # truncates, as astype(uint8) does
        return out

    def _prepare(self, frame: np.ndarray, x: np.ndarray) -> None:
        """The texture's steps before lighting, on the whole frame, into x (0–1 scale)."""
        t = self.texture
        np.multiply(frame, np.float32(1.0 / 255.0), out=x, dtype=np.float32)
        if t.chroma_shift:
            _look._chroma_shift(x, self._shift(x))
        if t.ink:
            x *= _look._ink_mask(x, t.ink)[..., None]
        if t.bloom:
            x += _look._bloom(x, t.bloom)
        if t.posterize:
            _posterize(x, t.posterize)

    def _band_steps(self, frame: np.ndarray):
        """The same steps for a look without ink, as a function of one band of rows: the
        chroma shift and posterize are row-local, and the bloom's glow is computed up front
        from the rows it samples (shifted the same way)."""
        t = self.texture
        glow, gain = None, np.float32(t.bloom * 0.9 / 255.0)
        if t.bloom:
            h, w = frame.shape[:2]
            k = _look.bloom_step(h, w)
            rows = np.multiply(frame[k // 2 :: k], np.float32(1.0 / 255.0), dtype=np.float32)
            if t.chroma_shift:
                _look._chroma_shift(rows, self._shift(frame))
            glow = _look.bloom_glow(rows[:, k // 2 :: k], (w, h))

        def steps(part: np.ndarray, xb: np.ndarray, band: slice) -> None:
            np.multiply(part, np.float32(1.0 / 255.0), out=xb, dtype=np.float32)
            if t.chroma_shift:
                _look._chroma_shift(xb, self._shift(frame))
            if glow is not None:
                xb += np.multiply(glow[band], gain, dtype=np.float32)
            if t.posterize:
                _posterize(xb, t.posterize)

        return steps

    def _shift(self, frame: np.ndarray) -> int:
        return max(1, round(self.texture.chroma_shift * _look._scale(*frame.shape[:2])))

    def _light(self, src: np.ndarray, x: np.ndarray, k: np.float32, rows: slice) -> None:
        """x = src × (mask × k) for one band of rows (src may be x itself)."""
        if self._mask3 is not None:
            mask = self._mask3[rows]
            factor = mask if k == 1.0 else np.multiply(mask, k, out=self._factor[rows])
            np.multiply(src, factor, out=x, dtype=np.float32)
        elif src is x or np.shares_memory(src, x):
            if k != 1.0:
                x *= k
        else:
            np.multiply(src, k, out=x, dtype=np.float32)


def _posterize(x: np.ndarray, posterize: int) -> None:
    levels = max(2, posterize) - 1
    np.clip(x, 0.0, 1.0, out=x)
    x *= levels
    np.round(x, out=x)
    x *= 1.0 / levels


class LayerShot:
    """Frames of one shot from its cached layers (see the module docstring).

    Built on a ShotRenderer (which paints, grades and captions once); `frame(i)` is the fast
    equivalent of `ShotRenderer.frame(i)`."""

    def __init__(self, renderer: ShotRenderer, detail: int = 1):
        self.renderer = renderer
        spec = renderer.spec
        self.spec = spec
        self.texture = TextureKernel(spec.look.texture, renderer.work_size, spec.seed, detail)
        layers = renderer.layers
        self._near_box = _alpha_box(layers.near)
        self._air_box = _alpha_box(layers.atmosphere)

    @property
    def frames(self) -> int:
        return self.spec.frames

    def frame(self, i: int) -> np.ndarray:
        r = self.renderer
        work = r.keyed(np.asarray(self._compose(i, r.pose(i))), i)
        out = self.texture.apply(work, i)
        overlay = r._work_overlay if r.overlay is None else r.overlay
        if overlay is not None:
            out = overlay.apply(out)
        if r.work_size != tuple(self.spec.size):
            out = np.asarray(Image.fromarray(out).resize(self.spec.size, Image.Resampling.BOX))
        return out

    def _compose(self, i: int, pose: Pose) -> Image.Image:
        r = self.renderer
        size, layers = r.work_size, r.layers
        img = sample(layers.far, pose.parallax(FAR), size)
        if img.mode != "RGB":
            img = img.convert("RGB")
        if layers.near is not None:
            _paste_layer(img, layers.near, pose.parallax(NEAR), size, self._near_box)
        r._paste_subject(img, i, pose.parallax(NEAR))
        if layers.atmosphere is not None:
            t = i / self.spec.fps
            moved = pose.parallax(AIR)
            lx, ly = r._air_limits
            dx = max(-lx, min(lx, moved.dx + 0.025 * math.sin(t * 0.6)))
            dy = max(-ly, min(ly, moved.dy + min(0.1, 0.015 * t)))
            _paste_layer(img, layers.atmosphere, Pose(dx=dx, dy=dy), size, self._air_box)
        return img


def _alpha_box(layer: Image.Image | None) -> tuple[int, int, int, int] | None:
    """The canvas box where an RGBA layer has any opacity (None: nowhere or no layer)."""
    if layer is None:
        return None
    return layer.getchannel("A").getbbox()


def _paste_layer(
    img: Image.Image,
    layer: Image.Image,
    pose: Pose,
    size: tuple[int, int],
    box: tuple[int, int, int, int] | None,
) -> None:
    """Alpha-composite `layer` sampled at `pose` onto `img`. A pure translation (a crop) only
    touches the frame rows and columns the layer's opaque box covers: identical pixels, a
    fraction of the work for ground that fills the lower half or fog in a few bands."""
    if box is None:
        return
    w, h = size
    cw, ch = layer.size
    if abs(pose.angle) < 1e-6 and abs(pose.zoom - 1.0) < 1e-6:
        left = round(cw / 2 + pose.dx * w - w / 2)
        top = round(ch / 2 + pose.dy * h - h / 2)
        x0, y0 = max(box[0], left), max(box[1], top)
        x1, y1 = min(box[2], left + w), min(box[3], top + h)
        if x0 >= x1 or y0 >= y1:
            return
        part = layer.crop((x0, y0, x1, y1))
        img.paste(part, (x0 - left, y0 - top), part)
        return
    moved = sample(layer, pose, size)
    img.paste(moved, (0, 0), moved)
