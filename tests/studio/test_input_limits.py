"""Inputs that used to end in exit 4 "unexpected failure" (or pass `validate` and then fail the
render) end in exit 2 from both `validate` and `render`, with a message naming the file and the
field or line, and never a traceback (issue 10, defect 6)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from studio.cli.main import main
from tests.studio.hostile_kit import base_project, clip, png_bytes, take, wav_bytes, write_bundle

SCRIPT = 'format = "square"\n[[shot]]\nprompt = "a red lighthouse"\nduration = 0.2\n'
MUSIC = Path(__file__).resolve().parents[2] / "studio" / "resources" / "examples" / "music.ogg"


def script(text: str, files: dict[str, bytes] | None = None) -> Callable[[Path], Path]:
    def build(tmp: Path) -> Path:
        for name, data in (files or {}).items():
            (tmp / name).write_bytes(data)
        if "m.ogg" in text:
            shutil.copy(MUSIC, tmp / "m.ogg")
        (tmp / "board.toml").write_text(text)
        return tmp / "board.toml"

    return build


def cue(line: str) -> str:
    return SCRIPT + f'[[audio]]\nfile = "m.ogg"\n{line}\n'


def bundle(mutate=None, text: str | None = None, files=None) -> Callable[[Path], Path]:
    def build(tmp: Path) -> Path:
        project = base_project()
        if mutate:
            mutate(project)
        folder = write_bundle(tmp / "film.sbproj", project, text)
        for name, data in (files or {}).items():
            (folder / name).write_bytes(data)
        return folder

    return build


def _set(target: Callable[[dict], dict], **values):
    return lambda p: target(p).update(values)


# (name, builder, what the message must name)
CASES = [
    # scripts
    ("script path too long", script(SCRIPT + f'image = "{"a/" * 3000}x.png"\n'), "'image'"),
    ("script path name too long", script(SCRIPT + f'image = "{"a" * 300}.png"\n'), "'image'"),
    ("script NUL in path", script(SCRIPT + 'image = "a\\u0000.png"\n'), "'image'"),
    ("script deep arrays", script(SCRIPT + "x = " + "[" * 50_000 + "]" * 50_000 + "\n"), ":5"),
    (
        "script deep tables",
        script("t = " + "{a = " * 3000 + "1" + "}" * 3000 + "\n" + SCRIPT),
        ":1",
    ),
    ("script 100,000 digits", script(SCRIPT + "seed = " + "9" * 100_000 + "\n"), ":5"),
    ("script offset inf", script(cue("offset = inf")), "'offset'"),
    ("script offset 1e308", script(cue("offset = 1e308")), "'offset'"),
    ("script fade_in inf", script(cue("fade_in = inf")), "'fade_in'"),
    ("script fade_out 1e308", script(cue("fade_out = 1e308")), "'fade_out'"),
    ("script cue duration inf", script(cue("duration = inf")), "'duration'"),
    ("script start nan", script(cue("start = nan")), "'start'"),
    ("script gain 1e400", script(cue("gain_db = 1e400")), "'gain_db'"),
    ("script too many shots", script(SCRIPT * 10_001), "'shot'"),
    (
        "script image that is not one",
        script(SCRIPT + 'image = "ref.png"\n', {"ref.png": b"not a picture"}),
        "'image'",
    ),
    (
        "script sound that is not one",
        script(SCRIPT + '[[audio]]\nfile = "a.wav"\n', {"a.wav": b"RIFF"}),
        "'file'",
    ),
    # project bundles
    ("clip duration 10**12", bundle(_set(clip, duration=10**12)), "clips[0].duration"),
    ("clip start 10**12", bundle(_set(clip, start=10**12)), "clips[0].start"),
    ("clip fade 1e308", bundle(_set(clip, fade_in=1e308)), "clips[0].fade_in"),
    ("track gain 1e308", bundle(lambda p: p["tracks"][0].update(gain_db=1e308)), "gain_db"),
    ("NaN in JSON", bundle(text='{"schema_version": 1, "fps": NaN}'), "project.json:1"),
    ("Infinity in JSON", bundle(text='{"schema_version": 1,\n"fps": Infinity}'), "project.json:2"),
    ("1e400 in JSON", bundle(text='{"schema_version": 1,\n\n"fps": 1e400}'), "'fps'"),
    (
        "100,000 digits in JSON",
        bundle(text='{"schema_version": ' + "9" * 100_000 + "}"),
        "project.json:1",
    ),
    (
        "deep arrays in JSON",
        bundle(text='{"schema_version": 1, "title": ' + "[" * 100_000 + "]" * 100_000 + "}"),
        "nested",
    ),
    (
        "deep objects in take params",
        bundle(lambda p: take(p).update(params=_nest(40))),
        "takes.take00000001.params",
    ),
    ("lone surrogate", bundle(text='{"schema_version": 1, "title": "\\ud800"}'), "title"),
    ("take path too long", bundle(_set(take, path="takes/" + "y" * 5000)), ".path"),
    ("take path NUL", bundle(_set(take, path="takes/\x00.mp4")), ".path"),
    ("media path too long", bundle(_set(clip, media="m/" * 700, take_id=None)), "media"),
    ("media path NUL", bundle(_set(clip, media="a\x00.mp4", take_id=None)), "media"),
    ("image path control", bundle(lambda p: p["shots"][0].update(image="a\x1b.png")), "image"),
    # validate used to accept these and render then failed
    ("take not a video", bundle(files={"takes/take00000001.mp4": b"hello"}), ".path"),
    ("take zero bytes", bundle(files={"takes/take00000001.mp4": b""}), ".path"),
    ("take a sound file", bundle(files={"takes/take00000001.mp4": wav_bytes()}), ".path"),
    (
        "shot image not a picture",
        bundle(
            lambda p: p["shots"][0].update(image="media/ref.png", current_take=None),
            files={"media/ref.png": b"GIF89a nope"},
        ),
        "shots[0].image",
    ),
    (
        "still clip not a picture",
        bundle(_set(clip, media="media/a.png", take_id=None), files={"media/a.png": b"x"}),
        "clips[0].media",
    ),
    (
        "picture bomb",
        bundle(
            _set(clip, media="media/a.png", take_id=None),
            files={"media/a.png": png_bytes(60_000, 60_000, pixels=False)},
        ),
        "clips[0].media",
    ),
    (
        "audio clip not a sound",
        bundle(
            lambda p: p["tracks"].append(
                {"kind": "audio", "clips": [{"media": "media/a.wav", "start": 0, "duration": 5}]}
            ),
            files={"media/a.wav": b"RIFF0000WAVE"},
        ),
        "tracks[1].clips[0].media",
    ),
    (
        "audio clip missing",
        bundle(
            lambda p: p["tracks"].append(
                {"kind": "audio", "clips": [{"media": "media/no.wav", "start": 0, "duration": 5}]}
            )
        ),
        "tracks[1].clips[0].media",
    ),
    (
        "timeline over an hour",
        bundle(_set(clip, start=100_000, duration=5)),
        "tracks",
    ),
]


def _nest(depth: int) -> dict:
    value: dict = {}
    for _ in range(depth):
        value = {"a": value}
    return value


@pytest.mark.parametrize("command", ["validate", "render"])
@pytest.mark.parametrize("name,build,field", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_exit_2_naming_the_field(tmp_path, capsys, command, name, build, field):
    target = build(tmp_path)
    out = tmp_path / "out.mp4"
    args = [command, str(target)] + (["-o", str(out)] if command == "render" else [])
    code = main(args)
    err = capsys.readouterr().err
    assert code == 2, err
    assert field in err, err
    assert "Traceback" not in err and "unexpected failure" not in err
    assert not out.exists()


@pytest.mark.parametrize(
    "option,value,field",
    [
        ("-o", "x" * 300 + ".mp4", "--output"),
        ("-o", "d/" * 600 + "o.mp4", "--output"),
        ("--project", "p" * 300, "--project"),
    ],
)
def test_over_long_output_paths_are_exit_2(tmp_path, capsys, option, value, field):
    board = script(SCRIPT)(tmp_path)
    args = ["render", str(board), "-o", str(tmp_path / "o.mp4"), option, str(tmp_path / value)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert field in err and "Traceback" not in err


@pytest.mark.parametrize("command", ["validate", "render"])
def test_over_long_input_path_is_exit_2(tmp_path, capsys, command):
    target = tmp_path / (("d" * 200 + "/") * 8) / "board.toml"
    args = [command, str(target)] + (["-o", str(tmp_path / "o.mp4")] if command == "render" else [])
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "input" in err and "Traceback" not in err


def test_oversized_files_are_refused_before_parsing(tmp_path, capsys):
    big = tmp_path / "big.toml"
    big.write_text(SCRIPT + "# " + "x" * (9 * 2**20) + "\n")
    assert main(["validate", str(big)]) == 2
    assert "MB" in capsys.readouterr().err
    folder = write_bundle(tmp_path / "big.sbproj")
    project = base_project()
    project["title"] = "t" * (9 * 2**20)
    write_bundle(folder, project)
    assert main(["validate", str(folder)]) == 2
    assert "project.json" in capsys.readouterr().err


def test_limits_leave_real_work_alone(tmp_path, capsys):
    """The example storyboard and the base bundle still validate."""
    example = (
        Path(__file__).resolve().parents[2]
        / "studio"
        / "resources"
        / "examples"
        / "morning-run.toml"
    )
    assert main(["validate", str(example)]) == 0
    assert main(["validate", str(write_bundle(tmp_path / "ok.sbproj"))]) == 0


def test_validate_prints_a_hostile_title_as_escapes(tmp_path, capsys):
    project = base_project()
    project["title"] = "\x1b]0;owned\x07\x1b[2J" + "t" * 1000
    assert main(["validate", str(write_bundle(tmp_path / "t.sbproj", project))]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\\x1b[2J" in out and len(out) < 600
