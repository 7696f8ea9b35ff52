"""Draft pictures (issue 17): a review export nobody keeps the takes of renders each shot at
half size from the same full-size layers, and the export scales it up. The same composition,
camera move and look: compared with the final frames at 1/8 scale (where per-pixel grain and
paper fibre average out) they agree to within a few levels."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from studio.compose.compositor import Compositor
from studio.engine.animatic.draft import draft_shot, draft_size
from studio.engine.animatic.fresh import render_fresh
from studio.engine.animatic.layers import LayerShot
from studio.engine.animatic.render import ShotRenderer, ShotSpec
from studio.media.quality import mean_abs_diff, psnr
from studio.model import Camera
from studio.pipeline import RenderOptions, build_requests, open_input
from studio.presets.library import PresetLibrary

LIBRARY = PresetLibrary()
PRESETS = sorted(p.name for p in LIBRARY.all())
SIZE = (360, 640)
FRAMES = 10


def eighth(a: np.ndarray, k: int) -> np.ndarray:
    return np.asarray(Image.fromarray(a).reduce(k))


@pytest.mark.parametrize("camera", list(Camera))
def test_draft_frames_are_the_final_frames_at_half_size(camera):
    k = list(Camera).index(camera)
    preset = PRESETS[k * 5 % len(PRESETS)]
    look = LIBRARY.get(preset).look
    spec = ShotSpec(
        prompt="a red car drives through a rainy neon city at night",
        seed=11,
        size=SIZE,
        fps=24,
        frames=FRAMES,
        camera=camera,
        look=look,
        palette=look.palette,
    )
    # the draft grades its layers after reducing them, as the export's draft does
    final, draft = LayerShot(ShotRenderer(spec)), draft_shot(ShotRenderer(spec, graded=False))
    frames = []
    for i in (0, FRAMES - 1):
        a, b = final.frame(i), draft.frame(i)
        assert b.shape == (SIZE[1] // 2, SIZE[0] // 2, 3) and b.dtype == np.uint8
        assert psnr(eighth(a, 8), eighth(b, 4)) >= 25, (preset, i)
        frames.append(b)
    if camera != Camera.STATIC:
        assert mean_abs_diff(frames[0], frames[1]) > 1  # the camera moves in the draft too


def test_draft_size_halves_even_frames_and_leaves_others():
    assert draft_size((1080, 1920)) == (540, 960)
    assert draft_size((1920, 1080)) == (960, 540)
    assert draft_size((128, 256)) == (64, 128)
    for size in ((96, 162), (100, 120), (30, 40), (1081, 1920)):  # odd chroma, small, odd
        assert draft_size(size) == size


def test_a_draft_export_without_takes_reads_half_size_pictures(tmp_path):
    board = tmp_path / "board.toml"
    board.write_text(
        'title = "Draft"\nformat = "square"\nfps = 24\n\n'
        '[[shot]]\nprompt = "a red lighthouse on a stormy sea at night"\nduration = 0.5\n'
        'camera = "dolly-in"\nstyle = "cinematic"\ntransition = "crossfade"\n'
        "transition_duration = 0.25\n\n"
        '[[shot]]\nprompt = "a green forest clearing in bright sunshine"\nduration = 0.5\n'
        'camera = "pan-left"\nstyle = "watercolor"\n'
    )
    out = (384, 384)
    seen = {}
    for draft in (False, True):
        opts = RenderOptions(output=tmp_path / "x.mp4", sound=False, size=out)
        bundle, _ = open_input(board, opts, tmp_path / f"d{draft}")
        reqs = [r for _, r in build_requests(bundle, opts)]

        def composite(feed, bundle=bundle):
            takes = bundle.project.takes.values()
            sizes = [feed.open_media(bundle.resolve(t.path)).size for t in takes]
            with Compositor(bundle.project, bundle.resolve, out, open_media=feed.open_media) as c:
                return sizes, [c.frame(i) for i in range(c.frame_count)]

        _, (sizes, frames) = render_fresh(bundle, reqs, composite, keep_takes=False, draft=draft)
        seen[draft] = sizes, frames
        assert not list((bundle.path / "takes").glob("*"))  # no take file either way
    (full_sizes, final), (draft_sizes, drafted) = seen[False], seen[True]
    assert full_sizes == [out, out] and draft_sizes == [(192, 192), (192, 192)]
    assert len(final) == len(drafted) == 24 - 6
    assert all(f.shape == (384, 384, 3) for f in drafted)
    assert min(psnr(eighth(a, 8), eighth(b, 8)) for a, b in zip(final, drafted, strict=True)) >= 25
