"""Limits on what a storyboard script or a project file may hold.

Files arrive from other people. Without limits a 100,000-digit number, an array nested 100,000
deep, `inf` as an audio offset or a clip a trillion frames long each crash the app (Python's
int-string limit, RecursionError, OverflowError, a petabyte allocation) instead of ending in a
clear error. The script parser, the project loader and the models all take their limits from
here, so `validate` and `render` refuse the same things in the same words.
"""

from __future__ import annotations

import json
import math
import re
from typing import Annotated, Any

from pydantic import AfterValidator

from studio.errors import InputError, Location

MAX_FILE_BYTES = 8 * 1024 * 1024  # a script or project.json; real ones are a few hundred KB
MAX_NESTING = 32  # arrays / tables / objects inside each other (a project needs about 8)
MAX_ITEMS = 10_000  # shots, tracks, clips on a track, audio cues, takes
MAX_INT_DIGITS = 30  # no count, frame or seed needs more; Python refuses 4,300 and up
MAX_SHOT_SECONDS = 600.0
MAX_TIMELINE_SECONDS = 3600.0  # a film's length; positions, durations and fades on the timeline
MAX_MEDIA_SECONDS = 24 * 3600.0  # offsets into a media file
MAX_FPS = 30  # the highest of studio.model.SUPPORTED_FPS (the model imports this module)
MAX_TIMELINE_FRAMES = int(MAX_TIMELINE_SECONDS * MAX_FPS)
MAX_MEDIA_FRAMES = int(MAX_MEDIA_SECONDS * 240)  # a take's own frame count, at up to 240 fps
MAX_PIXELS_SIDE = 16_384
MAX_SEED = 2**64 - 1
MAX_PATH_CHARS = 1024
MAX_NAME_BYTES = 255  # one path component, as most file systems allow


# --- paths ---------------------------------------------------------------------------------


def path_problem(text: str) -> str | None:
    """Why a path written in a file (or given on the command line) cannot be used, or None.

    Checked before the path reaches the OS, which would answer with ENAMETOOLONG or
    "embedded null byte" crashes instead of a message naming the field."""
    bad = next((c for c in text if ord(c) < 0x20 or ord(c) == 0x7F), None)
    if bad is not None:
        return f"the path holds a control character (U+{ord(bad):04X})"
    if len(text) > MAX_PATH_CHARS:
        return f"the path is {len(text):,} characters long (at most {MAX_PATH_CHARS:,})"
    for part in text.replace("\\", "/").split("/"):
        size = len(part.encode("utf-8", "surrogatepass"))
        if size > MAX_NAME_BYTES:
            return f"a name in the path is {size:,} bytes long (at most {MAX_NAME_BYTES})"
    return None


def _path_text(value: str) -> str:
    problem = path_problem(value)
    if problem:
        raise ValueError(problem)
    return value


PathText = Annotated[str, AfterValidator(_path_text)]


def check_path_arg(path: object, field: str) -> None:
    """A path from the command line: exit 2 naming the option instead of an OS crash."""
    problem = path_problem(str(path))
    if problem:
        raise InputError(problem, Location(field=field))


# --- numbers -------------------------------------------------------------------------------


def finite_problem(value: float) -> str | None:
    if isinstance(value, float) and not math.isfinite(value):
        return f"must be a finite number, not {value}"
    return None


# --- whole documents -----------------------------------------------------------------------


def check_text_size(text: str, file: str) -> None:
    """Refuse a script or project file over MAX_FILE_BYTES before parsing it."""
    size = len(text) if len(text) * 4 <= MAX_FILE_BYTES else len(text.encode("utf-8", "replace"))
    if size > MAX_FILE_BYTES:
        raise InputError(
            f"the file is {size / 2**20:.1f} MB; at most {MAX_FILE_BYTES // 2**20} MB is read",
            Location(file=file),
        )


