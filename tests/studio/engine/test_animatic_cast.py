"""The animatic keeps a cast member's look from shot to shot (issue 13).

A member's region in a frame is found by rendering the same request with and without the
cast; its colours are compared as coarse RGB histograms (intersection: 1 = same colours).
"""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
from PIL import Image

from studio.engine.animatic.backend import AnimaticBackend, cast_looks
from studio.engine.animatic.characters import cast_look, cast_sprites, dominant_colours
from studio.engine.backend import JobContext
from studio.engine.request import CastReference, GenerationRequest
from studio.errors import InputError
from studio.media.video import load_frames
from studio.model import Camera

ORO = CastReference(key="Oro", description="a small orange robot with one round blue eye")
PIP = CastReference(key="Pip", description="a tall girl in a green coat with purple hair")
MAYA = CastReference(key="@maya", cameo="maya")


def _request(prompt, seed, camera, cast, **extra) -> GenerationRequest:
    return GenerationRequest(
        prompt=prompt,
        duration=1,
        seed=seed,
        camera=camera,
        cast=cast,
        size=(256, 256),
        fps=12,
        **extra,
    )


def _frame(request: GenerationRequest, i: int = 0) -> np.ndarray:
    return AnimaticBackend().layer_shot(request).frame(i).astype(np.int16)


def member_histogram(prompt, seed, camera, member, preset=None) -> np.ndarray:
    """Colour histogram of the pixels the member adds to a shot's first frame."""
    extra = {"preset": preset} if preset else {}
    with_member = _frame(_request(prompt, seed, camera, [member], **extra))
    without = _frame(_request(prompt, seed, camera, [], **extra))
    mask = np.abs(with_member - without).sum(axis=2) > 60
    assert mask.sum() > 300, "the member is drawn"
    return histogram(with_member[mask])


def histogram(pixels: np.ndarray) -> np.ndarray:
    q = (pixels // 64).astype(np.int64)
    bins = np.bincount(q[:, 0] * 16 + q[:, 1] * 4 + q[:, 2], minlength=64).astype(float)
    return bins / bins.sum()


def alike(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.minimum(a, b).sum())


SHOT_A = ("Oro waits on the beach at dusk", 3, Camera.STATIC)
SHOT_B = ("Oro walks down a city street at night", 991, Camera.PAN_LEFT)
SHOT_C = ("Oro in the green hills at noon", 12345, Camera.DOLLY_IN)


def test_the_same_member_looks_alike_across_shots_and_two_members_do_not():
    a = member_histogram(*SHOT_A, ORO)
    b = member_histogram(*SHOT_B, ORO)
    c = member_histogram(*SHOT_C, ORO)
    other = member_histogram(*SHOT_A, PIP.model_copy(update={"key": "Oro"}))
    assert alike(a, b) > 0.7 and alike(a, c) > 0.7 and alike(b, c) > 0.7
    # another character in the very same shot (same place, same label) looks different
    assert alike(a, other) < 0.45
    assert alike(a, other) < alike(a, b) - 0.3


@pytest.mark.parametrize("preset", ["documentary", "papercraft", "claymation"])
def test_a_member_looks_alike_under_the_same_style_preset(preset):
    # (a preset's screen-space texture — vignette, scanlines — shades a member by where it
    # stands, and a black-and-white look leaves no colours to tell members apart)
    a = member_histogram(*SHOT_A, ORO, preset=preset)
    b = member_histogram(*SHOT_B, ORO, preset=preset)
    other = member_histogram(*SHOT_A, PIP.model_copy(update={"key": "Oro"}), preset=preset)
    assert alike(a, b) > 0.7 and alike(a, other) < 0.3


def test_the_look_depends_on_the_member_only():
    assert cast_looks(_request(*SHOT_A, [ORO])) == cast_looks(_request(*SHOT_B, [ORO]))
    look = cast_look(ORO.key, ORO.description)
    assert look.kind == "robot" and look.body == (247, 127, 0) and look.accent == (40, 90, 220)
    assert look.height < 1.0  # "small"
    one, two = cast_sprites(look, 100), cast_sprites(cast_look("Oro", ORO.description), 100)
    assert [s.tobytes() for s in one] == [s.tobytes() for s in two]
    pip = cast_look(PIP.key, PIP.description)
    assert pip.kind == "figure" and pip.body == (56, 160, 72) and pip != look
    # two unnamed-colour members differ by their keys
    assert cast_look("Ada").body != cast_look("Bo").body


def test_pictures_give_the_colours_a_description_does_not(tmp_path):
    green = np.zeros((64, 64, 3), np.uint8)
    green[:] = (250, 250, 250)  # a white studio background…
    green[8:56, 16:48] = (30, 170, 60)  # …and a green character
    path = tmp_path / "ref.png"
    Image.fromarray(green).save(path)
    assert dominant_colours(Image.open(path))[0][1] > 150
    ref = CastReference(key="Moss", description="a friendly creature", images=[str(path)])
    look = cast_looks(_request(*SHOT_A, [ref]))[0]
    assert look.body[1] > 150 and look.body[0] < 90
    # description colour words come first
    worded = ref.model_copy(update={"description": "a red creature"})
    assert cast_looks(_request(*SHOT_A, [worded]))[0].body == (214, 40, 40)


def test_a_cameo_is_drawn_from_its_handle_and_its_pictures_never_read(tmp_path):
    # a cameo reference that (wrongly) carries a path: the animatic never opens it
    smuggled = MAYA.model_copy(update={"images": [str(tmp_path / "missing.png")]})
    looks = cast_looks(_request(*SHOT_A, [smuggled]))
    assert looks == [cast_look("@maya")] and looks[0].kind == "figure"
    assert cast_look("@maya") != cast_look("@mayb")
    hist = member_histogram("@maya on the beach at dusk", 3, Camera.STATIC, MAYA)
    assert hist.max() > 0


def test_a_fictional_members_unreadable_picture_is_named(tmp_path):
    bad = tmp_path / "oro.png"
    bad.write_text("not a picture")
    ref = ORO.model_copy(update={"images": [str(bad)]})
    with pytest.raises(InputError) as err:
        cast_looks(_request(*SHOT_A, [ref]))
    assert err.value.location.field == "cast.0.images.0" and "oro.png" in str(err.value.location)


def test_a_take_records_its_cast_and_reference_hashes(tmp_path):
    pic = tmp_path / "oro.png"
    Image.fromarray(np.full((32, 32, 3), (247, 127, 0), np.uint8)).save(pic)
    oro = ORO.model_copy(update={"images": [str(pic)]})
    request = _request("Oro and @maya on the beach", 5, Camera.STATIC, [oro, MAYA])
    result = AnimaticBackend().generate(request, JobContext("t", tmp_path / "out", lambda e: None))
    assert result.cast == ["Oro", "@maya"]
    assert result.references == [hashlib.sha256(pic.read_bytes()).hexdigest()]
    frames = load_frames(result.path)
    assert len(frames) == 12


def test_two_members_stand_side_by_side():
    request = _request("Oro meets @maya on the beach", 3, Camera.STATIC, [ORO, MAYA])
    actors = AnimaticBackend().layer_shot(request).renderer.layers.actors
    assert len(actors) == 2
    (oro_x, _), _ = actors[0].path
    (maya_x, _), _ = actors[1].path
    widest = max(actors[0].sprites[0].width, actors[1].sprites[0].width)
    assert abs(maya_x - oro_x) > widest * 0.9  # side by side, not on top of each other
