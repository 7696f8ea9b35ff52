"""`engine install`: a virtual environment for the GPU engine, step by step, resumable.

Steps: make the venv, install torch (the build for this GPU), install the diffusion libraries
and the few core libraries the engine worker imports, then check it imports and record it in
`<user data>/engine.json`. Each finished step leaves a marker (`.studio-install/<step>.json`,
holding what it was asked to do), so a run that was interrupted — closed window, lost network —
starts again at the first step without one, and a changed choice (another CUDA build) redoes
the steps it changes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from studio.engine_env import config
from studio.engine_env.probe import TORCH_INDEX, EnvReport, probe_env
from studio.errors import EngineFailure, InputError

TORCH_VERSION = "2.13.0"  # the torch the tests run with
MIN_PYTHON = (3, 11)
# what the worker process imports besides torch: the core libraries it needs (no Qt, no sound
# devices, no C2PA — export stays in the app) and the `diffusion` extra of pyproject.toml
ENGINE_CORE = (
    "numpy>=1.26",
    "av>=12",
    "pillow>=10",
    "platformdirs>=4",
    "pydantic>=2.6",
    "cryptography>=42",
)
DIFFUSION = (
    "diffusers>=0.42",
    "transformers>=4.44",
    "accelerate>=0.30",
    "safetensors>=0.4",
    "huggingface_hub>=0.24",
    "ftfy>=6",
    "sentencepiece>=0.2",
    "torchsde>=0.2.6",
    "peft>=0.17",
)
MARKERS = ".studio-install"
STEPS = ("venv", "torch", "libraries", "check")

Say = Callable[[str], None]


@dataclass
class Plan:
    """What to install where. `index` None: pip's own configured sources (offline mirrors)."""

    path: Path
    build: str = "cpu"  # cpu | cu128 | …
    torch_version: str = TORCH_VERSION
    index: str | None = "default"
    base_python: Path | None = None
    libraries: bool = True  # False: torch and the core only (a quick check of the set-up)

    def torch_index(self) -> str | None:
        if self.index == "default":
            return TORCH_INDEX.format(build=self.build)
        return self.index


def find_base_python(explicit: Path | None = None) -> Path:
    """A Python ≥ 3.11 to make the venv with: given, this one (not frozen), or on the PATH."""
    if explicit is not None:
        if not _version_ok(explicit):
            raise InputError(f"--python {explicit}: not a Python 3.11 or newer")
        return explicit
    if not getattr(sys, "frozen", False) and sys.version_info >= MIN_PYTHON:
        return Path(sys.executable)
    for name in ("python3.13", "python3.12", "python3.11", "python3", "python", "py"):
        found = shutil.which(name)
        if found and _version_ok(Path(found)):
            return Path(found)
    raise EngineFailure(
        "no Python 3.11 or newer found to make the GPU engine's environment with. Install "
        "Python 3.11+ (python.org, or your package manager: python3 python3-venv), then try "
        "again, or pass --python PATH"
    )


