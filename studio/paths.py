"""User folders (platformdirs), all redirected by STUDIO_HOME, and the bundled resources."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

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


def resources_dir() -> Path:
    """The bundled resources folder (presets, examples, policy, fonts)."""
    override = os.environ.get("STUDIO_RESOURCES")
    if override:
        return Path(override)
    return Path(__file__).resolve().parent.parent / "resources"