def too_deep(data: Any, limit: int = MAX_NESTING) -> tuple | None:
    """The path to the first value nested deeper than `limit`, or None. Iterative (a recursive
    walk would itself overflow the stack on what it is meant to catch); only containers are
    visited, and the path is worked out only when there is a problem."""
    containers = (dict, list)
    if not isinstance(data, containers):
        return None
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        children = value.values() if isinstance(value, dict) else value
        inner = [v for v in children if isinstance(v, containers)]
        if inner:
            if depth >= limit:
                return _path_deeper_than(data, limit)
            stack.extend((v, depth + 1) for v in inner)
    return None


def _path_deeper_than(data: Any, limit: int) -> tuple:
    """The path to a container nested `limit` deep that holds another (slow; error path)."""
    stack: list[tuple[Any, tuple]] = [(data, ())]
    while stack:
        value, path = stack.pop()
        items = value.items() if isinstance(value, dict) else enumerate(value)
        inner = [(k, v) for k, v in items if isinstance(v, dict | list)]
        if inner and len(path) >= limit:
            return path
        stack.extend((v, (*path, k)) for k, v in inner)
    return ()


def format_path(path: tuple) -> str:
    """('tracks', 0, 'clips') -> 'tracks[0].clips'."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out


def nesting_error(path: tuple, file: str, line: int | None = None) -> InputError:
    shown = format_path(path[:6]) + (" …" if len(path) > 6 else "")
    return InputError(
        f"values are nested more than {MAX_NESTING} levels deep", Location(file, line, shown)
    )


class _BadNumber(ValueError):
    def __init__(self, token: str):
        super().__init__(token)
        self.token = token


def _json_constant(token: str) -> float:
    raise _BadNumber(token)  # NaN, Infinity, -Infinity: Python's json accepts them, JSON does not


def load_json(text: str, file: str) -> Any:
    """json.loads within the limits: size, nesting depth, finite numbers, numbers of sane
    length, text that is Unicode. Errors name the file and the line or the field."""
    check_text_size(text, file)
    try:
        data = json.loads(text, parse_constant=_json_constant)
    except _BadNumber as exc:
        raise InputError(
            f"{exc.token} is not a JSON number", Location(file, _line_of(text, exc.token))
        ) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            f"not valid JSON: {exc.msg}", Location(file=file, line=exc.lineno)
        ) from None
    except RecursionError:
        raise InputError(
            f"values are nested more than {MAX_NESTING} levels deep", Location(file=file)
        ) from None
    except ValueError:  # Python's int-string limit: a number with thousands of digits
        raise InputError(
            "a number with thousands of digits is out of range",
            Location(file=file, line=long_number_line(text)),
        ) from None
    deep = too_deep(data)
    if deep is not None:
        raise nesting_error(deep, file)
    if _SURROGATE_ESCAPE.search(text):  # rare: only then walk the values to find it
        bad = _unpaired_surrogate(data)
        if bad is not None:
            raise InputError(
                "text holds an unpaired UTF-16 surrogate escape (such as \\ud800)",
                Location(file, None, format_path(bad) or None),
            )
    return data


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abcdefABCDEF]")


def _unpaired_surrogate(data: Any) -> tuple | None:
    """The path to the first text (or key) that cannot be written as UTF-8: `\\ud800` is valid
    JSON but no text, and printing or saving it crashes. Iterative, one pass."""
    stack: list[tuple[Any, tuple]] = [(data, ())]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return path
        elif isinstance(value, dict):
            for k, v in value.items():
                stack.append((k, path))
                stack.append((v, (*path, k)))
        elif isinstance(value, list):
            stack.extend((v, (*path, i)) for i, v in enumerate(value))
    return None


def long_number_line(text: str) -> int | None:
    """Line of the first run of more than 4,300 digits (linear: one greedy class, no overlap)."""
    for m in re.finditer(r"[0-9_]+", text):
        if m.end() - m.start() > 4300:
            return text.count("\n", 0, m.start()) + 1
    return None


def _line_of(text: str, token: str) -> int | None:
    at = text.find(token)
    return text.count("\n", 0, at) + 1 if at >= 0 else None
