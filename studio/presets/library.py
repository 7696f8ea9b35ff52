"""The preset library: built-in presets from studio/resources/presets plus the user's own.

User presets live in the user data folder and may extend (`extends = "anime"`) or override a
built-in preset of the same name.
"""

from __future__ import annotations

import difflib
import tomllib
from pathlib import Path

from pydantic import ValidationError

from studio import atomic
from studio.errors import InputError, Location
from studio.paths import resources_dir, user_presets_dir
from studio.presets.preset import StylePreset


def builtin_presets_dir() -> Path:
    return resources_dir() / "presets"


def _read(path: Path) -> dict:
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML: {exc}", Location(file=str(path))) from None


def _line(path: Path, loc: tuple) -> int | None:
    """The line of a preset file a validation error points at (None when not found)."""
    from studio.script.locate import KeyLocator

    try:
        return KeyLocator(path.read_text(encoding="utf-8")).line_of(tuple(loc))
    except (OSError, UnicodeDecodeError, ValueError):
        return None


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


class PresetLibrary:
    """All presets a user can pick, by name."""

    def __init__(self, builtin_dir: Path | None = None, user_dir: Path | None = None):
        self.builtin_dir = builtin_dir or builtin_presets_dir()
        self.user_dir = user_dir or user_presets_dir()
        self._raw: dict[str, tuple[dict, bool, Path]] = {}
        self._presets: dict[str, StylePreset] = {}
        self.reload()

    def reload(self) -> None:
        self._raw.clear()
        self._presets.clear()
        for folder, builtin in ((self.builtin_dir, True), (self.user_dir, False)):
            if folder and folder.is_dir():
                for path in sorted(folder.glob("*.toml")):
                    data = _read(path)
                    data.setdefault("name", path.stem)
                    if not builtin and data["name"] in self._raw and "extends" not in data:
                        data["extends"] = None
                    prior = self._raw.get(data["name"])
                    if not builtin and prior and prior[1]:
                        data = _merge(prior[0], data)  # a user file overrides a built-in's fields
                    self._raw[data["name"]] = (data, builtin, path)
        for name in list(self._raw):
            self._presets[name] = self._resolve(name, ())

    def _resolve(self, name: str, chain: tuple[str, ...]) -> StylePreset:
        data, builtin, path = self._raw[name]
        parent = data.get("extends")
        if parent:
            if parent in chain or parent == name:
                raise InputError(
                    f"preset '{name}' extends itself", Location(str(path), None, "extends")
                )
            if parent not in self._raw:
                raise InputError(
                    f"extends unknown preset '{parent}'", Location(str(path), None, "extends")
                )
            base = self._resolve(parent, (*chain, name)).model_dump()
            base.pop("builtin", None)
            data = _merge(base, data)
        try:
            preset = StylePreset.model_validate(data)
        except ValidationError as exc:
            err = exc.errors()[0]
            field = ".".join(str(p) for p in err["loc"])
            message = err["msg"].removeprefix("Value error, ")
            raise InputError(message, Location(str(path), _line(path, err["loc"]), field)) from None
        preset.builtin = builtin
        return preset

    # --- queries ------------------------------------------------------------------------
    def names(self) -> list[str]:
        return sorted(self._presets)

    def all(self) -> list[StylePreset]:
        return [self._presets[n] for n in self.names()]

    def __contains__(self, name: str) -> bool:
        return name in self._presets

    def get(self, name: str) -> StylePreset:
        try:
            return self._presets[name]
        except KeyError:
            raise InputError(unknown_preset_message(name, self.names())) from None

    def find(self, name: str | None) -> StylePreset | None:
        return self._presets.get(name) if name else None

    # --- user presets -------------------------------------------------------------------
    def save_user_preset(self, preset: StylePreset) -> Path:
        """Write a user preset as TOML (atomic) and reload."""
        path = self.user_dir / f"{preset.name}.toml"
        atomic.write_text(path, to_toml(preset.model_dump(exclude_none=True)))
        self.reload()
        return path

    def delete_user_preset(self, name: str) -> bool:
        path = self.user_dir / f"{name}.toml"
        if not path.exists():
            return False
        path.unlink()
        self.reload()
        return True


def unknown_preset_message(name: str, names: list[str]) -> str:
    near = difflib.get_close_matches(name, names, n=1)
    hint = f" (did you mean '{near[0]}'?)" if near else ""
    return f"unknown style preset '{name}'{hint}; known: {', '.join(names)}"


def to_toml(data: dict, prefix: str = "") -> str:
    """Minimal TOML writer for preset data (scalars, lists of scalars, nested tables)."""
    lines, tables = [], []
    for key, value in data.items():
        if isinstance(value, dict):
            tables.append((key, value))
        else:
            lines.append(f"{key} = {toml_value(value)}")
    out = "\n".join(lines)
    for key, value in tables:
        name = f"{prefix}.{key}" if prefix else key
        out += f"\n\n[{name}]\n" + to_toml(value, name)
    return out.strip() + "\n"


def toml_value(value) -> str:
    """One TOML value: booleans, numbers, lists, or a basic string with every escape needed."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):  # an inline table: a preset's `lora = [{file = …, weight = …}]`
        return "{" + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + "}"
    return '"' + "".join(_escape(ch) for ch in str(value)) + '"'


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _escape(ch: str) -> str:
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    if ord(ch) < 0x20 or ord(ch) == 0x7F:
        return f"\\u{ord(ch):04x}"
    return ch
