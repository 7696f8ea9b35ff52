"""Resources ship inside the package: a wheel holds the presets, policy, theme and examples, and
a non-editable install reads them from where pip put them (issue 11, defect 9)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from studio.paths import resources_dir

ROOT = Path(__file__).resolve().parents[2]

WANTED = [
    "studio/resources/presets/film-noir.toml",
    "studio/resources/presets/papercraft.toml",
    "studio/resources/policy/prompt_policy.toml",
    "studio/resources/policy/public_figures.txt",
    "studio/resources/theme/dark.qss",
    "studio/resources/examples/morning-run.toml",
    "studio/resources/examples/refs/bridge.png",
    "studio/resources/examples/music.ogg",
]

PROBE = """
import sys
import studio
from studio.paths import resources_dir
from studio.presets.library import PresetLibrary
from studio.policy.prompt_policy import default_policy
from studio.cameo.figures import public_figures
root = resources_dir()
assert str(root).startswith(sys.argv[1]), (root, sys.argv[1])
assert studio.__file__.startswith(sys.argv[1]), studio.__file__
names = PresetLibrary().names()
assert "film-noir" in names and len(names) >= 15, names
print("POLICY", default_policy().version)
print("FIGURES", len(public_figures()) > 10)
print("THEME", (root / "theme" / "dark.qss").is_file())
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel built from a copy of this checkout's sources (no build/ leftovers)."""
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    junk = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for package in ("studio", "ui"):
        shutil.copytree(ROOT / package, src / package, ignore=junk)
    out = tmp_path_factory.mktemp("dist")
    run = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
        + ["-w", str(out), str(src)],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert run.returncode == 0, run.stderr
    (built,) = out.glob("storyboard_studio-*.whl")
    return built


def test_wheel_contains_the_runtime_resources(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [n for n in WANTED if n not in names]
    assert not missing, missing
    presets = [n for n in names if n.startswith("studio/resources/presets/")]
    assert len(presets) == len(list((resources_dir() / "presets").glob("*.toml")))
    assert not any(n.startswith("resources/") for n in names)  # README screenshots stay out


def test_non_editable_install_reads_its_own_resources(wheel, tmp_path):
    """Unpacked as pip installs it, imported from another folder, with no checkout on the path."""
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "STUDIO_RESOURCES")}
    env["PYTHONPATH"] = str(site)
    probe = subprocess.run(
        [sys.executable, "-c", PROBE, str(site)],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert probe.returncode == 0, probe.stderr
    assert "FIGURES True" in probe.stdout and "THEME True" in probe.stdout
    example = site / "studio" / "resources" / "examples" / "morning-run.toml"
    check = subprocess.run(
        [sys.executable, "-m", "studio", "validate", str(example)],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0, check.stderr + check.stdout

    # a broken install (resources deleted) names the problem instead of a bare traceback
    shutil.rmtree(site / "studio" / "resources")
    broken = subprocess.run(
        [sys.executable, "-m", "studio", "presets", "list"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert broken.returncode == 4, broken.stderr
    assert "resources are missing" in broken.stderr and "Traceback" not in broken.stderr


def test_override_variable_and_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("STUDIO_RESOURCES", str(tmp_path))
    assert resources_dir() == tmp_path
    monkeypatch.delenv("STUDIO_RESOURCES")
    assert (resources_dir() / "presets" / "film-noir.toml").is_file()
    assert resources_dir().is_relative_to(ROOT / "studio")
