"""`[[cast]]` in storyboard scripts: checks with file, line and key; the writer round-trips it;
a bundle's cast pictures are checked like its other pictures."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from studio.assemble import project_from_storyboard
from studio.bundle import Bundle
from studio.errors import InputErrors
from studio.preflight import check_renderable
from studio.script import load_storyboard
from studio.script.writer import storyboard_text

GOOD = """\
title = "Cast"

[[cast]]
name = "Oro"
description = "a small orange robot with one round blue eye"
images = ["refs/oro-front.png", "refs/oro-side.png"]

[[cast]]
cameo = "@maya"

[[shot]]
prompt = "Oro waves at @maya"
duration = 1.0
"""


def pictures(folder: Path) -> None:
    (folder / "refs").mkdir(exist_ok=True)
    for name, colour in (("oro-front", 200), ("oro-side", 150)):
        Image.fromarray(np.full((16, 16, 3), colour, np.uint8)).save(
            folder / "refs" / f"{name}.png"
        )


def load(tmp_path: Path, text: str):
    pictures(tmp_path)
    path = tmp_path / "board.toml"
    path.write_text(text)
    return load_storyboard(path)


def problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(InputErrors) as err:
        load(tmp_path, text)
    return [str(e) for e in err.value.errors]


def test_a_good_cast_loads_and_round_trips_through_the_writer(tmp_path):
    board = load(tmp_path, GOOD)
    bundle = project_from_storyboard(board, tmp_path / "film.sbproj")
    cast = bundle.project.cast
    assert [m.key for m in cast] == ["Oro", "@maya"]
    assert cast[1].images == [] and len(cast[0].images) == 2
    (tmp_path / "out").mkdir()
    again = tmp_path / "out" / "again.toml"
    text = storyboard_text(bundle, again)
    assert "[[cast]]" in text and 'cameo = "@maya"' in text
    again.write_text(text)
    reread = load_storyboard(again).script.cast
    assert [(c.name, c.cameo, c.description) for c in reread] == [
        ("Oro", None, "a small orange robot with one round blue eye"),
        (None, "@maya", ""),
    ]
    for written, original in zip(reread[0].images, ["oro-front", "oro-side"], strict=True):
        got = np.asarray(Image.open(again.parent / written))
        assert np.array_equal(got, np.asarray(Image.open(tmp_path / f"refs/{original}.png")))


def test_cast_problems_name_file_line_and_key(tmp_path):
    (tmp_path / "refs").mkdir()
    (tmp_path / "refs" / "fake.png").write_text("not a picture")
    text = """\
title = "Bad cast"

[[cast]]
name = "Oro"
images = ["refs/missing.png"]

[[cast]]
name = "oro"

[[cast]]
cameo = "@maya"
images = ["refs/oro-front.png"]

[[cast]]
description = "nobody"

[[cast]]
name = "Bee"
images = ["refs/fake.png"]

[[cast]]
name = "@leo"

[[shot]]
prompt = "Oro waves"
duration = 1.0
"""
    found = problems(tmp_path, text)
    file = str(tmp_path / "board.toml")
    assert any(f"{file}:5" in p and "missing.png" in p and "cast 1" in p for p in found), found
    assert any(f"{file}:8" in p and "already has the name" in p for p in found), found
    assert any(f"{file}:12" in p and "consented cameo profile" in p for p in found), found
    assert any("cast 4" in p and "needs `name`" in p for p in found), found
    assert any(f"{file}:19" in p and "fake.png" in p for p in found), found
    assert any(f"{file}:22" in p and "looks like a cameo handle" in p for p in found), found


def test_a_bundle_with_a_missing_or_broken_cast_picture_does_not_validate(tmp_path):
    board = load(tmp_path, GOOD)
    bundle = project_from_storyboard(board, tmp_path / "film.sbproj")
    bundle.save()
    Path(bundle.resolve(bundle.project.cast[0].images[1])).write_bytes(b"broken")
    with pytest.raises(InputErrors) as err:
        check_renderable(Bundle.load(bundle.path))
    text = str(err.value)
    assert "cast[0].images[1]" in text and "project.json" in text
