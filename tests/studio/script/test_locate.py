"""The key locator: right lines on tricky TOML, and linear time on hostile text (issue 10,
defect 3: a 6 KB script the product accepts made `validate` take 86 s).

Times are never asserted: the slow cases run the real CLI in a subprocess with a generous
timeout, which the old cubic regex overran by minutes."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from studio.script.locate import KeyLocator

ROOT = Path(__file__).resolve().parents[3]


def six_kb_script(spaces: int = 6000) -> str:
    """A script `validate` accepts: a long multi-line description whose text the old locator
    mistook for a table header (`[` and thousands of spaces) and matched in cubic time."""
    return (
        'title = "Harbour"\n'
        'description = """\n'
        "It's the '''first''' cut, the one that says it's '''final\n"
        "[" + " " * spaces + "notes\n"
        '"""\n'
        'format = "square"\n\n'
        "[[shot]]\n"
        'prompt = "a red lighthouse on a stormy sea"\n'
        "duration = 0.5\n"
    )


def megabyte_script() -> str:
    shots = "".join(
        f'[[shot]]\nprompt = "shot {i}: a [bracketed] = \\"quoted\\" thing" # note\n'
        f"duration = 0.25\ncamera = 'static'\n"
        for i in range(9000)
    )
    text = 'description = """' + "a long line of description [x] = y\n" * 3000 + '"""\n' + shots
    assert len(text) > 2**20
    return text


def validate_in_subprocess(tmp_path: Path, text: str) -> subprocess.CompletedProcess:
    path = tmp_path / "board.toml"
    path.write_text(text)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "studio", "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=20,  # the old locator needed minutes for the 6 KB script
        env=env,
        cwd=ROOT,
    )


def test_six_kilobyte_description_validates_quickly(tmp_path):
    text = six_kb_script()
    assert 6000 <= len(text.encode()) < 7000
    tomllib.loads(text)  # valid TOML: the product accepts it
    result = validate_in_subprocess(tmp_path, text)
    assert result.returncode == 0, result.stderr
    assert "1 shots" in result.stdout


def test_megabyte_script_validates_quickly(tmp_path):
    result = validate_in_subprocess(tmp_path, megabyte_script())
    assert result.returncode == 0, result.stderr
    assert "9000 shots" in result.stdout


def test_errors_after_the_long_description_name_the_right_line(tmp_path):
    text = six_kb_script().replace("duration = 0.5", "duration = -1")
    result = validate_in_subprocess(tmp_path, text)
    assert result.returncode == 2
    assert "board.toml:10, shot 1, key 'duration'" in result.stderr


TRICKY = """\
title = "a"   # comment with [[shot]] in it
description = '''
[[shot]]
duration = 99
'''
tags = [1,
  2, # ]
  [3, "]"],
]
inline = { a = "}", b = [1, {c = 2}] }
"quoted key" = 1
dotted.key = 2

[[shot]] # first
prompt = \"\"\"multi
duration = 5 inside a string\"\"\"
duration = 1

  [[ shot ]]
prompt = 'x'
camera = "static"
[[audio]]
file = "a \\" [[shot]] .wav"
start = 2
[[shot]]
prompt = "tail \\\\"
duration = 3
"""


@pytest.mark.parametrize(
    "path,line",
    [
        (("title",), 1),
        (("description",), 2),
        (("tags",), 6),
        (("inline",), 10),
        (("quoted key",), 11),
        (("dotted",), 12),
        (("shot", 0), 14),
        (("shot", 0, "prompt"), 15),
        (("shot", 0, "duration"), 17),
        (("shot", 1), 19),
        (("shot", 1, "camera"), 21),
        (("shot", 1, "duration"), 19),  # missing key: the table's header
        (("audio", 0, "start"), 24),
        (("shot", 2), 25),
        (("shot", 2, "duration"), 27),
    ],
)
def test_lines_on_tricky_toml(path, line):
    data = tomllib.loads(TRICKY)
    assert len(data["shot"]) == 3 and data["shot"][0]["duration"] == 1
    assert KeyLocator(TRICKY).line_of(path) == line


def test_nesting_depth_is_measured_outside_strings():
    loc = KeyLocator('a = "[[[[["\nb = [[1], [[2]]]\nc = {x = {y = [1]}}\n')
    assert (loc.max_depth, loc.max_depth_line) == (3, 2)


@pytest.mark.parametrize(
    "text",
    [
        "[" * 50_000,
        '"""' * 20_001,
        "a = " + "'" * 30_001,
        "\\" * 40_000 + '"',
        "x = [" + '"\\' * 30_000,
        "[[" + " " * 40_000 + "x",
        "a" + " . a" * 20_000 + " = 1",
    ],
)
def test_hostile_text_never_hangs_or_crashes(text):
    """Not valid TOML (the parser refuses it first), but the scan must still end, in one pass."""
    loc = KeyLocator(text)
    assert loc.line_of(("shot", 0, "duration")) in (None, 1)
