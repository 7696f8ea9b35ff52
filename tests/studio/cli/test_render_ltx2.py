"""`render --engine diffusers --model <tiny LTX-2>` end to end: the MP4's sound is the model's
own (no procedural bed, no sound model), and `verify` names LTX-2 and the sound's origin."""

from __future__ import annotations

import json

import av
import numpy as np
import pytest

from studio.cli.main import main

BOARD = """
title = "Rooftop"
format = "square"
fps = 24

[[shot]]
prompt = "a woman on a roof at night"
duration = 0.4
audio = "wind and distant traffic"

[[shot]]
prompt = "a city street in the rain"
duration = 0.4
"""


@pytest.fixture(scope="module")
def tiny_ltx2(tmp_path_factory):
    from studio.models.testing import build_tiny_ltx2

    return build_tiny_ltx2(tmp_path_factory.mktemp("m") / "tiny-ltx2")


def test_render_with_ltx2_sound_from_the_model(tmp_path, tiny_ltx2, capsys):
    board = tmp_path / "board.toml"
    board.write_text(BOARD)
    out, proj = tmp_path / "out.mp4", tmp_path / "film.sbproj"
    args = ["render", str(board), "-o", str(out), "--project", str(proj), "--engine", "diffusers"]
    args += ["--model", str(tiny_ltx2), "--steps", "2", "--size", "96x64", "--device", "cpu"]
    assert main(args) == 0, capsys.readouterr().err
    project = json.loads((proj / "project.json").read_text())
    takes = project["takes"].values() if isinstance(project["takes"], dict) else project["takes"]
    video = [t for t in takes if t["kind"] == "video"]
    sound = [t for t in takes if t["kind"] == "audio"]
    assert len(video) == 2 and len(sound) == 2  # one linked sound per picture, nothing else
    for s in sound:
        assert s["engine"] == "diffusers" and s["params"]["family"] == "ltx2"
        assert s["linked"] in {v["id"] for v in video}
    sound_track = next(t for t in project["tracks"] if t.get("role") == "storyboard-sound")
    pic_track = next(t for t in project["tracks"] if t.get("role") == "storyboard-video")
    links = {c["link"] for c in pic_track["clips"]}
    assert None not in links and links == {c["link"] for c in sound_track["clips"]}
    for clip in pic_track["clips"]:  # each picture clip's sound starts with it
        partner = next(c for c in sound_track["clips"] if c["link"] == clip["link"])
        assert partner["start"] == clip["start"]
    with av.open(str(out)) as c:
        audio = np.concatenate([f.to_ndarray().ravel() for f in c.decode(c.streams.audio[0])])
    assert np.abs(audio).max() > 1e-4  # the model's (random-weight) sound, mixed in
    capsys.readouterr()
    assert main(["verify", str(out)]) in (0, 1)
    said = capsys.readouterr().out
    assert "LTX-2" in said and "sound: generated with the picture by LTX-2" in said