def _version_ok(python: Path) -> bool:
    code = "import sys; print(sys.version_info >= (3, 11))"
    try:
        out = subprocess.run([str(python), "-c", code], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return out.stdout.strip() == "True"


def _marker(plan: Plan, step: str) -> Path:
    return plan.path / MARKERS / f"{step}.json"


def _params(plan: Plan, step: str) -> dict:
    if step == "torch":
        return {"torch": plan.torch_version, "build": plan.build, "index": plan.torch_index()}
    if step == "libraries":
        return {"torch": plan.torch_version, "libraries": plan.libraries, "core": list(ENGINE_CORE)}
    return {}


def done_steps(plan: Plan) -> list[str]:
    """The steps whose marker says they are done with these choices."""
    done = []
    for step in STEPS:
        try:
            if json.loads(_marker(plan, step).read_text()) == _params(plan, step):
                done.append(step)
        except (OSError, ValueError):
            pass
    return done


def _pip(python: Path, args: list[str], say: Say) -> None:
    cmd = [str(python), "-m", "pip", "install", "--progress-bar", "off", *args]
    say("  $ " + " ".join(cmd))
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        line = line.rstrip()
        if line and not line.startswith("WARNING: Location"):
            say("    " + line)
    if proc.wait() != 0:
        raise EngineFailure(
            f"pip failed (exit code {proc.returncode}) installing {' '.join(args)}; run the "
            "same install again to resume from this step"
        )


def install(plan: Plan, say: Say = print) -> config.EngineEnv:
    """Run the steps not yet done; returns (and records) the working environment."""
    plan.path = Path(plan.path).expanduser().absolute()
    python = config.venv_python(plan.path)
    done = done_steps(plan)
    for number, step in enumerate(STEPS, 1):
        title = _TITLES[step].format(p=plan)
        if step in done and (step != "venv" or python.exists()):
            say(f"[{number}/{len(STEPS)}] {title}: done already")
            continue
        say(f"[{number}/{len(STEPS)}] {title}")
        _marker(plan, step).unlink(missing_ok=True)
        if step == "venv":
            base = find_base_python(plan.base_python)
            subprocess.run([str(base), "-m", "venv", str(plan.path)], check=True)
            python = config.venv_python(plan.path)
        elif step == "torch":
            index = plan.torch_index()
            _pip(
                python,
                [f"torch=={plan.torch_version}", *(["--index-url", index] if index else [])],
                say,
            )
        elif step == "libraries":
            wanted = [f"torch=={plan.torch_version}", *ENGINE_CORE]
            _pip(python, wanted + (list(DIFFUSION) if plan.libraries else []), say)
        else:
            report = check(python, need_diffusers=plan.libraries)
            say(f"    torch {report.torch}, CUDA {'yes' if report.cuda else 'no'}")
        _marker(plan, step).parent.mkdir(parents=True, exist_ok=True)
        _marker(plan, step).write_text(json.dumps(_params(plan, step)))
    report = check(python, need_diffusers=plan.libraries)
    env = config.EngineEnv(
        python=str(python),
        path=str(plan.path),
        kind="installed",
        torch=report.torch,
        build=plan.build,
    )
    config.save(env)
    say(f"GPU engine ready: {python}")
    return env


def check(python: Path, need_diffusers: bool = True) -> EnvReport:
    """The environment imports torch (and diffusers) and the worker's own code."""
    report = probe_env(python)
    if not report.torch or (need_diffusers and not report.diffusers):
        raise EngineFailure(f"the engine environment at {python} cannot generate: {report.error}")
    from studio.engine.remote.source import worker_environment

    code = "import studio.engine.remote.child, studio.engine.request, studio.cameo.guard"
    out = subprocess.run(
        [str(python), "-c", code], capture_output=True, text=True, env=worker_environment()
    )
    if out.returncode != 0:
        last = out.stderr.strip().splitlines()[-1:] or ["(no message)"]
        raise EngineFailure(f"the engine environment at {python} cannot run the worker: {last[0]}")
    return report


def use_existing(folder: Path) -> config.EngineEnv:
    """Point the GPU engine at an environment you already have (offline set-up)."""
    folder = Path(folder).expanduser().absolute()
    python = folder if folder.is_file() else config.venv_python(folder)
    if not python.exists():
        raise InputError(f"{folder}: no Python found there (expected {python})")
    report = check(python)
    env = config.EngineEnv(
        python=str(python),
        path=str(folder),
        kind="existing",
        torch=report.torch,
        build="cuda" if report.cuda_build else "cpu",
    )
    config.save(env)
    return env


_TITLES = {
    "venv": "making the environment {p.path}",
    "torch": "installing torch {p.torch_version} ({p.build})",
    "libraries": "installing the engine's libraries (diffusers, transformers, …)",
    "check": "checking torch and diffusers import",
}
