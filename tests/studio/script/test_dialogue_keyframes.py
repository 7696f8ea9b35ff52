"""Issue 12: dialogue lines, first/last frames and keyframes in storyboard scripts."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from studio.assemble import project_from_storyboard
from studio.bundle import Bundle, media_paths
from studio.errors import InputErrors
from studio.model import DialogueLine, Project, Shot
from studio.preflight import check_renderable
from studio.script import load_storyboard, parse_storyboard
from studio.script.writer import storyboard_text, write_storyboard

SCRIPT = """\
title = "Keys"

[[shot]]
prompt = "a door opens"
duration = 3.0
image = "refs/start.png"
image_strength = 0.7
last_image = "refs/end.png"

[[shot.keyframe]]
at = 1.5
image = "refs/mid.png"
strength = 0.8

[[shot.dialogue]]
speaker = "Maya"
text = "We made it."

[[shot.dialogue]]
speaker = "Leo"
text = "Barely."

[[shot]]
prompt = "the street"
duration = 2.0

[[shot.keyframe]]
at = {at}
image = "{image}"
strength = {strength}
"""


def _refs(tmp_path):
    (tmp_path / "refs").mkdir(exist_ok=True)
    for name, colour in (("start", (200, 0, 0)), ("mid", (0, 200, 0)), ("end", (0, 0, 200))):
        Image.new("RGB", (32, 48), colour).save(tmp_path / "refs" / f"{name}.png")
    (tmp_path / "refs" / "broken.png").write_bytes(b"\x89PNG not really")


def _write(tmp_path, at="1.0", image="refs/mid.png", strength="0.5"):
    _refs(tmp_path)
    path = tmp_path / "film.toml"
    path.write_text(SCRIPT.format(at=at, image=image, strength=strength))
    return path


def test_keys_parse_and_reach_the_project(tmp_path):
    board = load_storyboard(_write(tmp_path))
    shot = board.script.shot[0]
    assert shot.image_strength == 0.7 and shot.last_image == "refs/end.png"
    assert [(k.at, k.strength) for k in shot.keyframe] == [(1.5, 0.8)]
    assert [(d.speaker, d.text) for d in shot.dialogue] == [
        ("Maya", "We made it."),
        ("Leo", "Barely."),
    ]
    bundle = project_from_storyboard(board, tmp_path / "film.sbproj")
    s0, s1 = bundle.project.shots
    assert s0.image_strength == 0.7 and s0.last_image.startswith("media/")
    assert s0.keyframes[0].image.startswith("media/") and s0.keyframes[0].strength == 0.8
    assert s0.dialogue == [
        DialogueLine(speaker="Maya", text="We made it."),
        DialogueLine(speaker="Leo", text="Barely."),
    ]
    # every picture is copied into the bundle and is covered by its path checks
    fields = dict(media_paths(bundle.project))
    assert {"shots[0].image", "shots[0].last_image", "shots[0].keyframes[0].image"} <= set(fields)
    assert "shots[1].keyframes[0].image" in fields
    for rel in fields.values():
        assert (bundle.path / rel).is_file()
    loaded = Bundle.load(bundle.path)
    assert loaded.project.shots[0].keyframes == s0.keyframes
    check_renderable(loaded)


@pytest.mark.parametrize(
    ("at", "image", "strength", "key", "words"),
    [
        ("2.5", "refs/mid.png", "0.5", "keyframe 1, key 'at'", "outside the shot"),
        ("-0.5", "refs/mid.png", "0.5", "keyframe 1, key 'at'", "greater than or equal to 0"),
        ("1.0", "refs/broken.png", "0.5", "keyframe 1, key 'image'", "cannot read image"),
        ("1.0", "refs/none.png", "0.5", "keyframe 1, key 'image'", "file not found"),
        ("1.0", "refs/mid.png", "1.5", "keyframe 1, key 'strength'", "less than or equal to 1"),
    ],
)
def test_bad_keyframes_name_file_line_and_key(tmp_path, at, image, strength, key, words):
    path = _write(tmp_path, at, image, strength)
    with pytest.raises(InputErrors) as caught:
        load_storyboard(path)
    (error,) = caught.value.errors
    lines = path.read_text().splitlines()
    field = key.split("'")[1]
    expected_line = max(i for i, t in enumerate(lines, 1) if t.startswith(f"{field} ="))
    assert error.location.file == str(path) and error.location.line == expected_line
    assert key in error.location.label and words in error.message


def test_bad_first_frame_strength_and_unknown_line_key(tmp_path):
    text = '[[shot]]\nprompt = "x"\nimage_strength = 2\n[[shot.dialogue]]\nspeeker = "x"\n'
    with pytest.raises(InputErrors) as caught:
        parse_storyboard(text, "s.toml", tmp_path)
    found = {(e.location.line, e.location.field): e.message for e in caught.value.errors}
    assert "less than or equal to 1" in found[(3, "shot[0].image_strength")]
    assert "did you mean 'speaker'" in found[(5, "shot[0].dialogue[0].speeker")]


def test_unreadable_last_frame_and_blank_line(tmp_path):
    _refs(tmp_path)
    text = (
        '[[shot]]\nprompt = "x"\nlast_image = "refs/broken.png"\n[[shot]]\nprompt = "y"\n'
        '[[shot.dialogue]]\nspeaker = "Maya"\ntext = "  "\n'
    )
    with pytest.raises(InputErrors) as caught:
        parse_storyboard(text, "s.toml", tmp_path)
    found = {(e.location.line, e.location.field): e.message for e in caught.value.errors}
    assert "cannot read image" in found[(3, "shot[0].last_image")]
    assert "blank" in found[(8, "shot[1].dialogue[0].text")]


def test_preflight_checks_every_picture_of_a_bundle(tmp_path):
    bundle = project_from_storyboard(load_storyboard(_write(tmp_path)), tmp_path / "f.sbproj")
    (bundle.path / bundle.project.shots[0].last_image).write_bytes(b"junk")
    bundle.project.shots[1].keyframes[0].at = 9.0
    with pytest.raises(InputErrors) as caught:
        check_renderable(bundle)
    fields = {e.location.field for e in caught.value.errors}
    assert fields == {"shots[0].last_image", "shots[1].keyframes[0].at"}


def test_keys_round_trip_through_the_writer(tmp_path):
    board = load_storyboard(_write(tmp_path))
    bundle = project_from_storyboard(board, tmp_path / "film.sbproj")
    out = write_storyboard(bundle, tmp_path / "again" / "film.toml")
    again = load_storyboard(out)
    for x, y in zip(board.script.shot, again.script.shot, strict=True):
        assert (y.image_strength, y.dialogue, [(k.at, k.strength) for k in y.keyframe]) == (
            x.image_strength,
            x.dialogue,
            [(k.at, k.strength) for k in x.keyframe],
        )
        for kx, ky in zip(x.keyframe, y.keyframe, strict=True):
            assert again.resolve(ky.image).read_bytes() == board.resolve(kx.image).read_bytes()
    last = again.script.shot[0].last_image
    assert again.resolve(last).read_bytes() == board.resolve("refs/end.png").read_bytes()


_line = st.builds(
    DialogueLine,
    speaker=st.text(min_size=1, max_size=30).filter(str.strip),
    text=st.text(min_size=1, max_size=80).filter(str.strip),
)


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(_line, max_size=4), st.floats(0, 1), st.lists(st.floats(0, 3), max_size=3))
def test_any_lines_and_keyframes_round_trip(tmp_path, lines, strength, times):
    _refs(tmp_path)
    (tmp_path / "p.sbproj" / "media").mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (8, 8)).save(tmp_path / "p.sbproj" / "media" / "k.png")
    keys = [{"at": t, "image": "media/k.png", "strength": strength} for t in times]
    shot = Shot(prompt="p", duration=3.0, dialogue=lines, image_strength=strength, keyframes=keys)
    bundle = Bundle(tmp_path / "p.sbproj", Project(shots=[shot]))
    text = storyboard_text(bundle, tmp_path / "b.toml")
    back = parse_storyboard(text, "b.toml", tmp_path).script.shot[0]
    assert [(d.speaker, d.text) for d in back.dialogue] == [(d.speaker, d.text) for d in lines]
    assert back.image_strength == strength
    assert [(k.at, k.strength) for k in back.keyframe] == [(t, strength) for t in times]


@pytest.mark.parametrize("field", ["last_image", "keyframe"])
@pytest.mark.parametrize("path", ["../outside.png", "/etc/hostname"])
def test_bundle_refuses_pictures_outside_it(tmp_path, field, path):
    bundle = project_from_storyboard(load_storyboard(_write(tmp_path)), tmp_path / "f.sbproj")
    shot = bundle.project.shots[0]
    if field == "last_image":
        shot.last_image, name = path, "shots[0].last_image"
    else:
        shot.keyframes[0].image, name = path, "shots[0].keyframes[0].image"
    bundle.save()
    with pytest.raises(InputErrors) as caught:
        Bundle.load(bundle.path)
    assert name in {e.location.field for e in caught.value.errors}
