"""Hypothesis: any text or TOML data gives a storyboard or a clean InputError, never a crash."""

from __future__ import annotations

import contextlib
import io
import tomllib
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studio.cli.main import main
from studio.errors import InputError
from studio.presets.library import PresetLibrary
from studio.script import parse_storyboard

LIB = PresetLibrary()

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-10, 10**10),
    st.floats(allow_nan=True),
    st.text(max_size=12),
    st.sampled_from(["crossfade", "dip-to-black", "cut", "orbit", "anime"]),
)
keys = st.sampled_from(
    [
        "prompt",
        "duration",
        "camera",
        "style",
        "seed",
        "image",
        "transition",
        "transition_duration",
        "audio",
        "name",
        "bogus",
        "file",
        "start",
        "gain_db",
    ]
)
shot = st.dictionaries(keys, scalars, max_size=6)
doc = st.fixed_dictionaries(
    {},
    optional={
        "title": scalars,
        "format": scalars,
        "fps": scalars,
        "style": scalars,
        "shot": st.one_of(st.lists(shot, max_size=4), scalars),
        "audio": st.one_of(st.lists(shot, max_size=2), scalars),
    },
)


def toml_text(data: dict) -> str:
    lines = []
    for key, value in data.items():
        if isinstance(value, list):
            continue
        if value is not None:
            lines.append(f"{key} = {render(value)}")
    for key, value in data.items():
        if isinstance(value, list):
            for table in value:
                lines.append(f"[[{key}]]")
                lines += [f"{k} = {render(v)}" for k, v in table.items() if v is not None]
    return "\n".join(lines) + "\n"


def render(value) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return {"nan": "nan", "inf": "inf", "-inf": "-inf"}.get(str(value), repr(value))
    if isinstance(value, int):
        return str(value)
    return (
        '"'
        + value.replace("\\", "\\\\")
        .replace('"', '\\"')
        .encode("unicode_escape")
        .decode("ascii")
        .replace("\\\\", "\\")
        + '"'
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=200))
def test_any_text_is_a_storyboard_or_a_clean_error(text):
    try:
        parse_storyboard(text, "fuzz.toml", presets=LIB)
    except InputError as exc:
        assert str(exc)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc)
def test_structured_documents_give_located_errors(data):
    text = toml_text(data)
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return
    try:
        board = parse_storyboard(text, "fuzz.toml", presets=LIB)
    except InputError as exc:
        assert "fuzz.toml" in str(exc)
    else:
        assert board.duration > 0


# --- mutated scripts at the limits (issue 10) -----------------------------------------------
# A valid storyboard, mutated the way a hostile or broken file would be: huge numbers, long
# and odd paths, deep nesting, control characters, truncation. Each goes through `validate`'s
# own entry point (the CLI's main, in process) and must end in exit 0 or 2, never 4 and never a
# traceback, within the per-example deadline.

SEED_SCRIPT = """\
title = "Harbour"
description = \"\"\"
A short film.\"\"\"
format = "square"
fps = 24
style = "film-noir"

[[shot]]
name = "1A"
prompt = "a red lighthouse on a stormy sea"
duration = 0.5
camera = "dolly-in"
image = "ref.png"
seed = 7
transition = "crossfade"
transition_duration = 0.25

[[shot]]
prompt = "a green forest clearing"
duration = 0.5

[[audio]]
file = "tone.wav"
start = 0.0
gain_db = -6.0
offset = 0.0
duration = 0.5
fade_in = 0.1
fade_out = 0.1
pan = 0.0
track = 1
"""

_LINES = SEED_SCRIPT.splitlines()
_KEYS = sorted({ln.split("=")[0].strip() for ln in _LINES if " = " in ln} | {"bogus"})


