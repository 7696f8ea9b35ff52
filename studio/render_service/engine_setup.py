"""The Engine the CLI and the editor both generate with: every backend registered (the heavy
ones lazily, so torch is imported only when a job needs it) and consent checked again on the
engine thread right before each job runs."""

from __future__ import annotations

import importlib
from pathlib import Path

from studio.cameo.guard import engine_preflight
from studio.cameo.takefacts import ledger_take_hook
from studio.engine.sound import register_sound_backends
from studio.engine.worker import Engine

ANIMATIC = "animatic"
DIFFUSERS = "diffusers"


def make_engine(
    *,
    queue_path: Path | None = None,
    autostart: bool = True,
    model: str | None = None,
    device: str | None = None,
    steps: int | None = None,
    staging_dir: Path | None = None,
) -> Engine:
    """An engine with the animatic, diffusers and sound backends.

    `queue_path` keeps pending jobs across a restart (the editor); `model` fixes the diffusion
    model (the CLI's --model) — without it each request names its own (the editor's toolbar).
    """
    engine = Engine(queue_path=queue_path, autostart=autostart, staging_dir=staging_dir)
    engine.register(ANIMATIC, _animatic)
    engine.register(DIFFUSERS, lambda: _diffusers(model, device, steps))
    register_sound_backends(engine, device=device)
    engine.add_preflight(engine_preflight())
    engine.add_take_hook(ledger_take_hook())  # take file hash → cameos, for the export check
    return engine


def make_farm_engine(address: str, queue_path: Path | None = None) -> Engine:
    """The same queue, events and consent checks, with the jobs run on a Ray cluster's workers
    (Ray is imported only here, when a cluster is configured)."""
    from studio.farm.engine import connect_farm_engine

    engine = connect_farm_engine(address, queue_path)
    engine.add_preflight(engine_preflight())
    engine.add_take_hook(ledger_take_hook())
    return engine


def _animatic():
    return importlib.import_module("studio.engine.animatic").AnimaticBackend()


def _diffusers(model: str | None, device: str | None, steps: int | None):
    """Built on first use only: loading a model pulls in torch and diffusers. Without torch
    here (the desktop bundle) the model runs in a worker process of the GPU engine's Python."""
    remote = importlib.import_module("studio.engine.remote")
    if not remote.torch_in_process():
        from studio.engine.remote.backend import RemoteDiffusersBackend
        from studio.engine_env.config import engine_python

        return RemoteDiffusersBackend(engine_python(), model, device, steps)
    diffusion = importlib.import_module("studio.engine.diffusion")
    if model:
        return diffusion.make_backend(model, device, steps)  # resolves it: a clear error if missing
    return diffusion.DiffusersBackend(None, device, steps)
