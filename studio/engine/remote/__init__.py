"""The diffusion engine in a worker process, for an editor whose own Python has no torch.

The desktop bundle ships without torch; the GPU engine lives in a separate environment (set up
with `storyboard-studio engine install`). `RemoteDiffusersBackend` is the engine's "diffusers"
backend in that case: it starts `python -m studio.engine.remote.child` from that environment and
speaks the engine's own events (studio.engine.events) over the child's stdin/stdout. The queue,
previews, cancel and consent checks stay the engine's; the child checks consent again right
before it generates. Nothing here imports torch.
"""

from __future__ import annotations

import importlib.util
import os

ENV_FORCE = "STUDIO_ENGINE_PROCESS"  # "1": run diffusion in a worker process even with torch here


def torch_in_process() -> bool:
    """True when this interpreter can import torch (a pip install): the engine runs in-process."""
    if os.environ.get(ENV_FORCE) == "1":
        return False
    return importlib.util.find_spec("torch") is not None


__all__ = ["ENV_FORCE", "torch_in_process"]
