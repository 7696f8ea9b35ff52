"""User folders (platformdirs), all redirected by STUDIO_HOME, and the bundled resources."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import platformdirs

from studio.errors import StudioError

APP = "storyboard-studio"


def _home_override() -> Path | None:
    value = os.environ.get("STUDIO_HOME")
    return Path(value) if value else None


def user_data_dir() -> Path:
    """Profiles, keys, user presets, queue: everything a user owns."""
    home = _home_override()
    path = home / "data" if home else Path(platformdirs.user_data_dir(APP, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def user_config_dir() -> Path:
    home = _home_override()
    path = home / "config" if home else Path(platformdirs.user_config_dir(APP, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def user_cache_dir() -> Path:
    home = _home_override()
    path = home / "cache" if home else Path(platformdirs.user_cache_dir(APP, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def user_presets_dir() -> Path:
    path = user_data_dir() / "presets"
    path.mkdir(parents=True, exist_ok=True)
    return path


def user_loras_dir() -> Path:
    """The user's LoRA folder: `*.safetensors` files a script or preset names by file name,
    and camera LoRAs (`camera-<move>*.safetensors`, see studio.lorafiles.library)."""
    path = user_data_dir() / "loras"
    path.mkdir(parents=True, exist_ok=True)
    return path


def resources_dir() -> Path:
    """The runtime resources (presets, examples, policy, theme), shipped inside the package.

    Read through importlib.resources so a wheel install finds them where pip put them;
    `STUDIO_RESOURCES` points elsewhere for development (e.g. to try edited presets).
    """
    override = os.environ.get("STUDIO_RESOURCES")
    if override:
        return Path(override)
    folder = resources.files("studio") / "resources"
    if not isinstance(folder, Path) or not folder.is_dir():
        # a broken or zipped install: say so instead of a bare FileNotFoundError later
        raise StudioError(
            f"Storyboard Studio's resources are missing from its installation ({folder}); "
            "reinstall the package, or set STUDIO_RESOURCES to a resources folder"
        )
    return folder
