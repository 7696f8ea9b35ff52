"""The built-in presets: they load, validate, and each one really looks different."""

from __future__ import annotations

import tomllib

import numpy as np
import pytest

from studio.presets.library import PresetLibrary, builtin_presets_dir
from studio.presets.look import apply_look, is_neutral
from studio.presets.preset import StylePreset

REQUIRED = {
    "film-noir",
    "papercraft",
    "anime",
    "cinematic",
    "claymation",
    "vhs",
    "watercolor",
    "documentary",
    "pixel-art",
    "neon",
    "pastel",
    "silent-film",
}


def _test_frame(h: int = 72, w: int = 48) -> np.ndarray:
    """A frame with hues, a gradient and some edges, so every effect has something to act on."""
    yy, xx = np.mgrid[0:h, 0:w]
    frame = np.stack([xx * 255 // (w - 1), yy * 255 // (h - 1), (xx * 7 + yy * 3) % 256], -1)
    frame[h // 3 : h // 2, w // 4 : w // 2] = (250, 240, 60)
    return frame.astype(np.uint8)


def test_at_least_fourteen_builtins_including_the_required_ones():
    names = set(PresetLibrary().names())
    assert len(names) >= 14
    assert REQUIRED <= names


@pytest.mark.parametrize("path", sorted(builtin_presets_dir().glob("*.toml")), ids=lambda p: p.stem)
def test_each_file_validates_and_is_complete(path):
    data = tomllib.loads(path.read_text())
    preset = StylePreset.model_validate(data)
    assert preset.name == path.stem
    assert preset.title and preset.description
    assert preset.negative_prompt and (preset.prompt_prefix or preset.prompt_suffix)
    assert preset.guidance is not None and preset.steps is not None
    assert len(preset.look.palette) >= 3
    assert not is_neutral(preset.look)
    prompt, negative = preset.apply_prompt("a runner on a bridge")
    assert "a runner on a bridge" in prompt and negative == preset.negative_prompt


def test_builtins_are_marked_builtin():
    assert all(p.builtin for p in PresetLibrary().all())


def test_every_look_is_visibly_different_from_every_other():
    frame = _test_frame()
    looks = {
        p.name: apply_look(frame, p.look, seed=3).astype(np.int16) for p in PresetLibrary().all()
    }
    names = sorted(looks)
    for i, a in enumerate(names):
        assert np.abs(looks[a] - frame).mean() > 4, f"{a} barely changes the frame"
        for b in names[i + 1 :]:
            diff = np.abs(looks[a] - looks[b]).mean()
            assert diff > 4, f"{a} and {b} look alike (mean diff {diff:.1f})"


def test_monochrome_presets_are_grey_and_sepia_is_warm():
    lib = PresetLibrary()
    noir = apply_look(_test_frame(), lib.get("film-noir").look, seed=1).astype(int)
    assert (noir[..., 0] == noir[..., 1]).all() and (noir[..., 1] == noir[..., 2]).all()
    silent = apply_look(_test_frame(), lib.get("silent-film").look, seed=1).astype(int)
    mid = silent[silent.sum(-1) > 150]
    assert (mid[:, 0] >= mid[:, 1]).mean() > 0.95 and (mid[:, 1] >= mid[:, 2]).mean() > 0.95


def test_user_preset_can_extend_a_builtin_look(studio_home):
    lib = PresetLibrary()
    from studio.paths import user_presets_dir

    (user_presets_dir() / "my-noir.toml").write_text(
        'extends = "film-noir"\n[look.texture]\ngrain = 0.0\n'
    )
    lib.reload()
    mine = lib.get("my-noir")
    assert mine.look.grade.monochrome and mine.look.texture.grain == 0.0
    assert mine.look.texture.vignette == lib.get("film-noir").look.texture.vignette