def _escaped(text: str) -> str:
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F or 0xD800 <= ord(ch) <= 0xDFFF:
            out.append(f"\\u{ord(ch) if ord(ch) < 0xD800 else 0xFFFD:04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


huge_numbers = st.one_of(
    st.integers(1, 100_000).map(lambda n: "9" * n),
    st.integers(1, 6000).map(lambda n: "-" + "1_" * n + "1"),
    st.sampled_from(
        ["inf", "-inf", "nan", "+nan", "1e308", "1e309", "-1e308", "5e-324", "-0.0", "0x7fffffff"]
    ),
    st.integers(-(2**70), 2**70).map(str),
    st.floats().map(lambda f: {"nan": "nan", "inf": "inf", "-inf": "-inf"}.get(str(f), repr(f))),
)
path_parts = st.sampled_from(
    ["a", "é", "x" * 300, "..", "~", "~nobody", "\x00", "\x1f", "\x7f", "ref.png", " ", "\\"]
)
long_paths = st.builds(
    lambda n, part, tail: _escaped((part + "/") * n + tail),
    st.integers(0, 3000),
    path_parts,
    st.sampled_from(["x.png", "tone.wav", "", "ref.png", "\x00.png"]),
)
deep_values = st.builds(
    lambda depth, table: (
        ("{a = " * depth + "1" + "}" * depth) if table else ("[" * depth + "1" + "]" * depth)
    ),
    st.integers(1, 6000),
    st.booleans(),
)
odd_strings = st.text(max_size=40).map(_escaped)
values = st.one_of(huge_numbers, long_paths, deep_values, odd_strings)
raw_text = st.one_of(
    st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=8),
    st.sampled_from(['"""', "'''", "[[shot]]", "[", "=", "\\", "\x00", "\r", "#", "\ufeff"]),
)

mutation = st.one_of(
    st.tuples(st.just("set"), st.integers(0, len(_LINES) - 1), values),
    st.tuples(st.just("add"), st.integers(0, len(_LINES)), st.sampled_from(_KEYS), values),
    st.tuples(st.just("splice"), st.floats(0, 1), raw_text),
    st.tuples(st.just("cut"), st.floats(0, 1)),
)


def mutate(steps: list[tuple]) -> str:
    lines = list(_LINES)
    for step in steps:
        if step[0] == "set" and " = " in lines[step[1] % len(lines)]:
            i = step[1] % len(lines)
            lines[i] = lines[i].split(" = ")[0] + " = " + step[2]
        elif step[0] == "add":
            lines.insert(min(step[1], len(lines)), f"{step[2]} = {step[3]}")
        elif step[0] in ("splice", "cut"):
            text = "\n".join(lines)
            at = int(step[1] * len(text))
            text = text[:at] + step[2] + text[at:] if step[0] == "splice" else text[:at]
            lines = text.split("\n") or [""]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory):
    from tests.studio.hostile_kit import png_bytes, wav_bytes

    folder = tmp_path_factory.mktemp("fuzz")
    (folder / "ref.png").write_bytes(png_bytes())
    (folder / "tone.wav").write_bytes(wav_bytes(0.5))
    return folder


def test_mutated_scripts_end_in_exit_0_or_2(fuzz_dir):
    """2,000 mutated scripts through validate; each within a generous per-example deadline."""
    seen = {0: 0, 2: 0}

    @settings(
        max_examples=2000,
        deadline=timedelta(seconds=5),
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        database=None,
    )
    @given(st.lists(mutation, min_size=1, max_size=3))
    def check(steps):
        path = fuzz_dir / "board.toml"
        path.write_bytes(mutate(steps).encode("utf-8", "surrogatepass"))
        err, out = io.StringIO(), io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
            code = main(["validate", str(path)])
        assert code in (0, 2), err.getvalue()
        assert "Traceback" not in err.getvalue() and "unexpected failure" not in err.getvalue()
        if code == 2:
            assert "board.toml" in err.getvalue()
        seen[code] += 1

    check()
    assert seen[0] > 50 and seen[2] > 500  # the mutations reach both outcomes
