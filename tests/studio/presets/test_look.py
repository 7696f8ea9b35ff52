"""apply_look: each grade and texture control does what it says, deterministically."""

from __future__ import annotations

import numpy as np
import pytest

from studio.presets.look import apply_grade, apply_look, apply_texture, colour_matrix
from studio.presets.preset import Grade, Look, Texture


def frame(h: int = 64, w: int = 48, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    base = rng.integers(40, 216, (h // 8, w // 8, 3)).repeat(8, 0).repeat(8, 1)
    return base.astype(np.uint8)


def flat(value: int = 160, h: int = 64, w: int = 48) -> np.ndarray:
    return np.full((h, w, 3), value, np.uint8)


def look(**kw) -> Look:
    grade = {k: v for k, v in kw.items() if k in Grade.model_fields}
    texture = {k: v for k, v in kw.items() if k in Texture.model_fields}
    return Look(grade=Grade(**grade), texture=Texture(**texture))


def test_neutral_look_changes_nothing_and_keeps_shape():
    f = frame()
    assert np.array_equal(apply_look(f, Look()), f)
    batch = np.stack([f, f[::-1]])
    out = apply_look(batch, look(contrast=1.3))
    assert out.shape == batch.shape and out.dtype == np.uint8


def test_rejects_wrong_dtype_and_shape():
    with pytest.raises(ValueError):
        apply_look(frame().astype(np.float32), Look())
    with pytest.raises(ValueError):
        apply_look(np.zeros((8, 8), np.uint8), Look())


def test_monochrome_gives_equal_channels():
    out = apply_look(frame(), look(monochrome=True, contrast=1.2)).astype(int)
    assert (out[..., 0] == out[..., 1]).all() and (out[..., 1] == out[..., 2]).all()
    assert out.std() > 10  # still a picture, not a flat grey


def test_saturation_zero_is_grey_and_high_saturation_spreads_channels():
    f = frame()
    grey = apply_look(f, look(saturation=0.0)).astype(int)
    assert np.abs(grey[..., 0] - grey[..., 2]).max() <= 1
    vivid = apply_look(f, look(saturation=2.0)).astype(int)
    spread = lambda x: (x.max(-1) - x.min(-1)).mean()  # noqa: E731
    assert spread(vivid) > spread(f.astype(int)) * 1.3


def test_sepia_is_warm():
    out = apply_look(frame(), look(monochrome=True, sepia=1.0)).astype(int)
    assert (out[..., 0] >= out[..., 1]).all() and (out[..., 1] >= out[..., 2]).all()
    assert (out[..., 0] - out[..., 2]).mean() > 20


def test_brightness_contrast_gamma_tint_lift():
    f = frame()
    assert apply_look(f, look(brightness=0.2)).mean() > f.mean() + 30
    assert apply_look(f, look(contrast=1.8)).std() > f.std() * 1.4
    assert apply_look(f, look(gamma=2.0)).mean() > f.mean() + 15
    tinted = apply_look(f, look(tint=(1.2, 1.0, 0.7))).astype(float)
    assert (
        tinted[..., 0].mean() > f[..., 0].mean() + 10
        and tinted[..., 2].mean() < f[..., 2].mean() - 15
    )
    black = np.zeros((8, 8, 3), np.uint8)
    lifted = apply_look(black, look(lift=(0.0, 0.1, 0.2)))
    assert tuple(lifted[0, 0]) == (0, 26, 51)


def test_colour_matrix_identity_for_default_grade():
    assert np.allclose(colour_matrix(Grade()), np.eye(3))


def test_vignette_darkens_corners_more_than_centre():
    out = apply_look(flat(200, 96, 64), look(vignette=0.8)).astype(int)
    centre = out[44:52, 28:36].mean()
    corners = np.mean(
        [out[:4, :4].mean(), out[:4, -4:].mean(), out[-4:, :4].mean(), out[-4:, -4:].mean()]
    )
    assert centre >= 198 and corners < centre - 60


def test_posterize_reduces_unique_values():
    yy, xx = np.mgrid[0:64, 0:256]
    ramp = np.stack([xx, xx, (xx + yy) % 256], -1).astype(np.uint8)
    out = apply_look(ramp, look(posterize=4))
    for c in range(3):
        assert len(np.unique(out[..., c])) <= 4 < len(np.unique(ramp[..., c]))


def test_grain_is_deterministic_per_seed_and_frame_index():
    f = flat(128)
    g = look(grain=0.6)
    a = apply_look(f, g, start_index=5, seed=1)
    assert np.array_equal(a, apply_look(f, g, start_index=5, seed=1))
    assert not np.array_equal(a, apply_look(f, g, start_index=6, seed=1))
    assert not np.array_equal(a, apply_look(f, g, start_index=5, seed=2))
    assert a.astype(int).std() > 3
    assert abs(a.mean() - 128) < 3  # grain adds texture, not a brightness shift


def test_chunked_rendering_matches_one_call():
    batch = np.stack([frame(seed=i) for i in range(6)])
    g = look(grain=0.5, flicker=0.6)
    whole = apply_look(batch, g, start_index=10, seed=4)
    parts = np.concatenate([apply_look(batch[:4], g, 10, 4), apply_look(batch[4:], g, 14, 4)])
    assert np.array_equal(whole, parts)


def test_flicker_changes_brightness_between_frames_only():
    f = flat(150)
    means = [apply_look(f, look(flicker=1.0), start_index=i, seed=9).mean() for i in range(8)]
    assert max(means) - min(means) > 5
    one = apply_look(f, look(flicker=1.0), start_index=3, seed=9)
    assert one.std() < 1  # uniform within a frame


def test_scanlines_darken_alternate_rows():
    out = apply_look(flat(200, 1080, 16), look(scanlines=1.0)).astype(int)
    rows = out[:, 8, 1]
    assert rows.max() >= 195 and rows.min() < 110
    assert np.abs(np.diff(rows)).mean() > 20  # rows alternate, not a slow gradient


def test_pixelate_makes_blocks():
    rng = np.random.default_rng(0)
    noisy = rng.integers(0, 256, (108, 108, 3)).astype(np.uint8)
    out = apply_look(noisy, look(pixelate=40))  # 40 px at 1080 → 4 px blocks here
    blocks = out[:104, :104].reshape(26, 4, 26, 4, 3)
    assert (blocks == blocks[:, :1, :, :1]).all()


def test_chroma_shift_splits_red_and_blue_at_an_edge():
    f = np.zeros((32, 64, 3), np.uint8)
    f[:, 32:] = 255
    out = apply_look(f, look(chroma_shift=32)).astype(int)  # 32 px at 1080 → 1 px here
    col = out[10, 30:35]
    assert (col[:, 0] != col[:, 2]).any()


def test_paper_adds_fixed_texture_to_flat_areas():
    out = apply_look(flat(230, 128, 96), look(paper=1.0))
    assert out.astype(int).std() > 2 and out.mean() < 230
    assert np.array_equal(out, apply_look(flat(230, 128, 96), look(paper=1.0), start_index=7))


def test_bloom_brightens_around_highlights():
    f = np.full((96, 96, 3), 40, np.uint8)
    f[40:56, 40:56] = 255
    out = apply_look(f, look(bloom=1.0)).astype(int)
    assert out[36, 48, 0] > 45 and out[5, 5, 0] <= 42


def test_ink_darkens_edges_only():
    f = np.full((48, 48, 3), 200, np.uint8)
    f[:, 24:] = 40
    out = apply_look(f, look(ink=1.0)).astype(int)
    assert out[10, 23:25].min() < 120 and out[10, 5].min() == 200


def test_grade_then_texture_equals_full_look_without_pixel_ops():
    f = frame()
    lk = look(contrast=1.2, saturation=1.3, tint=(1.1, 1.0, 0.9), vignette=0.5, grain=0.4)
    split = apply_texture(apply_grade(f, lk.grade), lk.texture, 3, 5)
    whole = apply_look(f, lk, 3, 5)
    assert np.abs(split.astype(int) - whole.astype(int)).max() <= 2
