"""The bundled example storyboard as a project the editor can open."""

from __future__ import annotations

from pathlib import Path

from studio.bundle import BUNDLE_SUFFIX, Bundle, is_bundle
from studio.paths import resources_dir, user_data_dir


def example_script() -> Path | None:
    scripts = sorted((resources_dir() / "examples").glob("*.toml"))
    return scripts[0] if scripts else None


def import_storyboard(script: Path, dest: Path) -> Bundle:
    """A new bundle at dest built from a storyboard script (shots, audio cues, references)."""
    from studio.assemble import project_from_storyboard
    from studio.script import load_storyboard

    return project_from_storyboard(load_storyboard(script), dest)


def example_bundle() -> Path | None:
    """The user's copy of the example project (made from the bundled script on first use)."""
    script = example_script()
    if script is None:
        return None
    dest = user_data_dir() / "examples" / f"{script.stem}{BUNDLE_SUFFIX}"
    if not is_bundle(dest):
        import_storyboard(script, dest)
    return dest
