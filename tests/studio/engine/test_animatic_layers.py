"""The cached-layer frame path (issue 17) against the per-frame painter it replaces: the same
pictures for every camera move and every preset, at a small size."""

from __future__ import annotations

import numpy as np
import pytest

from studio.engine.animatic.layers import LayerShot
from studio.engine.animatic.render import ShotRenderer, ShotSpec
from studio.media.quality import mean_abs_diff, psnr
from studio.model import Camera
from studio.presets.library import PresetLibrary

SIZE = (90, 160)
FRAMES = 12
PROMPTS = [  # atmosphere, a moving subject, an interior, a landmark, snow with an animal
    "a runner crosses a foggy bridge at dawn",
    "a red car drives through a rainy neon city at night",
    "a woman reads in a quiet kitchen, morning light",
    "a lighthouse on a stormy sea at dusk",
    "a fox runs through a snowy forest",
]
LIBRARY = PresetLibrary()
PRESETS = sorted(p.name for p in LIBRARY.all())


def renderer(prompt: str, preset: str, camera: Camera, size=SIZE, **kw) -> ShotRenderer:
    look = LIBRARY.get(preset).look
    spec = ShotSpec(
        prompt=prompt,
        seed=11,
        size=size,
        fps=24,
        frames=FRAMES,
        camera=camera,
        look=look,
        palette=look.palette,
        **kw,
    )
    return ShotRenderer(spec)


def assert_same_frames(r: ShotRenderer) -> None:
    fast = LayerShot(r)
    for i in (0, FRAMES // 3, FRAMES - 1):
        old, new = r.frame(i), fast.frame(i)
        assert new.shape == old.shape and new.dtype == np.uint8
        assert mean_abs_diff(old, new) <= 0.25, i
        assert np.abs(old.astype(int) - new).max() <= 3, i
        assert psnr(old, new) >= 45, i


@pytest.mark.parametrize("camera", list(Camera))
def test_every_camera_move_matches_the_per_frame_painter(camera):
    for k, prompt in enumerate(PROMPTS):
        assert_same_frames(renderer(prompt, PRESETS[k * 3 % len(PRESETS)], camera))


@pytest.mark.parametrize("preset", PRESETS)
def test_every_preset_matches_the_per_frame_painter(preset):
    assert_same_frames(renderer(PROMPTS[PRESETS.index(preset) % len(PROMPTS)], preset, "orbit"))
    assert_same_frames(renderer(PROMPTS[0], preset, "pan-left"))


def test_tiny_frames_drawn_large_then_scaled_match_too():
    assert_same_frames(renderer(PROMPTS[1], "vhs", Camera.DOLLY_IN, size=(24, 40)))


def test_prompt_blend_and_reference_image_match_too():
    from PIL import Image

    ref = Image.new("RGB", (50, 80), (200, 40, 90))
    assert_same_frames(
        renderer(PROMPTS[0], "neon", Camera.TILT_DOWN, prompt_b=PROMPTS[4], prompt_weight=0.6)
    )
    assert_same_frames(renderer(PROMPTS[3], "film-noir", Camera.PAN_RIGHT, reference=ref))


def test_frames_move_and_differ_between_shots():
    """Not a constant picture: the camera moves and two prompts give two panels."""
    a = LayerShot(renderer(PROMPTS[0], "cinematic", Camera.DOLLY_IN))
    b = LayerShot(renderer(PROMPTS[2], "cinematic", Camera.DOLLY_IN))
    assert mean_abs_diff(a.frame(0), a.frame(FRAMES - 1)) > 2
    assert mean_abs_diff(a.frame(0), b.frame(0)) > 10
