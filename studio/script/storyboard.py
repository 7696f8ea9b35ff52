"""Storyboard scripts: TOML files creators write by hand, parsed into a checked Storyboard.

Every problem is reported with the file, the line and the key, all at once, so a creator can
fix a script in one pass.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from studio import limits
from studio.errors import InputError, InputErrors, Location
from studio.media.check import image_problem, sound_problem
from studio.presets.library import PresetLibrary, unknown_preset_message
from studio.script.cast_checks import check_cast
from studio.script.locate import KeyLocator
from studio.script.schema import DEFAULT_TRANSITION_S, KNOWN_KEYS, ScriptFile

_SYNTAX_POS = re.compile(r"\(at line (\d+), column (\d+)\)")
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif", ".tif", ".tiff"}


@dataclass
class Storyboard:
    """A parsed, checked storyboard script and where its relative paths start."""

    script: ScriptFile
    path: Path
    base_dir: Path
    warnings: list[str] = field(default_factory=list)

    @property
    def duration(self) -> float:
        """Seconds of video: shot durations minus the overlaps of transitions between shots."""
        shots = self.script.shot
        total = sum(s.duration for s in shots)
        return total - sum(transition_seconds(s) for s in shots[:-1])

    def resolve(self, relative: str) -> Path:
        p = Path(relative).expanduser()
        return p if p.is_absolute() else (self.base_dir / p)


def transition_seconds(shot) -> float:
    """How long a shot's transition into the next lasts (0 for a cut)."""
    if shot.transition == "cut":
        return 0.0
    if shot.transition_duration is None:
        return min(DEFAULT_TRANSITION_S, shot.duration / 2)
    return shot.transition_duration


class _Reporter:
    def __init__(self, file: str, locator: KeyLocator):
        self.file = file
        self.locator = locator
        self.errors: list[InputError] = []

    def add(self, message: str, path: tuple) -> None:
        self.errors.append(
            InputError(
                message, Location(self.file, self.locator.line_of(path), _field(path), _label(path))
            )
        )

    def raise_if_any(self) -> None:
        if self.errors:
            self.errors.sort(key=lambda e: e.location.line or 0)
            raise InputErrors(self.errors)


def _field(path: tuple) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out


def _label(path: tuple) -> str:
    if len(path) >= 4 and isinstance(path[1], int) and isinstance(path[3], int):
        table = f"{path[0]} {path[1] + 1}, {path[2]} {path[3] + 1}"
        return f"{table}, key '{path[4]}'" if len(path) >= 5 else table
    if len(path) >= 2 and isinstance(path[1], int):
        table = f"{path[0]} {path[1] + 1}"
        return f"{table}, key '{path[2]}'" if len(path) >= 3 else table
    return f"key '{path[0]}'" if path else ""


