"""Retake a span with a diffusion model (LTX-Video, Wan, CogVideoX): the kept frames condition
the run.

The whole source take is encoded to latents at the generation size and rate. The latent frames
that lie wholly before the span are pinned as the run's head and those wholly after it as its
tail (studio.engine.diffusion.latents.Pins: reset after every step to the clean latents noised
to the next step's level — the flow sigma, or for CogVideoX's DDIM the next timestep's ᾱ), so
the model continues out of the kept frames and lands back on them; the latent frames that touch
the span are generated from noise with the request's seed. Only the span's frames of the decode
are used: every other frame of the retake is the source's own decoded frame
(studio.engine.retake.write_spliced), so the kept parts stay as they were.

LTX-2 makes picture and sound in one run and retakes through its condition pipeline
(studio.engine.diffusion.ltx2_retake).
"""

from __future__ import annotations

import math

import numpy as np

from studio.engine.diffusion import sources as S
from studio.engine.diffusion.plan import JobPlan
from studio.engine.request import GenerationRequest
from studio.engine.retake import retake_source, span_frames
from studio.errors import EngineFailure
from studio.media.video import probe


def check_family(family) -> None:
    """Refuse a retake with a family that cannot condition on kept frames, naming it. LTX-2
    (picture and sound from one run) retakes through its condition pipeline instead:
    studio.engine.diffusion.ltx2_retake."""
    if not family.is_video:
        raise EngineFailure(f"{family.title} makes no picture to retake a span of")


def latent_pins(a: int, b: int, frames: int, latent_frames: int, temporal: int) -> tuple[int, int]:
    """(head, tail): latent frames wholly before generated frame `a` and wholly from `b` on.

    With a causal video VAE, latent 0 holds frame 0 and latent j ≥ 1 frames (j-1)·T+1 … j·T."""
    head = 0 if a <= 0 else min(latent_frames, (a - 1) // temporal + 1)
    if b >= frames:
        return head, 0
    first_tail = math.ceil((b - 1) / temporal) + 1 if b > 0 else 0
    return head, max(0, latent_frames - first_tail)


def prepare_retake(pipe, family, plan: JobPlan, request: GenerationRequest):
    """(frames to generate, Start, assemble) for a retake, as the backend's _prepare gives."""
    from studio.engine.diffusion import latents as L
    from studio.engine.diffusion.backend import Start, _noise_like

    check_family(family)
    src, rng = retake_source(request)
    whole = src.model_copy(update={"source_in": 0, "source_frames": None})
    source = S.read_source(whole)
    fps = src.fps or probe(src.path).fps
    count = len(source)
    a, b = span_frames(rng, fps, count)
    n = plan.frames_for(count / fps)
    clean = L.encode_frames(pipe, family, S.fit(S.stretch(source, n), plan.size))
    _, temporal = L.compression(pipe, family)
    latent_frames = clean.shape[2]
    ga = math.floor(a * n / count)
    gb = min(n, math.ceil(b * n / count))
    head, tail = latent_pins(ga, gb, n, latent_frames, temporal)
    if head + tail >= latent_frames:  # cannot happen for a span of ≥ 1 frame; guard anyway
        raise EngineFailure("the span is too short for this model's latent frames")
    pins = L.Pins(None, None)
    if head:
        pins.clean = clean[:, :, :head]
        pins.noise = _noise_like(pins.clean, request.seed + 2)
    if tail:
        pins.tail = clean[:, :, -tail:]
        pins.tail_noise = _noise_like(pins.tail, request.seed + 3)
    start = Start(pins=pins)
    start.extra.update(
        retake_frames=[a, b],
        retake_range=[float(rng[0]), float(rng[1])],
        retake_latents=[head, latent_frames - tail],
        source_seed=src.seed,
    )
    height, width = source.shape[1:3]

    def assemble(px: np.ndarray):
        """The span's frames at the source's rate and size (the rest is the source's own)."""
        timed = S.stretch(px, count)[a:b]
        return S.fit(timed, (width - width % 2, height - height % 2)), fps

    return n, start, assemble
