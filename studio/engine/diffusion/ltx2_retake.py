"""Retake a span with LTX-2: the kept frames condition the run, picture and sound are spliced.

LTX-2 makes picture and sound in one run, so a retake runs its condition pipeline over the whole
take: the source's frames wholly before the span are a video condition at latent 0 (their
tokens held clean) and those wholly after it a keyframe condition at their latent index (see
LTX2ConditionPipeline), so the new span continues out of the kept picture and lands back on it.
Of that run only the span is used: the picture outside it is the source's own decoded frames
(studio.engine.retake.write_spliced), and the sound is the source take's linked sound with only
the span's samples replaced by the run's sound, with a short crossfade inside each edge of the
span so the cut does not click. A source without a linked sound gives silence outside the span.
"""

from __future__ import annotations

import wave
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from studio.engine.diffusion import sources as S
from studio.engine.diffusion.retake import latent_pins
from studio.engine.request import GenerationRequest
from studio.engine.retake import retake_source, span_frames
from studio.errors import EngineFailure
from studio.media.video import probe

CROSSFADE_S = 0.010  # at each edge of the span, inside it: no click, the kept sound untouched


@dataclass
class Ltx2Retake:
    """A retake's span and what conditions its run."""

    a: int  # frames [a, b) of the source are made again
    b: int
    count: int  # the source's frames
    fps: float
    size: tuple[int, int]  # (W, H) of the source, even
    range_s: tuple[float, float]
    conditions: list = field(default_factory=list)  # LTX2VideoCondition
    extra: dict = field(default_factory=dict)  # for the take's params

    def span(self, frames: np.ndarray) -> np.ndarray:
        """The run's frames for [a, b) at the source's rate and size."""
        return S.fit(S.stretch(frames, self.count)[self.a : self.b], self.size)


def prepare(request: GenerationRequest, frames: int, size: tuple[int, int], temporal: int):
    """The span of the source and the conditions of an LTX-2 run of `frames` frames at `size`
    (W, H) with `temporal` frames per latent frame."""
    from diffusers.pipelines.ltx2.pipeline_ltx2_condition import LTX2VideoCondition

    src, rng = retake_source(request)
    whole = src.model_copy(update={"source_in": 0, "source_frames": None})
    source = S.read_source(whole)
    fps = src.fps or probe(Path(src.path)).fps
    count = len(source)
    a, b = span_frames(rng, fps, count)
    latent_frames = (frames - 1) // temporal + 1
    ga = int(np.floor(a * frames / count))
    gb = min(frames, int(np.ceil(b * frames / count)))
    head, tail = latent_pins(ga, gb, frames, latent_frames, temporal)
    if head + tail >= latent_frames:
        raise EngineFailure("the span is too short for this model's latent frames")
    clip = S.fit(S.stretch(source, frames), size)
    conditions = []
    if head:  # latent 0 holds frame 0, latent j frames (j-1)·T+1 … j·T
        conditions.append(LTX2VideoCondition(frames=clip[: (head - 1) * temporal + 1], index=0))
    if tail:
        first = latent_frames - tail
        conditions.append(
            LTX2VideoCondition(frames=clip[(first - 1) * temporal + 1 :], index=first)
        )
    height, width = source.shape[1:3]
    extra = {
        "retake_frames": [a, b],
        "retake_range": [float(rng[0]), float(rng[1])],
        "retake_latents": [head, latent_frames - tail],
        "source_seed": src.seed,
        "retake_sound": "spliced" if src.sound else "silence outside the span",
    }
    return Ltx2Retake(
        a, b, count, fps, (width - width % 2, height - height % 2), rng, conditions, extra
    )


def read_sound(path: Path, rate: int) -> np.ndarray:
    """A linked sound as (N, 2) float32 at `rate`: our 16-bit WAVs exactly (so the kept samples
    are written back unchanged), anything else decoded."""
    try:
        with wave.open(str(path), "rb") as f:
            if f.getsampwidth() == 2 and f.getframerate() == rate:
                data = np.frombuffer(f.readframes(f.getnframes()), "<i2")
                x = data.reshape(-1, f.getnchannels()).astype(np.float32) / 32767.0
                return x if x.shape[1] == 2 else np.repeat(x[:, :1], 2, axis=1)
    except (wave.Error, EOFError):
        pass
    from studio.audio.decode import decode_file

    x = decode_file(Path(path), rate)
    if x is None:
        raise EngineFailure(f"cannot read the source take's sound ({path})")
    return np.asarray(x, np.float32)


def splice_sound(
    kept: np.ndarray | None, new: np.ndarray, range_s: tuple[float, float], rate: int
) -> np.ndarray:
    """`kept` (the source's sound, or silence) with the samples of `range_s` taken from `new`
    (the run's sound on the same timeline), fading in and out over CROSSFADE_S inside the span."""
    n = new.shape[0]
    out = np.zeros((n, 2), np.float32)
    if kept is not None:
        m = min(n, kept.shape[0])
        out[:m] = kept[:m]
    s0 = max(0, min(n, round(range_s[0] * rate)))
    s1 = max(s0, min(n, round(range_s[1] * rate)))
    w = np.ones(s1 - s0, np.float32)
    fade = min(round(CROSSFADE_S * rate), (s1 - s0) // 2)
    if fade:
        ramp = (np.arange(fade, dtype=np.float32) + 0.5) / fade
        if s0 > 0:
            w[:fade] = ramp
        if s1 < n:
            w[-fade:] = np.minimum(w[-fade:], ramp[::-1])
    w = w[:, None]
    out[s0:s1] = (1 - w) * out[s0:s1] + w * new[s0:s1]
    return out
