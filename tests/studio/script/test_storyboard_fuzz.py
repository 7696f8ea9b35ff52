"""Hypothesis: any text or TOML data gives a storyboard or a clean InputError, never a crash."""

from __future__ import annotations

import tomllib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
