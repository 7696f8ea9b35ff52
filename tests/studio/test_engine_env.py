"""`engine status` / `engine install`: the GPU engine's own environment.

The install test makes a real venv in a temporary folder and installs the CPU build of torch
(a local wheel on CI machines; pip's configured sources, never a CUDA build) plus the core
libraries the worker imports, then checks the worker's code imports there. The diffusion
libraries are left out (`--torch-only`) to keep it near a minute; the worker test
(tests/studio/engine/test_remote_engine.py) covers generating in another process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from studio.engine_env import install as inst
from studio.engine_env.probe import fitting_build, parse_driver_cuda, parse_gpu_query

ROOT = Path(__file__).resolve().parents[2]

SMI_QUERY = "NVIDIA H200, 143771, 570.124.06\nNVIDIA H200, 143771, 570.124.06\n"
SMI_PLAIN = """
+-----------------------------------------------------------------------------------------+
| NVIDIA-SMI 570.124.06             Driver Version: 570.124.06     CUDA Version: 12.8     |
|-----------------------------------------+------------------------+----------------------+
"""


def cli(*args: str, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "studio", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
    )


def test_nvidia_smi_output_and_the_build_that_fits():
    gpus = parse_gpu_query(SMI_QUERY)
    assert [(g.name, g.vram_mib, g.driver) for g in gpus] == [
        ("NVIDIA H200", 143771, "570.124.06")
    ] * 2
    assert parse_driver_cuda(SMI_PLAIN) == "12.8"
    assert fitting_build("12.8") == "cu128" and fitting_build("12.9") == "cu128"
    assert fitting_build("13.1") == "cu130" and fitting_build("12.6") == "cu126"
    assert fitting_build("12.4") == "cpu" and fitting_build(None) == "cpu"


def test_status_on_a_machine_without_a_gpu_says_so(tmp_path):
    env = {"PATH": str(tmp_path)}  # no nvidia-smi anywhere on it
    out = cli("engine", "status", env=env)
    assert out.returncode == 0, out.stderr
    assert "GPU: none" in out.stdout and "nvidia-smi is not installed" in out.stdout
    assert "torch build that fits: cpu (storyboard-studio engine install --cpu)" in out.stdout
    assert "engine environment: not set up" in out.stdout
    data = json.loads(cli("engine", "status", "--json", env=env).stdout)
    assert data["gpus"] == [] and data["fits"] == "cpu" and data["engine"] is None


def test_the_engine_needs_what_pyproject_says():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    core = set(meta["dependencies"])
    assert set(inst.ENGINE_CORE) <= core  # same pins as the app
    diffusion = {
        d for d in meta["optional-dependencies"]["diffusion"] if not d.startswith("torch>")
    }
    assert set(inst.DIFFUSION) == diffusion


def test_an_unknown_cuda_version_is_bad_input(tmp_path):
    out = cli("engine", "install", "--cuda", "9.1", "--path", str(tmp_path / "e"))
    assert out.returncode == 2 and "--cuda 9.1" in out.stderr and "12.8" in out.stderr
    assert not (tmp_path / "e").exists()


def test_use_refuses_a_folder_without_python(tmp_path):
    out = cli("engine", "use", str(tmp_path))
    assert out.returncode == 2 and "no Python found" in out.stderr


@pytest.mark.install
@pytest.mark.timeout(900)  # a pip install of torch on a loaded machine
def test_install_cpu_end_to_end_and_resume(tmp_path, studio_home):
    """A real venv with the CPU torch; a second run resumes; a lost step is redone alone."""
    target = tmp_path / "engine"
    args = ("engine", "install", "--cpu", "--path", str(target), "--index-url", "pip")
    out = cli(*args, "--torch-only", timeout=600)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    for n in range(1, 5):
        assert f"[{n}/4]" in out.stdout
    saved = json.loads((studio_home / "data" / "engine.json").read_text())
    python = Path(saved["python"])
    assert python.parent.parent == target and saved["torch"].startswith(inst.TORCH_VERSION)
    assert "+cpu" in saved["torch"] or "cu" not in saved["torch"]  # never a CUDA build here
    version = subprocess.run(
        [str(python), "-c", "import torch; print(torch.__version__, torch.cuda.is_available())"],
        capture_output=True,
        text=True,
    )
    assert version.stdout.split() == [saved["torch"], "False"]

    again = cli(*args, "--torch-only")
    assert again.returncode == 0 and again.stdout.count("done already") == 4

    (target / inst.MARKERS / "libraries.json").unlink()  # as if interrupted in that step
    resumed = cli(*args, "--torch-only")
    assert resumed.returncode == 0, resumed.stdout[-2000:]
    assert "[2/4] installing torch" in resumed.stdout and "[2/4]" in resumed.stdout
    lines = resumed.stdout.splitlines()
    assert any(line.startswith("[2/4]") and "done already" in line for line in lines)
    assert any(line.startswith("[3/4]") and "done already" not in line for line in lines)

    status = cli("engine", "status", env={"PATH": str(tmp_path)})
    assert f"engine environment: {target}" in status.stdout
    assert "diffusers" in status.stdout  # torch only: it says what is missing
