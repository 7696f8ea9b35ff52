"""Apply a preset's Look (colour grade + surface texture) to frames with vectorised numpy.

Used by every backend after decoding, so it must keep up with 1080×1920 video: work happens in
float32, in place where possible, and everything that depends only on the frame size (vignette,
paper, scanline masks, the grain tile) is built once and cached by pure, lru-cached functions.
Grain and flicker are deterministic for (seed, frame index) so a re-render gives the same take.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from PIL import Image, ImageFilter

from studio.presets.preset import Grade, Look, Texture

_LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)
_SEPIA = np.array(
    [[0.393, 0.769, 0.189], [0.349, 0.686, 0.168], [0.272, 0.534, 0.131]], dtype=np.float32
)
_GRAIN_PAD = 64

__all__ = [
    "apply_grade",
    "apply_look",
    "apply_texture",
    "colour_matrix",
    "is_neutral",
]


# --- public API ---------------------------------------------------------------------------
def apply_look(frames: np.ndarray, look: Look, start_index: int = 0, seed: int = 0) -> np.ndarray:
    """Grade then texture (H,W,3) or (N,H,W,3) uint8 frames; returns the same shape, uint8.

    `start_index` is the index of the first frame in the take, so grain and flicker stay the
    same whether a take is rendered in one call or in chunks.
    """

    def one(frame: np.ndarray, i: int) -> np.ndarray:
        graded = _grade(_pixelate(frame, look.texture), look.grade)
        return _finish255(_texture(graded, look.texture, start_index + i, seed, pixelate=False))

    return _map_frames(frames, one)


def apply_grade(frames: np.ndarray, grade: Grade) -> np.ndarray:
    """Only the colour grade (pointwise, so it can be applied once to a canvas before a camera
    move resamples it)."""
    return _map_frames(frames, lambda f, i: _finish(_grade(f, grade)))


def apply_texture(
    frames: np.ndarray, texture: Texture, start_index: int = 0, seed: int = 0
) -> np.ndarray:
    """Only the screen-space texture (grain, vignette, scanlines …) of already graded frames."""

    def one(frame: np.ndarray, i: int) -> np.ndarray:
        if texture == Texture():
            return frame.copy()
        if not (
            texture.pixelate
            or texture.chroma_shift
            or texture.ink
            or texture.bloom
            or texture.posterize
        ):
            # only masks and grain: stay on the 0–255 scale, skipping two passes
            return _finish255(_light(frame, texture, start_index + i, seed, 1.0))
        return _finish255(_texture(_to_float(frame), texture, start_index + i, seed, pixelate=True))

    return _map_frames(frames, one)


def is_neutral(look: Look) -> bool:
    """True when the look changes nothing (so callers can skip the work)."""
    return look.grade == Grade() and look.texture == Texture()


def colour_matrix(grade: Grade) -> np.ndarray:
    """The 3×3 matrix for saturation → monochrome → sepia → tint, applied to RGB columns."""
    eye = np.eye(3, dtype=np.float32)
    luma = np.tile(_LUMA, (3, 1))
    m = grade.saturation * eye + (1.0 - grade.saturation) * luma
    if grade.monochrome:
        m = luma @ m
    if grade.sepia:
        m = ((1.0 - grade.sepia) * eye + grade.sepia * _SEPIA) @ m
    return (np.diag(np.asarray(grade.tint, dtype=np.float32)) @ m).astype(np.float32)


# --- plumbing -----------------------------------------------------------------------------
def _map_frames(frames: np.ndarray, fn) -> np.ndarray:
    arr = np.asarray(frames)
    if arr.dtype != np.uint8 or arr.ndim not in (3, 4) or arr.shape[-1] != 3:
        raise ValueError(f"expected (H,W,3) or (N,H,W,3) uint8 frames, got {arr.dtype} {arr.shape}")
    if arr.ndim == 3:
        return fn(arr, 0)
    out = np.empty_like(arr)
    for i, frame in enumerate(arr):  # one frame at a time keeps float temporaries small
        out[i] = fn(frame, i)
    return out


def _to_float(frame: np.ndarray) -> np.ndarray:
    x = frame.astype(np.float32)
    x *= 1.0 / 255.0
    return x


def _finish(x: np.ndarray) -> np.ndarray:
    x *= 255.0
    return _finish255(x)


def _finish255(x: np.ndarray) -> np.ndarray:
    x += 0.5
    np.clip(x, 0.0, 255.0, out=x)
    return x.astype(np.uint8)


def _scale(h: int, w: int) -> float:
    """Texture sizes are given for a 1080-px short side; scale them to this frame."""
    return min(h, w) / 1080.0


# --- grade --------------------------------------------------------------------------------
@lru_cache(maxsize=32)
def _curve_lut(contrast: float, brightness: float, gamma: float, lift: tuple) -> np.ndarray:
    """(3,256) float32 tone curve per channel: contrast/brightness → gamma → lift."""
    v = np.linspace(0.0, 1.0, 256, dtype=np.float32)
    v = np.clip((v - 0.5) * contrast + 0.5 + brightness, 0.0, 1.0) ** (1.0 / gamma)
    lut = np.stack([v + lift_c * (1.0 - v) for lift_c in lift]).astype(np.float32)
    lut.flags.writeable = False
    return lut


def _grade(frame: np.ndarray, g: Grade) -> np.ndarray:
    h, w, _ = frame.shape
    if g.gamma != 1.0:
        lut = _curve_lut(g.contrast, g.brightness, g.gamma, tuple(g.lift))
        x = np.empty((h, w, 3), np.float32)
        for c in range(3):
            x[..., c] = lut[c][frame[..., c]]
    else:
        x = _to_float(frame)
        if g.contrast != 1.0 or g.brightness != 0.0:
            x -= 0.5
            x *= g.contrast
            x += 0.5 + g.brightness
            np.clip(x, 0.0, 1.0, out=x)
        if any(g.lift):
            lift = np.asarray(g.lift, np.float32)
            x *= 1.0 - lift
            x += lift
    m = colour_matrix(g)
    if not np.allclose(m, np.eye(3)):
        # einsum, not `@`: BLAS threads spin badly on a busy machine for this 3×3 product
        x = np.einsum("hwc,dc->hwd", x, m)
        np.clip(x, 0.0, 1.0, out=x)  # a graded picture is a picture: textures see 0–1
    return x


# --- texture ------------------------------------------------------------------------------
def _pixelate(frame: np.ndarray, t: Texture) -> np.ndarray:
    if not t.pixelate:
        return frame
    h, w, _ = frame.shape
    block = max(2, round(t.pixelate * _scale(h, w)))
    small = Image.fromarray(frame).reduce(block)
    return np.asarray(small.resize((w, h), Image.Resampling.NEAREST))


def _texture(x: np.ndarray, t: Texture, index: int, seed: int, pixelate: bool) -> np.ndarray:
    """Texture on 0–1 floats; returns floats on a 0–255 scale, ready for `_finish255`."""
    h, w, _ = x.shape
    scale = _scale(h, w)
    if pixelate and t.pixelate:
        x = _to_float(_pixelate(_finish(x), t))
    if t.chroma_shift:
        _chroma_shift(x, max(1, round(t.chroma_shift * scale)))
    if t.ink:
        x *= _ink_mask(x, t.ink)[..., None]
    if t.bloom:
        x += _bloom(x, t.bloom)
    if t.posterize:
        levels = max(2, t.posterize) - 1
        np.clip(x, 0.0, 1.0, out=x)
        x *= levels
        np.round(x, out=x)
        x *= 1.0 / levels
    return _light(x, t, index, seed, 255.0)


def _light(x: np.ndarray, t: Texture, index: int, seed: int, gain: float) -> np.ndarray:
    """Every multiplicative mask (paper, scanlines, vignette, flicker) and the output scale in
    one pass over the frame, then the grain: the expensive part of a look is memory traffic.
    `x` may be uint8 (read once into a new float array) or float32 (changed in place)."""
    h, w, _ = x.shape
    mask = _static_gain(h, w, round(t.paper, 3), round(t.scanlines, 3), round(t.vignette, 3))
    k = np.float32(gain * (float(_flicker_gain(seed, index, t.flicker)) if t.flicker else 1.0))
    factor = mask if mask is not None and k == 1.0 else (mask * k if mask is not None else k)
    if x.dtype != np.float32:
        x = np.multiply(x, factor, dtype=np.float32)
    elif mask is not None or k != 1.0:
        x *= factor
    if t.grain:
        x += _grain(h, w, seed, index, t.grain * 255.0)[..., None]
    return x


@lru_cache(maxsize=8)
def _static_gain(
    h: int, w: int, paper: float, scanlines: float, vignette: float
) -> np.ndarray | None:
    if not (paper or scanlines or vignette):
        return None
    mask = np.ones((h, w), np.float32)
    if paper:
        mask *= _paper_mask(h, w, paper)
    if scanlines:
        mask *= _scanline_mask(h, scanlines, _scale(h, w))[:, :, 0]
    if vignette:
        mask *= _vignette_mask(h, w, vignette)
    mask = mask[..., None]
    mask.flags.writeable = False
    return mask


def _chroma_shift(x: np.ndarray, s: int) -> None:
    """Red one way, blue the other: cheap lens / VHS misregistration."""
    if s >= x.shape[1]:
        return
    x[:, s:, 0] = x[:, :-s, 0].copy()
    x[:, :-s, 2] = x[:, s:, 2].copy()


def _ink_mask(x: np.ndarray, strength: float) -> np.ndarray:
    """Darken luminance edges like an inked outline."""
    luma = np.einsum("hwc,c->hw", x, _LUMA)
    edge = np.zeros_like(luma)
    edge[:, 1:] += np.abs(np.diff(luma, axis=1))
    edge[1:, :] += np.abs(np.diff(luma, axis=0))
    edge *= 6.0
    edge -= 0.15
    np.clip(edge, 0.0, 1.0, out=edge)
    edge *= -strength
    edge += 1.0
    return edge


def _bloom(x: np.ndarray, strength: float) -> np.ndarray:
    """Glow around highlights: bright-pass on a 1/8 subsample, blur, scale back up (the glow is
    soft, so working small loses nothing and costs a sixty-fourth)."""
    h, w, _ = x.shape
    k = bloom_step(h, w)
    glow = bloom_glow(x[k // 2 :: k, k // 2 :: k], (w, h))
    return np.multiply(glow, np.float32(strength * 0.9 / 255.0), dtype=np.float32)


def bloom_step(h: int, w: int) -> int:
    """The bloom's subsampling step (it samples rows and columns k // 2, k // 2 + k, …)."""
    return 8 if min(h, w) >= 64 else 1


