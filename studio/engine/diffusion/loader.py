"""Loading a pipeline safely and fitting it into the memory the user has.

Safe: the pipeline class comes from the family table and diffusers itself (never from the model
folder), weights load with safetensors only, local files only. Fitting: a VRAM budget picks
between keeping everything on the GPU, model CPU offload, or sequential offload, and turns on
VAE tiling/slicing when memory is tight.
"""

from __future__ import annotations

import gc
import logging
import warnings

from studio.errors import EngineFailure
from studio.models.registry import ModelInfo

log = logging.getLogger(__name__)

GIB = 1024**3
ACTIVATION_RESERVE = 6 * GIB  # activations of a typical 5 s generation, on top of the weights


def pick_device(device: str | None) -> str:
    import torch

    if device in (None, "", "auto"):
        if torch.cuda.is_available():
            return "cuda"
        if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
            return "mps"
        return "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise EngineFailure(
            "--device cuda asked for, but no CUDA GPU is available (use --device cpu)"
        )
    return device


def pick_dtype(device: str):
    import torch

    if device.startswith("cuda"):
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    if device == "mps":
        return torch.float16
    return torch.float32


def load_pipeline(info: ModelInfo, device: str):
    """from_pretrained with safetensors only, offline; failures name the model and the file."""
    import diffusers

    info.require_usable()
    cls = getattr(diffusers, info.pipeline_class or "", None)
    if cls is None or not isinstance(cls, type) or not issubclass(cls, diffusers.DiffusionPipeline):
        raise EngineFailure(
            f"model '{info.id}': pipeline class '{info.pipeline_class}' is not part of diffusers "
            f"{diffusers.__version__} ({info.path / 'model_index.json'})"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # torch_dtype → dtype rename in 0.4x
            pipe = cls.from_pretrained(
                str(info.path),
                use_safetensors=True,
                local_files_only=True,
                torch_dtype=pick_dtype(device),
            )
    except Exception as exc:  # any loader error becomes a clear, named failure
        raise EngineFailure(
            f"model '{info.id}' failed to load from {info.path}: {exc.__class__.__name__}: {exc}"
        ) from None
    pipe.set_progress_bar_config(disable=True)
    return pipe


def module_bytes(pipe) -> dict[str, int]:
    import torch

    out = {}
    for name, component in pipe.components.items():
        if isinstance(component, torch.nn.Module):
            out[name] = sum(p.numel() * p.element_size() for p in component.parameters())
    return out


def apply_memory_plan(pipe, device: str, budget_gb: float | None) -> dict:
    """Place the pipeline on `device` within the VRAM budget; returns what was chosen."""
    import torch

    sizes = module_bytes(pipe)
    plan = {"device": device, "offload": "none", "vae_tiling": False, "budget_gb": budget_gb}
    if not device.startswith("cuda"):
        pipe.to(device)
        return plan
    total = torch.cuda.get_device_properties(torch.device(device)).total_memory
    budget = budget_gb * GIB if budget_gb else total * 0.92
    plan["budget_gb"] = round(budget / GIB, 1)
    weights, largest = sum(sizes.values()), max(sizes.values(), default=0)
    if weights + ACTIVATION_RESERVE <= budget:
        pipe.to(device)
    elif largest + ACTIVATION_RESERVE <= budget:
        pipe.enable_model_cpu_offload(device=device)
        plan["offload"] = "model"
    else:
        pipe.enable_sequential_cpu_offload(device=device)
        plan["offload"] = "sequential"
    if plan["offload"] != "none" or budget < 20 * GIB:
        enable_vae_tiling(pipe)
        plan["vae_tiling"] = True
    return plan


def enable_vae_tiling(pipe) -> None:
    vae = pipe.vae
    for name in ("enable_tiling", "enable_slicing"):
        fn = getattr(vae, name, None)
        if fn:
            try:
                fn()
            except (NotImplementedError, AttributeError):
                pass


def execution_device(pipe):
    return pipe._execution_device


def free_memory() -> None:
    gc.collect()
    try:
        import torch

        if torch.cuda.is_available():
            torch.cuda.empty_cache()
    except ImportError:
        pass


def is_out_of_memory(exc: BaseException) -> bool:
    import torch

    oom = getattr(torch, "OutOfMemoryError", None) or torch.cuda.OutOfMemoryError
    return isinstance(exc, oom) or "out of memory" in str(exc).lower()
