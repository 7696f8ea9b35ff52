"""`render` of a script with a `[[cast]]` on the diffusion engine (tiny Wan VACE, offline):
the takes record the cast and the pictures used, the MP4's C2PA lists them; a cast cameo
without a profile here is refused with exit 3 naming the line; a family without references
warns on the command line."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from studio.cameo.identity import load_identity
from studio.cameo.store import CameoStore
from studio.cli.main import main
from studio.media.video import load_frames

BOARD = """\
title = "Pier"
format = "square"
fps = 24

[[cast]]
name = "Oro"
description = "a small orange robot with one round blue eye"
images = ["refs/oro-front.png", "refs/oro-side.png"]

[[cast]]
cameo = "@maya"

[[shot]]
prompt = "Oro waves at @maya on a pier"
duration = 0.5

[[shot]]
prompt = "an empty pier at dusk"
duration = 0.5
"""


@pytest.fixture(scope="module")
def models(tmp_path_factory) -> Path:
    from studio.models.testing import build_tiny_wan, build_tiny_wan_vace

    root = tmp_path_factory.mktemp("cli-cast-models")
    build_tiny_wan_vace(root / "tiny-vace")
    build_tiny_wan(root / "tiny-wan")
    return root


def script(tmp_path: Path, text: str = BOARD) -> Path:
    (tmp_path / "refs").mkdir()
    for name, colour in (("oro-front", (250, 120, 20)), ("oro-side", (230, 140, 60))):
        img = np.zeros((32, 24, 3), np.uint8)
        img[:] = colour
        Image.fromarray(img).save(tmp_path / "refs" / f"{name}.png")
    path = tmp_path / "board.toml"
    path.write_text(text)
    return path


def face(path: Path) -> Path:
    img = np.zeros((48, 40, 3), np.uint8)
    img[10:30, 12:28] = (230, 190, 160)
    Image.fromarray(img).save(path)
    return path


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def render(board: Path, model: Path, tmp_path: Path) -> list[str]:
    out, proj = tmp_path / "out.mp4", tmp_path / "film.sbproj"
    args = ["render", str(board), "-o", str(out), "--project", str(proj), "--no-sound"]
    return (
        args
        + ["--engine", "diffusers", "--model", str(model), "--steps", "2"]
        + [
            "--size",
            "64x64",
            "--device",
            "cpu",
        ]
    )


def test_render_a_cast_with_wan_vace(tmp_path, models, capsys):
    CameoStore().create("@maya", "Maya Lin", [face(tmp_path / "maya.png")], load_identity("Maya"))
    board = script(tmp_path)
    assert main(render(board, models / "tiny-vace", tmp_path)) == 0, capsys.readouterr().err
    assert "warning" not in capsys.readouterr().err
    project = json.loads((tmp_path / "film.sbproj" / "project.json").read_text())
    by_shot = {t["shot_id"]: t for t in project["takes"].values()}
    first, second = (by_shot[s["id"]] for s in project["shots"])
    maya = CameoStore().get("maya").images[0]
    assert first["cast"] == ["Oro", "@maya"] and first["cameos"] == ["maya"]
    assert first["references"] == [sha(tmp_path / "refs/oro-front.png"), sha(maya)] + [
        sha(tmp_path / "refs/oro-side.png")
    ]
    assert first["params"]["family"] == "wan-vace" and first["params"]["references"] == 3
    assert "one round blue eye" in first["prompt"]
    assert second["cast"] == [] and second["references"] == []
    assert [p.name for p in (tmp_path / "film.sbproj").rglob("maya.png")] == []  # not copied
    frames = load_frames(tmp_path / "out.mp4")
    assert len(frames) > 0 and frames[0].shape[:2] == (1080, 1080)
    assert main(["verify", str(tmp_path / "out.mp4")]) in (0, 1)
    said = capsys.readouterr().out
    assert "cameos: @maya" in said and "cast: Oro, @maya" in said
    # her consent withdrawn: the bundle with her in the cast no longer renders (exit 3)
    CameoStore().revoke("maya", load_identity())
    again = ["render", str(tmp_path / "film.sbproj"), "-o", str(tmp_path / "again.mp4")]
    assert main(again) == 3
    err = capsys.readouterr().err
    assert "project.json" in err and "cast[1].cameo" in err and "withdrawn" in err, err
    assert not (tmp_path / "again.mp4").exists()


def test_a_cast_cameo_without_a_profile_is_refused_with_exit_3(tmp_path, models, capsys):
    board = script(tmp_path)
    assert main(render(board, models / "tiny-vace", tmp_path)) == 3
    err = capsys.readouterr().err
    assert f"{board}:11, cast 2, key 'cameo'" in err and "@maya" in err, err
    assert not (tmp_path / "out.mp4").exists()


def test_a_family_without_references_warns_on_the_command_line(tmp_path, models, capsys):
    text = BOARD.replace('[[cast]]\ncameo = "@maya"\n', "").replace(" at @maya", "")
    board = script(tmp_path, text)
    assert main(render(board, models / "tiny-wan", tmp_path)) == 0, capsys.readouterr().err
    err = capsys.readouterr().err
    assert "warning:" in err and "cannot take reference pictures" in err, err
    project = json.loads((tmp_path / "film.sbproj" / "project.json").read_text())
    first = next(t for t in project["takes"].values() if t["cast"])
    assert first["references"] == [sha(tmp_path / "refs/oro-front.png")]
    assert first["params"]["first_frame"].endswith(".png")