def bloom_glow(small: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """The glow (uint8, at `size`) of the subsampled 0–1 frame `small`; the bloom adds it
    scaled by strength × 0.9 / 255 (split out so a caller can add it a band at a time)."""
    bright = np.clip((small - 0.65) * (255.0 / 0.35), 0.0, 255.0).astype(np.uint8)
    img = Image.fromarray(bright)
    radius = max(1.0, min(img.size) / 40)
    glow = img.filter(ImageFilter.GaussianBlur(radius)).resize(size, Image.Resampling.BILINEAR)
    return np.asarray(glow)


@lru_cache(maxsize=8)
def _vignette_mask(h: int, w: int, strength: float) -> np.ndarray:
    y = np.linspace(-1.0, 1.0, h, dtype=np.float32)[:, None]
    x = np.linspace(-1.0, 1.0, w, dtype=np.float32)[None, :]
    r = np.sqrt((x * x + y * y) / 2.0)  # 0 at centre, 1 in the corners
    mask = 1.0 - strength * 0.85 * np.clip((r - 0.25) / 0.75, 0.0, 1.0) ** 1.6
    mask = mask.astype(np.float32)
    mask.flags.writeable = False
    return mask


@lru_cache(maxsize=8)
def _scanline_mask(h: int, strength: float, scale: float) -> np.ndarray:
    period = max(2.0, 4.0 * scale)
    y = np.arange(h, dtype=np.float32)
    dark = 0.5 - 0.5 * np.cos(2.0 * np.pi * y / period)
    mask = (1.0 - strength * 0.55 * dark).astype(np.float32)[:, None, None]
    mask.flags.writeable = False
    return mask


@lru_cache(maxsize=8)
def _paper_mask(h: int, w: int, strength: float) -> np.ndarray:
    """Blotches plus fine fibres, multiplied over the frame (1 = untouched)."""
    rng = np.random.default_rng(1234)
    sh, sw = max(2, h // 24), max(2, w // 24)
    blotch = Image.fromarray((rng.random((sh, sw)) * 255).astype(np.uint8))
    blotch = blotch.filter(ImageFilter.GaussianBlur(1.2)).resize((w, h), Image.Resampling.BICUBIC)
    fibre = rng.random((h, max(2, w // 3)), dtype=np.float32)
    fibre = np.asarray(
        Image.fromarray((fibre * 255).astype(np.uint8)).resize((w, h), Image.Resampling.BILINEAR),
        dtype=np.float32,
    )
    tex = np.asarray(blotch, dtype=np.float32) * (0.22 / 255.0) + fibre * (0.1 / 255.0)
    mask = (1.0 - strength * tex).astype(np.float32)
    mask.flags.writeable = False
    return mask


@lru_cache(maxsize=4)
def _grain_tile(h: int, w: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng([seed, 0x6A41])
    tile = rng.standard_normal((h + _GRAIN_PAD, w + _GRAIN_PAD), dtype=np.float32)
    tile.flags.writeable = False
    return tile


def _grain(h: int, w: int, seed: int, index: int, amplitude: float) -> np.ndarray:
    """A window of a cached noise tile at an offset fixed by (seed, index): new each frame,
    identical on every re-render."""
    dy, dx = np.random.default_rng([seed, index, 0x67]).integers(0, _GRAIN_PAD, 2)
    return _grain_tile(h, w, seed)[dy : dy + h, dx : dx + w] * np.float32(amplitude * 0.16)


def _flicker_gain(seed: int, index: int, strength: float) -> np.float32:
    u = np.random.default_rng([seed, index, 0x666C]).uniform(-1.0, 1.0)
    return np.float32(1.0 + strength * 0.14 * u)
