"""The headless render, end to end through the CLI: files read back with PyAV, exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest

from studio.cli.main import main
from studio.media.video import load_frames

BOARD = """
title = "Two shots"
format = "{fmt}"
fps = 24
style = "film-noir"

[[shot]]
prompt = "a red lighthouse on a stormy sea at night"
duration = 1.0
camera = "dolly-in"
transition = "crossfade"
transition_duration = 0.25

[[shot]]
prompt = "a green forest clearing in bright sunshine"
duration = 1.0
camera = "pan-left"
style = "watercolor"
"""


def write_board(tmp_path: Path, fmt: str = "square", extra: str = "") -> Path:
    path = tmp_path / "board.toml"
    path.write_text(BOARD.format(fmt=fmt) + extra)
    return path


def read_back(path: Path) -> dict:
    with av.open(str(path)) as c:
        v, a = c.streams.video[0], c.streams.audio[0]
        frames = [f.to_ndarray(format="rgb24") for f in c.decode(v)]
        return {
            "size": (v.codec_context.width, v.codec_context.height),
            "fps": float(v.average_rate),
            "frames": frames,
            "vcodec": v.codec_context.name,
            "acodec": a.codec_context.name,
            "rate": a.codec_context.sample_rate,
            "channels": a.codec_context.channels,
            "tags": dict(c.metadata),
        }


def test_render_script_to_mp4(tmp_path, capsys):
    out = tmp_path / "out.mp4"
    assert main(["render", str(write_board(tmp_path)), "-o", str(out)]) == 0
    info = read_back(out)
    assert info["size"] == (1080, 1080) and info["fps"] == 24
    assert len(info["frames"]) == 48 - 6  # two 1 s shots overlapped by a 0.25 s crossfade
    assert (info["vcodec"], info["acodec"], info["rate"], info["channels"]) == (
        "h264",
        "aac",
        48000,
        2,
    )
    first, last = info["frames"][3].astype(float), info["frames"][-3].astype(float)
    assert np.abs(first - last).mean() > 20  # the two shots look different
    assert "AI-generated" in " ".join(info["tags"].values())
    assert capsys.readouterr().err == ""  # quiet when not on a terminal


def shot_takes(bundle_dir: Path) -> list[np.ndarray]:
    from studio.bundle import Bundle

    bundle = Bundle.load(bundle_dir)
    return [load_frames(bundle.take_file(s.current_take)) for s in bundle.project.shots]


def test_format_override_and_seed(tmp_path):
    board = str(write_board(tmp_path))
    runs = {}
    for name, seed in (("a", "5"), ("b", "5"), ("c", "6")):
        out, proj = tmp_path / f"{name}.mp4", tmp_path / f"{name}.sbproj"
        args = ["render", board, "-o", str(out), "--format", "widescreen", "--seed", seed]
        assert main([*args, "--project", str(proj)]) == 0
        runs[name] = shot_takes(proj)
    assert read_back(tmp_path / "a.mp4")["size"] == (1920, 1080)
    assert runs["a"][0].shape[1:] == (1080, 1920, 3)
    # same seed: the same takes, frame for frame; another seed: other takes
    assert all(np.array_equal(x, y) for x, y in zip(runs["a"], runs["b"], strict=True))
    assert not np.array_equal(runs["a"][0], runs["c"][0])


def test_bad_script_exit_2_names_file_line_key(tmp_path, capsys):
    board = tmp_path / "bad.toml"
    board.write_text('[[shot]]\nprompt = "x"\nduration = -2\n')
    out = tmp_path / "out.mp4"
    assert main(["render", str(board), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "bad.toml:3" in err and "duration" in err and "Traceback" not in err
    assert not out.exists()


def test_missing_input_and_bad_options(tmp_path, capsys):
    assert main(["render", str(tmp_path / "nope.toml"), "-o", str(tmp_path / "o.mp4")]) == 2
    board = write_board(tmp_path)
    assert main(["render", str(board), "-o", str(tmp_path / "o.mp4"), "--engine", "magic"]) == 2
    assert "--engine" in capsys.readouterr().err


def test_unconsented_cameo_is_refused_with_exit_3(tmp_path, capsys):
    board = (
        write_board(tmp_path).read_text().replace("a red lighthouse", "@maya at a red lighthouse")
    )
    path = tmp_path / "cameo.toml"
    path.write_text(board)
    out = tmp_path / "out.mp4"
    assert main(["render", str(path), "-o", str(out)]) == 3
    assert "maya" in capsys.readouterr().err and not out.exists()


def test_missing_diffusion_model_exit_4(tmp_path, capsys):
    board = write_board(tmp_path)
    code = main(
        [
            "render",
            str(board),
            "-o",
            str(tmp_path / "o.mp4"),
            "--engine",
            "diffusers",
            "--model",
            str(tmp_path / "no-such-model"),
        ]
    )
    assert code == 4
    err = capsys.readouterr().err
    assert "no-such-model" in err and "Traceback" not in err


def test_render_bundle_keeps_takes_and_reuses_them(tmp_path):
    board = write_board(tmp_path)
    proj = tmp_path / "film.sbproj"
    out1, out2 = tmp_path / "1.mp4", tmp_path / "2.mp4"
    assert main(["render", str(board), "-o", str(out1), "--project", str(proj)]) == 0
    takes = sorted(p.name for p in (proj / "takes").iterdir())
    assert len(takes) == 2
    assert main(["validate", str(proj)]) == 0
    assert main(["render", str(proj), "-o", str(out2)]) == 0  # nothing to regenerate
    assert sorted(p.name for p in (proj / "takes").iterdir()) == takes
    assert len(load_frames(out2)) == len(load_frames(out1))


def test_python_dash_m_entry_point(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "studio", "validate", str(write_board(tmp_path))],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0 and "2 shots" in result.stdout


@pytest.mark.parametrize("fmt,size", [("vertical", (1080, 1920))])
def test_vertical_default(tmp_path, fmt, size):
    out = tmp_path / "v.mp4"
    board = write_board(tmp_path, fmt).read_text().replace("duration = 1.0", "duration = 0.5")
    board = board.replace("transition_duration = 0.25", "transition_duration = 0.125")
    (tmp_path / "v.toml").write_text(board)
    assert main(["render", str(tmp_path / "v.toml"), "-o", str(out)]) == 0
    info = read_back(out)
    assert info["size"] == size and len(info["frames"]) == 24 - 3


def test_render_bundle_keeps_hand_edits_when_a_take_is_regenerated(tmp_path):
    from studio.bundle import Bundle
    from studio.model import TrackKind

    board = write_board(tmp_path).read_text().replace("duration = 1.0", "duration = 0.5")
    board = board.replace("transition_duration = 0.25", "transition_duration = 0.125")
    (tmp_path / "b.toml").write_text(board)
    proj = tmp_path / "film.sbproj"
    assert (
        main(
            [
                "render",
                str(tmp_path / "b.toml"),
                "-o",
                str(tmp_path / "1.mp4"),
                "--project",
                str(proj),
            ]
        )
        == 0
    )
    bundle = Bundle.load(proj)
    video = bundle.project.tracks_of(TrackKind.VIDEO)[0]
    first = video.sorted_clips()[0]
    first.duration -= 4  # a hand trim of the first clip's tail
    lost = bundle.project.shots[1]
    bundle.take_file(lost.current_take).unlink()  # the second shot's take went missing
    bundle.save()

    assert main(["render", str(proj), "-o", str(tmp_path / "2.mp4")]) == 0
    again = Bundle.load(proj)
    clips = again.project.tracks_of(TrackKind.VIDEO)[0].sorted_clips()
    assert clips[0].duration == first.duration  # the trim survived
    assert clips[1].take_id == again.project.shots[1].current_take != lost.current_take
    assert again.take_file(clips[1].take_id).is_file() and len(again.project.takes) == 3
