"""Which Python the GPU engine runs in: `<user data>/engine.json`, or STUDIO_ENGINE_PYTHON."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from studio import atomic
from studio.errors import EngineFailure, InputError, Location
from studio.paths import user_data_dir

ENV_PYTHON = "STUDIO_ENGINE_PYTHON"
CONFIG_FILE = "engine.json"


class EngineEnv(BaseModel):
    """The environment the GPU engine was set up in (written by `engine install` / `use`)."""

    model_config = ConfigDict(extra="forbid")

    python: str  # its interpreter
    path: str  # the environment's folder
    kind: Literal["installed", "existing"] = "installed"
    torch: str | None = None  # torch.__version__ there, e.g. 2.13.0+cu128
    build: str | None = None  # cpu | cu128 | … (what was asked for at install)


def engine_dir() -> Path:
    return user_data_dir() / "engine"


def default_env_path() -> Path:
    return engine_dir() / "venv"


def config_path() -> Path:
    return user_data_dir() / CONFIG_FILE


def venv_python(folder: Path) -> Path:
    """The interpreter inside a virtual environment (or a conda env) folder."""
    folder = Path(folder)
    if sys.platform == "win32":
        for candidate in (folder / "Scripts" / "python.exe", folder / "python.exe"):
            if candidate.exists():
                return candidate
        return folder / "Scripts" / "python.exe"
    for name in ("python3", "python"):
        if (folder / "bin" / name).exists():
            return folder / "bin" / name
    return folder / "bin" / "python3"


def load() -> EngineEnv | None:
    """The configured engine environment, or None when none was set up."""
    path = config_path()
    if not path.is_file():
        return None
    try:
        return EngineEnv.model_validate_json(path.read_text(encoding="utf-8"))
    except (ValidationError, ValueError, UnicodeDecodeError) as exc:
        raise InputError(
            f"the GPU engine settings are unreadable ({exc.__class__.__name__}); run "
            "`storyboard-studio engine install` or `engine use DIR` again",
            Location(str(path)),
        ) from None


def save(env: EngineEnv) -> Path:
    path = config_path()
    atomic.write_text(path, env.model_dump_json(indent=1))
    return path


def engine_python() -> Path:
    """The Python the diffusion worker runs in; EngineFailure saying how to set one up."""
    override = os.environ.get(ENV_PYTHON)
    if override:
        return Path(override)
    env = load()
    if env is None:
        raise EngineFailure(
            "the GPU engine is not set up: this app has no torch of its own. Set it up with "
            "Settings → GPU engine, or `storyboard-studio engine install` (or `engine use DIR` "
            "for an environment you already have); the animatic engine needs none of it"
        )
    return Path(env.python)
