"""CLI end to end: a script with a [[cast]] renders with the animatic, and the same character
looks alike across shots while another one does not (issue 13)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from studio.bundle import Bundle
from studio.cli.main import main
from studio.media.video import load_frames
from studio.model import Project
from studio.model.cast import CastMember
from studio.render_service.cast import cast_references

CAST = """
[[cast]]
name = "Oro"
description = "a small orange robot with one round blue eye"
images = ["oro.png"]

[[cast]]
name = "Pip"
description = "a tall girl in a green coat with purple hair"
"""

SHOTS = """
title = "Oro's day"
format = "square"
fps = 24

[[shot]]
prompt = "Oro waits on the beach at dusk"
duration = 1.0
seed = 3

[[shot]]
prompt = "oro walks down a city street at night"
duration = 1.0
camera = "pan-left"
seed = 991

[[shot]]
prompt = "Pip waits on the beach at dusk"
duration = 1.0
seed = 3
"""


def test_cast_references_name_what_the_prompt_names(tmp_path):
    project = Project(
        title="t",
        cast=[
            CastMember(name="Oro", description="robot", images=["media/oro.png"]),
            CastMember(cameo="maya"),
            CastMember(name="Pip"),
        ],
    )
    refs = cast_references(Bundle(tmp_path / "b.sbproj", project), "@maya waves at oro")
    assert [r.key for r in refs] == ["Oro", "@maya"]
    assert refs[0].images == [str((tmp_path / "b.sbproj" / "media/oro.png").absolute())]
    assert refs[1].images == [] and refs[1].cameo == "maya" and refs[0].description == "robot"


def _render(tmp_path: Path, name: str, script: str) -> list[np.ndarray]:
    board = tmp_path / f"{name}.toml"
    board.write_text(script)
    out, proj = tmp_path / f"{name}.mp4", tmp_path / f"{name}.sbproj"
    args = ["render", str(board), "-o", str(out), "--project", str(proj), "--size", "256x256"]
    assert main(args) == 0
    assert out.stat().st_size > 0
    bundle = Bundle.load(proj)
    return [load_frames(bundle.take_file(s.current_take))[0] for s in bundle.project.shots]


def _hist(frame: np.ndarray, mask: np.ndarray) -> np.ndarray:
    q = (frame[mask] // 64).astype(np.int64)
    bins = np.bincount(q[:, 0] * 16 + q[:, 1] * 4 + q[:, 2], minlength=64).astype(float)
    return bins / bins.sum()


def test_cli_render_keeps_a_character_alike_across_shots(tmp_path):
    Image.fromarray(np.full((64, 64, 3), (247, 127, 0), np.uint8)).save(tmp_path / "oro.png")
    cast = _render(tmp_path, "cast", SHOTS + CAST)
    plain = _render(tmp_path, "plain", SHOTS)
    hists = []
    for with_cast, without in zip(cast, plain, strict=True):
        mask = np.abs(with_cast.astype(int) - without.astype(int)).sum(axis=2) > 60
        assert mask.sum() > 300  # the character is drawn
        hists.append(_hist(with_cast, mask))
    oro_a, oro_b, pip = hists
    assert np.minimum(oro_a, oro_b).sum() > 0.7  # Oro in shot 1 and in shot 2
    assert np.minimum(oro_a, pip).sum() < 0.4  # Pip in the same place as Oro in shot 1
    bundle = Bundle.load(tmp_path / "cast.sbproj")
    takes = [bundle.project.takes[s.current_take] for s in bundle.project.shots]
    assert [t.cast for t in takes] == [["Oro"], ["Oro"], ["Pip"]]
    assert len(takes[0].references) == 1 and not takes[2].references
