"""Source takes as frames: read a clip's range, retime it to a frame rate, fit it to a size.

Pure numpy + PIL, no torch: remix, blend, extend and loop all start by turning the takes they
build on into frame arrays at the generation size and the family's frame rate.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from studio.engine.request import SourceTake
from studio.errors import EngineFailure
from studio.media.video import load_frames


def read_source(source: SourceTake) -> np.ndarray:
    """The frames of a source take the request uses (its clip range), N×H×W×3 uint8."""
    path = Path(source.path)
    if not path.is_file():
        raise EngineFailure(f"source take '{source.take_id}' is missing its file {path}")
    frames = load_frames(path)
    start = max(0, min(source.source_in, len(frames) - 1))
    end = len(frames) if source.source_frames is None else start + source.source_frames
    out = frames[start:end]
    if len(out) == 0:
        raise EngineFailure(f"source take '{source.take_id}' has no frames in the requested range")
    return out


def retime(
    frames: np.ndarray, src_fps: float, dst_fps: float, count: int | None = None
) -> np.ndarray:
    """Nearest-frame resample from src_fps to dst_fps (optionally to exactly `count` frames)."""
    n = len(frames)
    if count is None:
        count = max(1, round(n * dst_fps / src_fps))
    times = np.arange(count) / dst_fps
    idx = np.clip(np.floor(times * src_fps + 1e-6).astype(int), 0, n - 1)
    return frames[idx]


def stretch(frames: np.ndarray, count: int) -> np.ndarray:
    """Exactly `count` frames spanning the same time as `frames` (nearest sampling)."""
    idx = np.clip(np.round(np.linspace(0, len(frames) - 1, count)).astype(int), 0, len(frames) - 1)
    return frames[idx]


def fit(frames: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Cover-fit every frame to (W, H): scale to fill, centre-crop the overflow."""
    w, h = size
    fh, fw = frames.shape[1:3]
    if (fw, fh) == (w, h):
        return frames
    k = max(w / fw, h / fh)
    sw, sh = max(w, round(fw * k)), max(h, round(fh * k))
    x0, y0 = (sw - w) // 2, (sh - h) // 2
    out = np.empty((len(frames), h, w, 3), dtype=np.uint8)
    for i, frame in enumerate(frames):
        img = Image.fromarray(frame[..., :3]).resize((sw, sh), Image.Resampling.BILINEAR)
        out[i] = np.asarray(img)[y0 : y0 + h, x0 : x0 + w]
    return out


def load_image(path: str, size: tuple[int, int]) -> np.ndarray:
    """A reference / first-frame image fitted to the generation size, 1×H×W×3 uint8."""
    try:
        with Image.open(path) as img:
            frame = np.asarray(img.convert("RGB"))
    except (OSError, ValueError) as exc:
        raise EngineFailure(f"cannot read image {path}: {exc}") from None
    return fit(frame[None], size)


def curve_at(curve: list[float], positions: np.ndarray) -> np.ndarray:
    """The blend curve (evenly spaced keys over the clip, 0–1) sampled at positions in [0, 1]."""
    keys = np.asarray(curve or [0.0, 1.0], dtype=np.float64)
    if len(keys) == 1:
        return np.full(len(positions), float(keys[0]))
    return np.clip(np.interp(positions, np.linspace(0, 1, len(keys)), keys), 0.0, 1.0)


def loop_weights(latent_frames: int, tail: int, reach: float = 0.85) -> np.ndarray:
    """How much each latent frame leans towards the clip's start: 0, then rising over the tail."""
    w = np.zeros(latent_frames)
    tail = max(1, min(tail, latent_frames - 1))
    w[-tail:] = np.linspace(reach / tail, reach, tail)
    return w


def crossfade_into_start(frames: np.ndarray, count: int) -> np.ndarray:
    """Fade the last `count` frames towards the first one so the loop point has no jump."""
    out = frames.astype(np.float32)
    count = min(count, len(frames) - 1)
    for j in range(count):
        a = (j + 1) / (count + 1)
        i = len(frames) - count + j
        out[i] = (1 - a) * out[i] + a * out[0]
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)
