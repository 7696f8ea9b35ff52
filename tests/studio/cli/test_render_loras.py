"""`render --engine diffusers` with a `[[lora]]` end to end on a tiny LTX-Video model: the LoRA
is copied into the bundle, each take records it (name, sha256, weight, family), `verify`
lists it from the C2PA manifest, and a LoRA made for another family stops the render at
submit (exit 2) naming both families."""

from __future__ import annotations

import hashlib
import json

import pytest

from studio.cli.main import main
from studio.models.testing import TINY_LTX_LORA_LAYERS, write_tiny_lora

BOARD = """
title = "Inked"
format = "square"
fps = 24

[[lora]]
file = "loras/ink.safetensors"
weight = 0.8

[[shot]]
prompt = "a paper boat on a pond"
duration = 0.3

[[shot]]
prompt = "a lighthouse at dusk"
duration = 0.3
"""


@pytest.fixture(scope="module")
def tiny_ltx(tmp_path_factory):
    from studio.models.testing import build_tiny_ltx

    return build_tiny_ltx(tmp_path_factory.mktemp("m") / "tiny-ltx")


def render(tmp_path, model, *extra):
    args = ["render", str(tmp_path / "board.toml"), "-o", str(tmp_path / "out.mp4")]
    args += ["--project", str(tmp_path / "film.sbproj"), "--engine", "diffusers"]
    args += ["--model", str(model), "--steps", "2", "--size", "64x64", "--device", "cpu"]
    return main([*args, *extra])


def test_render_with_a_lora_records_it_in_takes_and_c2pa(tmp_path, tiny_ltx, capsys):
    (tmp_path / "loras").mkdir()
    ink = write_tiny_lora(
        tmp_path / "loras" / "ink.safetensors",
        TINY_LTX_LORA_LAYERS,
        metadata={"studio.family": "ltx-video"},
    )
    (tmp_path / "board.toml").write_text(BOARD)
    assert render(tmp_path, tiny_ltx) == 0, capsys.readouterr().err
    project = json.loads((tmp_path / "film.sbproj" / "project.json").read_text())
    kept = project["loras"][0]["file"]
    assert kept.startswith("loras/") and (tmp_path / "film.sbproj" / kept).is_file()
    digest = hashlib.sha256(ink.read_bytes()).hexdigest()
    takes = [t for t in project["takes"].values() if t["kind"] == "video"]
    assert len(takes) == 2
    for take in takes:
        assert take["loras"] == [
            {
                "name": kept.rsplit("/", 1)[-1],
                "sha256": digest,
                "weight": 0.8,
                "family": "ltx-video",
            }
        ]
    capsys.readouterr()
    assert main(["verify", str(tmp_path / "out.mp4")]) in (0, 1)
    said = capsys.readouterr().out
    assert f"LoRA: {kept.rsplit('/', 1)[-1]} (weight 0.8, ltx-video, sha256 {digest[:16]}" in said


def test_a_lora_for_another_family_stops_the_render_at_submit(tmp_path, tiny_ltx, capsys):
    (tmp_path / "loras").mkdir()
    write_tiny_lora(
        tmp_path / "loras" / "ink.safetensors",
        TINY_LTX_LORA_LAYERS,
        metadata={"modelspec.architecture": "wan2.1-t2v-1.3b/lora"},
    )
    (tmp_path / "board.toml").write_text(BOARD)
    assert render(tmp_path, tiny_ltx) == 2
    err = capsys.readouterr().err
    assert "was made for Wan 2.1 / 2.2" in err and "the model is LTX-Video" in err
    assert "loras[0].file" in err and not (tmp_path / "out.mp4").exists()
