"""Any prompt, size, camera and preset renders a panel: no crash, right shape, same twice."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studio.engine.animatic.render import ShotRenderer, ShotSpec
from studio.engine.animatic.scene import COLOURS, SETTINGS
from studio.model import Camera
from studio.presets.library import PresetLibrary

WORDS = [
    *COLOURS,
    *(w for ws in SETTINGS.values() for w in ws),
    "runner",
    "dog",
    "boat",
    "car",
    "@maya",
]
prompts = st.one_of(
    st.text(max_size=80),
    st.lists(st.sampled_from(WORDS), max_size=12).map(" ".join),
)
sizes = st.one_of(
    st.tuples(st.integers(1, 80), st.integers(1, 80)).map(lambda s: (s[0] * 2, s[1] * 2)),
    st.sampled_from([(2, 600), (600, 2), (4, 4096), (2, 2)]),
)
LOOKS = {p.name: p for p in PresetLibrary().all()}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    prompt=prompts,
    seed=st.integers(0, 2**32 - 1),
    size=sizes,
    camera=st.sampled_from(list(Camera)),
    preset=st.sampled_from([None, *sorted(LOOKS)]),
    frames=st.integers(1, 4),
)
def test_any_request_renders(prompt, seed, size, camera, preset, frames):
    look = LOOKS[preset].look if preset else None
    spec = ShotSpec(
        prompt=prompt,
        seed=seed,
        size=size,
        fps=24,
        frames=frames,
        camera=camera,
        palette=list(look.palette) if look else [],
    )
    if look is not None:
        spec.look = look
    renderer = ShotRenderer(spec)
    last = renderer.frame(frames - 1)
    assert last.shape == (size[1], size[0], 3) and last.dtype == np.uint8
    assert np.array_equal(last, ShotRenderer(spec).frame(frames - 1))
