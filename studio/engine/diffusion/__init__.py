"""The diffusers backend (LTX-Video, Wan, CogVideoX). Importing this does not import torch."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studio.engine.diffusion.backend import DiffusersBackend
    from studio.models.registry import ModelRegistry


def make_backend(
    model: str,
    device: str | None = None,
    steps: int | None = None,
    *,
    registry: ModelRegistry | None = None,
    vram_budget_gb: float | None = None,
    previews: bool = True,
    check: bool = True,
) -> DiffusersBackend:
    """A DiffusersBackend for `model` (Hub id, folder path or name).

    With check=True the model is resolved now, so a missing or incomplete model is an
    EngineFailure naming it before any job is queued; loading waits for the first job (or
    call backend.load() to fail early on unloadable weights).
    """
    from studio.engine.diffusion.backend import DiffusersBackend

    backend = DiffusersBackend(
        model, device, steps, registry=registry, vram_budget_gb=vram_budget_gb, previews=previews
    )
    if check:
        backend.model_info()
    return backend


def __getattr__(name: str):
    if name == "DiffusersBackend":
        from studio.engine.diffusion.backend import DiffusersBackend

        return DiffusersBackend
    raise AttributeError(name)


__all__ = ["DiffusersBackend", "make_backend"]
