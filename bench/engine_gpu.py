"""Engine overhead on a GPU with a full-size LTX-Video (or, --family ltx2, LTX-2) configuration
with random weights.

Same comparison as bench/engine.py (our engine vs a direct pipe(...) call, previews off / on),
at a real generation size; the compute is that of the released model. With no CUDA GPU it says
so and exits 0.

`--family ltx2`: the released LTX-2 transformer, VAEs and vocoder (random weights, bf16; the
Gemma 3 text encoder at full width but 2 layers), one job giving picture + linked sound against
a direct pipe(...) call with the same arguments (target ≤ 1.03×).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--family", choices=("ltx", "ltx2"), default="ltx")
    parser.add_argument("--size", default="768x512")
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args(argv)
    import torch

    if not torch.cuda.is_available():
        print("engine_gpu: no CUDA GPU available on this machine — skipped (nothing measured)")
        return 0
    os.environ.setdefault("STUDIO_HOME", tempfile.mkdtemp(prefix="bench-home-"))
    from engine import measure, measure_ltx2, report, report_ltx2  # bench/engine.py

    if args.family == "ltx2":
        from studio.models.testing import build_full_ltx2

        root = Path(tempfile.mkdtemp(prefix="bench-models-"))
        print("building a full-size LTX-2 configuration with random weights...", flush=True)
        model = build_full_ltx2(root / "ltx2-random")
        torch.cuda.empty_cache()
        w, h = (int(v) for v in args.size.split("x"))
        result = measure_ltx2(
            model, "cuda", (w, h), args.seconds, args.steps, args.repeats, guidance=4.0
        )
        name = torch.cuda.get_device_name()
        report_ltx2(result, f"LTX-2 full size {w}x{h}, {args.steps} steps, {name}")
        return 0

    from studio.models.testing import build_full_ltx

    root = Path(tempfile.mkdtemp(prefix="bench-models-"))
    print("building a full-size LTX-Video configuration with random weights...", flush=True)
    model = build_full_ltx(root / "ltx-video-random")
    w, h = (int(v) for v in args.size.split("x"))
    result = measure(model, "cuda", (w, h), args.seconds, args.steps, args.repeats)
    report(
        result, f"LTX-Video full size {w}x{h}, {args.steps} steps, {torch.cuda.get_device_name()}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
