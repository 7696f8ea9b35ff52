"""What switching LoRAs between jobs costs, against reloading the pipeline, in this process.

On a tiny LTX-Video pipeline (CPU): the time to load the pipeline (what a reload per LoRA
change would cost), then to attach a LoRA, change its weight, swap it for another and detach
all (studio.engine.diffusion.adapters.attach_loras), each printed as a ratio to the load.
Timings are noisy on a shared machine: the load average is printed with them.
Usage: .venv/bin/python bench/loras.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from studio.engine.diffusion import make_backend
    from studio.engine.diffusion.adapters import attach_loras
    from studio.model.lora import LoraRef
    from studio.models import ModelRegistry
    from studio.models.testing import TINY_LTX_LORA_LAYERS, build_tiny_ltx, write_tiny_lora

    root = Path(tempfile.mkdtemp(prefix="bench-loras-"))
    build_tiny_ltx(root / "tiny-ltx")
    a = write_tiny_lora(root / "a.safetensors", TINY_LTX_LORA_LAYERS, seed=1)
    b = write_tiny_lora(root / "b.safetensors", TINY_LTX_LORA_LAYERS, seed=2)
    registry = ModelRegistry([root], include_hf_cache=False)
    times: dict[str, list[float]] = {}

    def timed(name, fn, *args):
        began = time.perf_counter()
        fn(*args)
        times.setdefault(name, []).append(time.perf_counter() - began)

    for _ in range(args.runs):
        backend = make_backend("tiny-ltx", "cpu", 2, registry=registry)
        timed("load pipeline", backend.load)
        loaded = backend._loaded
        timed("attach a", attach_loras, loaded, [LoraRef(file=str(a))])
        timed("reweight a", attach_loras, loaded, [LoraRef(file=str(a), weight=0.5)])
        timed("swap a → b", attach_loras, loaded, [LoraRef(file=str(b))])
        timed("detach all", attach_loras, loaded, [])
        backend.release()
    base = statistics.median(times["load pipeline"])
    print(f"load average {os.getloadavg()[0]:.2f}; medians of {args.runs} runs")
    for name, values in times.items():
        med = statistics.median(values)
        print(f"{name:<14} {med * 1000:8.1f} ms  {med / base:6.3f} × load")


if __name__ == "__main__":
    main()
