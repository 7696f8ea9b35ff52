"""Export decides from the consent ledger (take file hash → cameos), not from project.json
(issue 10, defect 5): editing take.cameos / take.prompt launders nothing."""

from __future__ import annotations

import json
from pathlib import Path

from studio.cameo.ledger import CameoUse, ConsentLedger
from studio.cameo.store import CameoStore
from studio.cli.main import main

BOARD = """title = "Balcony"
format = "square"
fps = 24

[[shot]]
prompt = "@maya waves from a balcony"
duration = 0.5

[[shot]]
prompt = "a quiet street at dawn"
duration = 0.5
"""


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def launder(bundle: Path, *, as_media: bool = False) -> None:
    """What a user with a text editor can do: take every trace of @maya out of project.json."""
    path = bundle / "project.json"
    data = json.loads(path.read_text())
    for take in data["takes"].values():
        take["cameos"] = []
        take["prompt"] = take["prompt"].replace("@maya", "a person")
    for shot in data["shots"]:
        shot["prompt"] = shot["prompt"].replace("@maya", "a person")
    if as_media:  # and pretend the take is footage the user imported
        for track in data["tracks"]:
            for clip in track["clips"]:
                if clip.get("take_id"):
                    clip["media"] = data["takes"][clip["take_id"]]["path"]
                    clip["take_id"] = None
    path.write_text(json.dumps(data))
    assert "maya" not in path.read_text()


def test_json_laundering_neither_hides_the_cameo_nor_passes_a_revocation(
    people, face, tmp_path, capsys
):
    board = tmp_path / "board.toml"
    board.write_text(BOARD)
    project = tmp_path / "film.sbproj"
    with people.acting_as("maya") as me:
        store = CameoStore()
        store.create("@maya", "Maya Lin", [face], me)
        code, _, err = run(capsys, "render", str(board), "-o", str(tmp_path / "a.mp4"),
                           "--project", str(project))  # fmt: skip
        assert code == 0, err
        assert "cameos: @maya" in run(capsys, "verify", str(tmp_path / "a.mp4"))[1]

        launder(project)
        code, _, err = run(capsys, "render", str(project), "-o", str(tmp_path / "b.mp4"))
        assert code == 0, err
        code, out, _ = run(capsys, "verify", str(tmp_path / "b.mp4"))
        assert "cameos: @maya" in out  # the manifest lists what made the file

        store.revoke("maya", me)
        code, _, err = run(capsys, "render", str(project), "-o", str(tmp_path / "c.mp4"))
        assert code == 3 and "@maya" in err and "withdrawn" in err
        assert not (tmp_path / "c.mp4").exists()

        launder(project, as_media=True)
        code, _, err = run(capsys, "render", str(project), "-o", str(tmp_path / "d.mp4"))
        assert code == 3 and "@maya" in err and "media takes/" in err
        assert not (tmp_path / "d.mp4").exists()

        stages = {(e.stage, e.outcome) for e in store.get("maya").log.entries()}
        assert ("export", "refused") in stages


def test_a_derived_take_inherits_the_cameos_of_its_sources(tmp_path):
    ledger = ConsentLedger(tmp_path / "ledger.jsonl")
    maya = CameoUse("maya", "p1", 3)
    ledger.note_take("a" * 64, 10, [maya])
    ledger.note_take("b" * 64, 10, [], sources=["a" * 64])  # a remix without @maya in it
    ledger.note_take("c" * 64, 10, [CameoUse("ben", "p2", 0)], sources=["b" * 64, "f" * 64])
    assert ledger.take("b" * 64).cameos == [maya]
    assert {u.handle for u in ledger.take("c" * 64).cameos} == {"maya", "ben"}
    assert ledger.take("f" * 64) is None and ledger.broken_line() is None


def test_an_edited_ledger_refuses_the_export(people, face, tmp_path, capsys):
    board = tmp_path / "board.toml"
    board.write_text(BOARD.replace("@maya", "a cat"))
    project = tmp_path / "film.sbproj"
    with people.acting_as("maya"):
        out = tmp_path / "a.mp4"
        assert run(capsys, "render", str(board), "-o", str(out), "--project", str(project))[0] == 0
        ledger = CameoStore().ledger
        lines = ledger.path.read_bytes().splitlines(keepends=True)
        assert sum(b'"take"' in line for line in lines) == 2  # one entry per generated take
        ledger.path.write_bytes(b"".join(lines[1:]))  # drop the first take's entry
        code, _, err = run(capsys, "render", str(project), "-o", str(tmp_path / "b.mp4"))
        assert code == 3 and "consent ledger" in err and "line 1" in err
