"""Whether a model folder can load, decided on disk without importing torch or running code.

The registry asks these questions for every folder it lists, and the loader refuses what they
refuse (ModelInfo.require_usable), so `models list` says exactly why a folder will not load:
unreadable or absurdly nested JSON, a pipeline or component class the installed diffusers /
transformers do not define (custom classes), code named from the model folder (remote code,
`auto_map`), and weights files that are not safetensors at all.
"""

from __future__ import annotations

import importlib.util
import json
import re
import struct
from functools import lru_cache
from pathlib import Path

MAX_JSON_BYTES = 16 * 1024 * 1024
MAX_HEADER = 100 * 1024 * 1024  # a safetensors header is JSON; real ones are kilobytes
SAFE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")


def read_json(path: Path) -> tuple[object | None, str | None]:
    """The parsed file, or why it cannot be read (never raises)."""
    try:
        if path.stat().st_size > MAX_JSON_BYTES:
            return None, f"{path}: too large for a config ({path.stat().st_size} bytes)"
        return json.loads(path.read_bytes().decode("utf-8")), None
    except RecursionError:
        return None, f"{path}: nested too deeply to read"
    except (OSError, ValueError) as exc:
        return None, f"{path}: cannot read ({exc.__class__.__name__}: {exc})"


def _package_dir(name: str) -> Path | None:
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    roots = list(spec.submodule_search_locations or []) if spec else []
    return Path(roots[0]) if roots else None


@lru_cache(maxsize=64)
def _init_text(package: str, sub: str = "") -> str:
    root = _package_dir(package)
    if root is None:
        return ""
    try:
        return (root / sub / "__init__.py").read_text(encoding="utf-8")
    except OSError:
        return ""


@lru_cache(maxsize=1)
def _transformers_names() -> frozenset[str]:
    """Names the transformers package exports (its lazy module lists them without torch)."""
    if _package_dir("transformers") is None:
        return frozenset()
    import transformers

    return frozenset(dir(transformers))


def class_problem(library: str, cls: str) -> str | None:
    """Why `library.cls` cannot be loaded from the installed packages, or None."""
    if library == "diffusers":
        text = _init_text("diffusers")
        if not text:
            return "diffusers is not installed (pip install -e '.[diffusion]')"
        return None if f'"{cls}"' in text else f"diffusers has no class '{cls}' (custom class)"
    if library == "transformers":
        names = _transformers_names()
        if not names:
            return "transformers is not installed (pip install -e '.[diffusion]')"
        return None if cls in names else f"transformers has no class '{cls}' (custom class)"
    # a pipeline package inside diffusers itself ("stable_audio", "audioldm2")
    text = _init_text("diffusers", f"pipelines/{library}")
    return None if f'"{cls}"' in text else f"diffusers.pipelines.{library} has no class '{cls}'"


def safetensors_problem(path: Path) -> str | None:
    """Why a .safetensors file is not one (header length and JSON header), or None."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as f:
            head = f.read(8)
            if len(head) < 8:
                return f"{path}: not a safetensors file (too short)"
            (length,) = struct.unpack("<Q", head)
            if not 2 <= length <= min(MAX_HEADER, size - 8):
                return f"{path}: not a safetensors file (bad header length)"
            header = json.loads(f.read(length).decode("utf-8"))
    except RecursionError:
        return f"{path}: not a safetensors file (header nested too deeply)"
    except (OSError, ValueError) as exc:
        return f"{path}: not a safetensors file ({exc.__class__.__name__})"
    if not isinstance(header, dict):
        return f"{path}: not a safetensors file (header is not a JSON object)"
    return None