def load_storyboard(path: Path, presets: PresetLibrary | None = None) -> Storyboard:
    """Read and check a storyboard script; raises InputError(s) naming file, line and key."""
    path = Path(path)
    try:
        with path.open("rb") as f:
            raw = f.read(limits.MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise InputError("no such storyboard file", Location(file=str(path))) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", Location(file=str(path))) from None
    if len(raw) > limits.MAX_FILE_BYTES:
        raise InputError(
            f"the file is over {limits.MAX_FILE_BYTES // 2**20} MB; a storyboard is far smaller",
            Location(file=str(path)),
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", Location(file=str(path))) from None
    return parse_storyboard(text, str(path), path.parent, presets)


def parse_storyboard(
    text: str,
    file: str = "<storyboard>",
    base_dir: Path | None = None,
    presets: PresetLibrary | None = None,
) -> Storyboard:
    base = Path(base_dir) if base_dir else Path.cwd()
    limits.check_text_size(text, file)
    locator = KeyLocator(text)  # linear; also finds nesting too deep for the TOML parser
    if locator.max_depth > limits.MAX_NESTING:
        raise InputError(
            f"values are nested more than {limits.MAX_NESTING} levels deep",
            Location(file=file, line=locator.max_depth_line),
        )
    data = _parse_toml(text, file)
    deep = limits.too_deep(data)  # dotted keys nest too, without brackets
    if deep is not None:
        raise limits.nesting_error(deep, file, locator.line_of(deep[:1]))
    report = _Reporter(file, locator)
    try:
        script = ScriptFile.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            report.add(_explain(err, data), _loc(err))
        report.raise_if_any()
        raise
    board = Storyboard(script, Path(file), base)
    _check_meaning(board, report, presets or PresetLibrary())
    report.raise_if_any()
    return board


def _parse_toml(text: str, file: str) -> dict:
    try:
        return tomllib.loads(text)
    except RecursionError:
        raise InputError(
            f"values are nested more than {limits.MAX_NESTING} levels deep", Location(file=file)
        ) from None
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        pos = _SYNTAX_POS.search(msg)
        line = int(pos.group(1)) if pos else (getattr(exc, "lineno", None) or text.count("\n") + 1)
        msg = _SYNTAX_POS.sub("", msg).strip()
        raise InputError(f"TOML syntax error: {msg}", Location(file=file, line=line)) from None
    except ValueError as exc:  # Python's int-string limit: a number with thousands of digits
        line = limits.long_number_line(text)
        raise InputError(
            f"a number is out of range ({exc.__class__.__name__})", Location(file=file, line=line)
        ) from None


def _loc(err: dict) -> tuple:
    loc = tuple(err["loc"])
    # pydantic puts the failing validator's name or list index after the field; keep the field
    return tuple(p for p in loc if not (isinstance(p, str) and p.startswith("function-")))


def _explain(err: dict, data: dict) -> str:
    kind, loc = err["type"], _loc(err)
    key = str(loc[-1]) if loc else ""
    tables = [p for p in loc[:-1] if isinstance(p, str)]
    if kind == "extra_forbidden":
        table = tables[-1] if tables else ""
        near = difflib.get_close_matches(key, KNOWN_KEYS.get(table, ()), n=1)
        hint = f" (did you mean '{near[0]}'?)" if near else ""
        return f"unknown key '{key}'{hint}"
    if kind == "missing":
        if loc == ("shot",):
            return "a storyboard needs at least one [[shot]]"
        return f"missing required key '{key}'"
    if kind == "enum":
        expected = err.get("ctx", {}).get("expected", "")
        return f"unknown {key} {err.get('input')!r}; choose one of {expected}"
    if kind == "too_short" and loc == ("shot",):
        return "a storyboard needs at least one [[shot]]"
    if kind == "string_too_short":
        return f"'{key}' must not be empty"
    if kind == "list_type" and loc in (("shot",), ("audio",)):
        return f"'{key}' must be written as [[{key}]] tables"
    if kind == "list_type" and len(loc) == 3 and key in ("keyframe", "dialogue"):
        return f"'{key}' must be written as [[shot.{key}]] tables"
    if kind == "model_type":
        name = ".".join(tables) or str(loc[0])
        return f"'{tables[-1] if tables else loc[0]}' entries must be tables ([[{name}]])"
    msg = err["msg"].removeprefix("Value error, ")
    return msg[0].lower() + msg[1:] if msg else kind


def _check_meaning(board: Storyboard, report: _Reporter, presets: PresetLibrary) -> None:
    """Checks beyond types: presets exist, files exist, transitions fit, fps allowed."""
    script = board.script
    names = presets.names()
    if script.style and script.style not in presets:
        report.add(unknown_preset_message(script.style, names), ("style",))
    shots = script.shot
    for i, shot in enumerate(shots):
        if not shot.prompt.strip():
            report.add("'prompt' must not be blank", ("shot", i, "prompt"))
        if shot.style and shot.style not in presets:
            report.add(unknown_preset_message(shot.style, names), ("shot", i, "style"))
        if shot.image:
            _check_file(board, report, shot.image, ("shot", i, "image"), image=True)
        _check_frames(board, report, shot, i)
        _check_transition(shots, i, report, board)
    check_cast(board, report, _check_file)
    _check_loras(board, report)
    for i, cue in enumerate(script.audio):
        _check_file(board, report, cue.file, ("audio", i, "file"), image=False)
        if cue.start >= board.duration:
            board.warnings.append(
                f"{report.file}:{report.locator.line_of(('audio', i, 'start'))}: audio {i + 1} "
                f"starts at {cue.start:g} s, after the film ends ({board.duration:g} s); it is skipped"
            )
        if cue.fade_in + cue.fade_out > (cue.duration or float("inf")):
            report.add("fade_in + fade_out are longer than the cue", ("audio", i, "fade_out"))


def _check_loras(board: Storyboard, report: _Reporter) -> None:
    """Each `[[lora]]` / `[[shot.lora]]` file is a plain .safetensors file with a valid header,
    next to the script or in the user's LoRA folder (pickles refused by name)."""
    from studio.lorafiles.locate import script_lora

    asked = [(lo, ("lora", i, "file")) for i, lo in enumerate(board.script.lora)]
    for i, shot in enumerate(board.script.shot):
        asked += [(lo, ("shot", i, "lora", k, "file")) for k, lo in enumerate(shot.lora)]
    for lora, path in asked:
        try:
            script_lora(board.base_dir, lora.file, Location(report.file))
        except InputError as exc:
            report.add(exc.message, path)


def _check_frames(board: Storyboard, report: _Reporter, shot, i: int) -> None:
    """The last frame and keyframes open as pictures and lie inside the shot; lines say
    something."""
    if shot.last_image:
        _check_file(board, report, shot.last_image, ("shot", i, "last_image"), image=True)
    for k, key in enumerate(shot.keyframe):
        if key.at > shot.duration:
            report.add(
                f"the keyframe at {key.at:g} s is outside the shot ({shot.duration:g} s long)",
                ("shot", i, "keyframe", k, "at"),
            )
        _check_file(board, report, key.image, ("shot", i, "keyframe", k, "image"), image=True)
    for k, line in enumerate(shot.dialogue):
        for name in ("speaker", "text"):
            if not getattr(line, name).strip():
                report.add(f"'{name}' must not be blank", ("shot", i, "dialogue", k, name))


def _check_transition(shots: list, i: int, report: _Reporter, board: Storyboard) -> None:
    shot = shots[i]
    seconds = transition_seconds(shot)
    key = (
        "shot",
        i,
        "transition_duration" if shot.transition_duration is not None else "transition",
    )
    if shot.transition == "cut":
        if shot.transition_duration:
            board.warnings.append(
                f"{report.file}:{report.locator.line_of(key)}: shot {i + 1}: transition_duration "
                "is ignored for a cut"
            )
        return
    if i == len(shots) - 1:
        if seconds > shot.duration:
            report.add(
                f"the fade-out ({seconds:g} s) is longer than the last shot ({shot.duration:g} s)",
                key,
            )
        return
    nxt = shots[i + 1]
    if seconds > min(shot.duration, nxt.duration):
        report.add(
            f"the {shot.transition} ({seconds:g} s) is longer than the shots it joins "
            f"(shot {i + 1}: {shot.duration:g} s, shot {i + 2}: {nxt.duration:g} s)",
            key,
        )
        return
    incoming = transition_seconds(shots[i - 1]) if i > 0 else 0.0
    if incoming + seconds > shot.duration + 1e-9:
        report.add(
            f"shot {i + 1} ({shot.duration:g} s) is shorter than its two transitions together "
            f"({incoming:g} s in + {seconds:g} s out)",
            key,
        )


def _check_file(board: Storyboard, report: _Reporter, name: str, path: tuple, image: bool) -> None:
    """The file exists and opens the way render will open it (the same checks as a bundle's)."""
    try:
        target = board.resolve(name)
        found = target.is_file()
    except (OSError, RuntimeError) as exc:  # RuntimeError: `~user` that does not exist
        report.add(f"cannot use the path '{name}': {exc}", path)
        return
    if not found:
        report.add(f"file not found: {name} (looked in {target.parent})", path)
        return
    if image:
        if target.suffix.lower() not in IMAGE_SUFFIXES:
            report.add(f"'{name}' is not an image file ({', '.join(sorted(IMAGE_SUFFIXES))})", path)
            return
        problem = image_problem(target)
    else:
        problem = sound_problem(target)
    if problem:
        report.add(
            f"'{name}' {problem}" if problem.startswith("has ") else f"'{name}': {problem}", path
        )
