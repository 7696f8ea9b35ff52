"""Retake a span, the animatic way: the span is drawn again (the request's seed, prompt and
camera, at the take's own size, rate and timing, so the camera pose at each frame is the one
the shot has there) and every other frame is the source take's own decoded frame.

The cut into and out of the span is hard (no crossfade): the kept frames are exactly the
source's, within the encoder's tolerance.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import av
import numpy as np

from studio.engine.animatic.layers import LayerShot
from studio.engine.animatic.operations import Plan
from studio.engine.animatic.render import ShotRenderer
from studio.engine.animatic.sources import source_info
from studio.engine.request import GenerationRequest
from studio.engine.retake import kept_frames, retake_source, span_frames

# the span's renderer, built for the source's size, rate and frame count
RendererFor = Callable[[tuple[int, int], float, int], ShotRenderer]


def retake(request: GenerationRequest, renderer_for: RendererFor) -> Plan:
    """The retaken take's frames: the source's outside the range, a new render inside."""
    src, rng = retake_source(request)
    info = source_info(src)
    fps = src.fps or info.fps
    count = info.frames
    a, b = span_frames(rng, fps, count)
    size = (info.width - info.width % 2, info.height - info.height % 2)
    shot = LayerShot(renderer_for(size, fps, count))

    def frames() -> Iterator[np.ndarray | av.VideoFrame]:
        for i, frame in enumerate(kept_frames(Path(src.path), size)):
            if i >= count:
                return
            yield shot.frame(i) if a <= i < b else frame

    params = {
        "retake_frames": [a, b],
        "retake_range": [float(rng[0]), float(rng[1])],
        "source_seed": src.seed,
    }
    return Plan(frames(), count, size, fps, params)
