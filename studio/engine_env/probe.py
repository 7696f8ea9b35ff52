"""What this machine has for the GPU engine: the NVIDIA GPU (from nvidia-smi), torch and
diffusers in this Python and in the engine environment, and which torch build fits.

Nothing here imports torch into this process: environments are asked in a child Python.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path

# torch builds published for Linux/Windows, newest first, with the CUDA version each needs
# from the driver (nvidia-smi's "CUDA Version" is the newest the driver supports)
CUDA_BUILDS: tuple[tuple[str, str], ...] = (("13.0", "cu130"), ("12.8", "cu128"), ("12.6", "cu126"))
TORCH_INDEX = "https://download.pytorch.org/whl/{build}"


@dataclass
class Gpu:
    name: str
    vram_mib: int | None
    driver: str


@dataclass
class EnvReport:
    """torch and diffusers as one Python sees them."""

    python: str
    ok: bool = False
    torch: str | None = None
    diffusers: str | None = None
    cuda: bool = False
    cuda_build: str | None = None  # torch.version.cuda
    devices: list[str] = field(default_factory=list)
    error: str = ""


@dataclass
class Status:
    gpus: list[Gpu]
    driver_cuda: str | None  # newest CUDA the driver supports
    gpu_problem: str  # why no GPU was found ("" when one was)
    fits: str  # cpu | cu128 | …
    in_process: dict
    engine: EnvReport | None
    engine_path: str | None

    def to_dict(self) -> dict:
        return asdict(self)


def parse_gpu_query(text: str) -> list[Gpu]:
    """`nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader,nounits`."""
    gpus = []
    for line in text.splitlines():
        parts = [p.strip() for p in line.split(",")]
        if len(parts) != 3 or not parts[0]:
            continue
        vram = int(parts[1]) if parts[1].isdigit() else None
        gpus.append(Gpu(parts[0], vram, parts[2]))
    return gpus


def parse_driver_cuda(text: str) -> str | None:
    """The "CUDA Version: 12.8" of plain `nvidia-smi` output."""
    match = re.search(r"CUDA Version:\s*([0-9]+\.[0-9]+)", text)
    return match.group(1) if match else None


def fitting_build(driver_cuda: str | None) -> str:
    """The newest torch CUDA build the driver can run, or cpu."""
    if not driver_cuda:
        return "cpu"
    have = tuple(int(n) for n in driver_cuda.split("."))
    for version, build in CUDA_BUILDS:
        if tuple(int(n) for n in version.split(".")) <= have:
            return build
    return "cpu"


def nvidia(smi: str | None = None) -> tuple[list[Gpu], str | None, str]:
    """(GPUs, driver CUDA version, problem) from nvidia-smi."""
    smi = smi or shutil.which("nvidia-smi")
    if not smi:
        return [], None, "no NVIDIA GPU found (nvidia-smi is not installed or not on the PATH)"
    query = "--query-gpu=name,memory.total,driver_version"
    try:
        out = subprocess.run(
            [smi, query, "--format=csv,noheader,nounits"],
            capture_output=True,
            text=True,
            timeout=20,
        )
        plain = subprocess.run([smi], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return [], None, f"nvidia-smi failed: {exc}"
    if out.returncode != 0:
        why = (out.stderr or out.stdout).strip().splitlines()
        return [], None, f"nvidia-smi found no usable GPU: {why[0] if why else out.returncode}"
    gpus = parse_gpu_query(out.stdout)
    if not gpus:
        return [], None, "nvidia-smi lists no GPU"
    return gpus, parse_driver_cuda(plain.stdout), ""


_ENV_SCRIPT = r"""
import json, sys
r = {"python": sys.executable}
try:
    import torch
    r["torch"] = torch.__version__
    r["cuda_build"] = torch.version.cuda
    r["cuda"] = bool(torch.cuda.is_available())
    r["devices"] = [
        "%s (%d MiB)" % (torch.cuda.get_device_name(i),
                         torch.cuda.get_device_properties(i).total_memory // 2**20)
        for i in range(torch.cuda.device_count())
    ] if r["cuda"] else []
    import diffusers
    r["diffusers"] = diffusers.__version__
    r["ok"] = True
except Exception as exc:
    r["error"] = "%s: %s" % (exc.__class__.__name__, exc)
print(json.dumps(r))
"""


def probe_env(python: Path, timeout: float = 120.0) -> EnvReport:
    """Ask `python` whether it can import torch and diffusers, and what GPU torch sees."""
    from studio.engine.remote.source import worker_environment

    report = EnvReport(python=str(python))
    if not Path(python).exists():
        report.error = f"{python} does not exist"
        return report
    try:
        out = subprocess.run(
            [str(python), "-c", _ENV_SCRIPT],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=worker_environment(),
        )
        data = json.loads(out.stdout.strip().splitlines()[-1])
    except (OSError, subprocess.TimeoutExpired, ValueError, IndexError) as exc:
        report.error = f"could not run {python}: {exc}"
        return report
    for key in ("torch", "diffusers", "cuda", "cuda_build", "devices", "error", "ok"):
        if key in data:
            setattr(report, key, data[key])
    return report


def in_process() -> dict:
    """Whether this Python itself has torch and diffusers (found, not imported)."""
    return {name: importlib.util.find_spec(name) is not None for name in ("torch", "diffusers")}


def status(probe_engine: bool = True) -> Status:
    from studio.engine_env import config

    gpus, driver_cuda, problem = nvidia()
    env = config.load()
    engine = None
    if probe_engine and env is not None:
        engine = probe_env(Path(env.python))
    return Status(
        gpus=gpus,
        driver_cuda=driver_cuda,
        gpu_problem=problem,
        fits=fitting_build(driver_cuda),
        in_process=in_process(),
        engine=engine,
        engine_path=env.path if env else None,
    )


def describe(st: Status) -> list[str]:
    """The status as lines a person reads."""
    lines = []
    if st.gpus:
        for gpu in st.gpus:
            vram = f"{gpu.vram_mib / 1024:.0f} GiB" if gpu.vram_mib else "unknown VRAM"
            lines.append(f"GPU: {gpu.name}, {vram}, driver {gpu.driver}")
        lines.append(f"driver supports CUDA up to {st.driver_cuda or 'unknown'}")
    else:
        lines.append(f"GPU: none — {st.gpu_problem}.")
        lines.append(
            "  Diffusion models would run on the CPU (minutes per step); the animatic engine "
            "needs no GPU."
        )
    here = st.in_process
    if here.get("torch") and here.get("diffusers"):
        lines.append("this app's Python: torch and diffusers importable (generates in-process)")
    else:
        missing = [name for name, ok in here.items() if not ok]
        lines.append(
            f"this app's Python: no {' or '.join(missing)} (generates in the engine environment)"
        )
    if st.engine_path is None:
        lines.append("engine environment: not set up")
    elif st.engine is not None:
        e = st.engine
        if e.ok:
            where = ", ".join(e.devices) if e.cuda else "CPU only"
            lines.append(
                f"engine environment: {st.engine_path} — torch {e.torch}, diffusers "
                f"{e.diffusers}, runs on {where}"
            )
        else:
            lines.append(f"engine environment: {st.engine_path} — not usable: {e.error}")
    flag = "--cpu" if st.fits == "cpu" else f"--cuda {_cuda_of(st.fits)}"
    lines.append(f"torch build that fits: {st.fits} (storyboard-studio engine install {flag})")
    return lines


def _cuda_of(build: str) -> str:
    return next((v for v, b in CUDA_BUILDS if b == build), build)
