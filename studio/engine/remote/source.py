"""Where the worker process finds Storyboard Studio's own code.

The engine environment holds torch and the libraries, not this app; the worker imports
`studio` from a folder that holds nothing else (so no other package of the editor's
environment leaks into it): the bundle's copy of the sources (`engine-src/`, shipped as
plain .py files next to the frozen app), or a link to this checkout's / install's package.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from pathlib import Path

import studio
from studio.paths import user_cache_dir

FROZEN_FOLDER = "engine-src"


def engine_source_path() -> Path:
    """A folder whose only package is `studio`, for the worker's PYTHONPATH."""
    if getattr(sys, "frozen", False):
        return Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent)) / FROZEN_FOLDER
    package = Path(studio.__file__).resolve().parent
    key = hashlib.sha256(str(package).encode()).hexdigest()[:12]
    folder = user_cache_dir() / FROZEN_FOLDER / key
    link = folder / "studio"
    if link.is_symlink() and link.resolve() == package:
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    if link.is_symlink() or link.is_file():
        link.unlink()
    elif link.is_dir():
        shutil.rmtree(link)
    try:
        link.symlink_to(package, target_is_directory=True)
    except OSError:  # no symlinks (Windows without developer mode): a copy of the sources
        shutil.copytree(package, link, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def worker_environment(base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment the worker starts with: ours, minus what a frozen app sets for itself."""
    env = dict(os.environ if base is None else base)
    if getattr(sys, "frozen", False):
        # PyInstaller's bootloader points the loader at the bundle's libraries; the engine's
        # Python must load its own (the original value is kept in *_ORIG)
        for name in ("LD_LIBRARY_PATH", "DYLD_LIBRARY_PATH"):
            original = env.pop(f"{name}_ORIG", None)
            if original is not None:
                env[name] = original
            else:
                env.pop(name, None)
        env.pop("PYTHONHOME", None)
        # engine-src holds only the code: the presets and policy are the bundle's own
        bundle = Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent))
        env.setdefault("STUDIO_RESOURCES", str(bundle / "studio" / "resources"))
    env["PYTHONPATH"] = str(engine_source_path())
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env
