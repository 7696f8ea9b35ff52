"""Engine overhead: our engine vs a direct pipe(...) call, same tiny pipeline and seed.

Prints the ratio of wall time for: the engine (job thread, events, latents kept, own decode,
take written) with previews off, and with previews on, each against a direct pipe(...) call
that returns frames (targets ≤ 1.03× and ≤ 1.05×). Runs on the CPU unless --device says else.

`--family ltx2`: the engine's LTX-2 job (picture and sound, MP4 + WAV written, two linked takes
staged) against a direct pipe(...) call with the same arguments (target ≤ 1.03×; LTX-2 makes
no latent previews, so there is one engine figure).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def measure(
    model_dir: Path, device: str, size: tuple[int, int], duration: float, steps: int, repeats: int
) -> dict:
    import torch

    from studio.engine.diffusion import make_backend
    from studio.engine.events import JobFinished
    from studio.engine.request import GenerationRequest
    from studio.engine.worker import Engine
    from studio.models import ModelRegistry

    registry = ModelRegistry([model_dir.parent], include_hf_cache=False)
    backend = make_backend(str(model_dir), device, steps, registry=registry)
    loaded = backend.load()
    pipe = loaded.pipe
    bundle = Path(tempfile.mkdtemp(prefix="bench-engine-"))
    engine = Engine({"diffusers": backend})
    family = loaded.info.family
    from studio.engine.diffusion.latents import compression

    _, temporal = compression(pipe, family)
    from studio.engine.diffusion.plan import frames_covering

    frames = frames_covering(round(duration * family.fps), temporal)
    extra = {"frame_rate": family.fps} if family.layout == "packed" else {}

    def direct():
        pipe(
            prompt="a lighthouse in a storm",
            height=size[1],
            width=size[0],
            num_frames=frames,
            num_inference_steps=steps,
            guidance_scale=family.guidance,
            generator=torch.Generator("cpu").manual_seed(0),
            output_type="np",
            max_sequence_length=family.max_sequence_length,
            **extra,
        )

    def ours(previews: bool):
        request = GenerationRequest(
            prompt="a lighthouse in a storm",
            duration=duration,
            seed=0,
            size=size,
            previews=previews,
            bundle=str(bundle),
        )
        job = engine.submit(request, backend="diffusers")
        event = engine.wait(job, timeout=600)
        assert isinstance(event, JobFinished), event

    def timed(fn, *a):
        if device.startswith("cuda"):
            torch.cuda.synchronize()
        t = time.perf_counter()
        fn(*a)
        if device.startswith("cuda"):
            torch.cuda.synchronize()
        return time.perf_counter() - t

    direct()
    ours(True)  # warm-up (also calibrates the preview factors once)
    runs = {"direct": [], "engine": [], "engine+previews": []}
    for _ in range(repeats):  # interleaved so machine noise hits all three alike
        runs["direct"].append(timed(direct))
        runs["engine"].append(timed(ours, False))
        runs["engine+previews"].append(timed(ours, True))
    engine.shutdown()
    out = {k: statistics.median(v) for k, v in runs.items()}
    out["frames"] = frames
    return out


def measure_ltx2(
    model_dir: Path,
    device: str,
    size: tuple[int, int],
    duration: float,
    steps: int,
    repeats: int,
    guidance: float = 1.0,
) -> dict:
    """Engine vs direct pipe(...) on an LTX-2 model: the same plan, kwargs and seed."""
    import torch

    from studio.engine.diffusion import make_backend
    from studio.engine.diffusion.ltx2 import call_kwargs, ltx2_plan
    from studio.engine.events import JobFinished
    from studio.engine.request import GenerationRequest
    from studio.engine.worker import Engine
    from studio.models import ModelRegistry

    registry = ModelRegistry([model_dir.parent], include_hf_cache=False)
    backend = make_backend(str(model_dir), device, steps, registry=registry)
    loaded = backend.load()
    pipe, family = loaded.pipe, loaded.info.family
    staging = Path(tempfile.mkdtemp(prefix="bench-engine-"))
    engine = Engine({"diffusers": backend}, staging_dir=staging)
    request = GenerationRequest(
        prompt="a lighthouse in a storm",
        duration=duration,
        seed=0,
        size=size,
        steps=steps,
        guidance=guidance,
        fps=24,
        previews=False,
    )
    two_stage = loaded.info.upsampler is not None
    plan = ltx2_plan(request, family, pipe, None, steps, two_stage)

    def direct():
        pipe(**call_kwargs(pipe, family, plan, request.prompt, 0, None))

    def ours():
        job = engine.submit(request, backend="diffusers")
        event = engine.wait(job, timeout=1800)
        assert isinstance(event, JobFinished), event
        assert event.linked is not None

    def timed(fn):
        if device.startswith("cuda"):
            torch.cuda.synchronize()
        t = time.perf_counter()
        fn()
        if device.startswith("cuda"):
            torch.cuda.synchronize()
        return time.perf_counter() - t

    direct()
    ours()  # warm-up
    runs = {"direct": [], "engine": []}
    for _ in range(repeats):  # interleaved so machine noise hits both alike
        runs["direct"].append(timed(direct))
        runs["engine"].append(timed(ours))
    engine.shutdown()
    out = {k: statistics.median(v) for k, v in runs.items()}
    out["frames"] = plan.frames
    out["two_stage"] = two_stage
    return out


def report_ltx2(result: dict, label: str) -> None:
    d = result["direct"]
    print(f"{label}: {result['frames']} frames + sound")
    print(f"  direct pipe(...)              {d:8.3f} s")
    print(
        f"  engine (video + linked sound) {result['engine']:8.3f} s   "
        f"ratio {result['engine'] / d:.3f}×  (target ≤ 1.03×)"
    )


def report(result: dict, label: str) -> None:
    d = result["direct"]
    print(f"{label}: {result['frames']} frames")
    print(f"  direct pipe(...)        {d:8.3f} s")
    print(
        f"  engine, previews off    {result['engine']:8.3f} s   ratio {result['engine'] / d:.3f}×  (target ≤ 1.03×)"
    )
    print(
        f"  engine, previews on     {result['engine+previews']:8.3f} s   ratio {result['engine+previews'] / d:.3f}×  (target ≤ 1.05×)"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--family", choices=("ltx", "wan", "ltx2"), default="ltx")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--size", default="192x128")
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--steps", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    os.environ.setdefault("STUDIO_HOME", tempfile.mkdtemp(prefix="bench-home-"))
    from studio.models.testing import build_tiny_ltx, build_tiny_ltx2, build_tiny_wan

    root = Path(tempfile.mkdtemp(prefix="bench-models-"))
    if args.family == "ltx2":
        model = build_tiny_ltx2(root / "tiny-ltx2")
        w, h = (int(v) for v in args.size.split("x"))
        result = measure_ltx2(model, args.device, (w, h), args.seconds, args.steps, args.repeats)
        report_ltx2(result, f"tiny ltx2 {w}x{h}, {args.steps} steps, {args.device}")
        return 0
    build = build_tiny_ltx if args.family == "ltx" else build_tiny_wan
    model = build(root / f"tiny-{args.family}")
    w, h = (int(v) for v in args.size.split("x"))
    result = measure(model, args.device, (w, h), args.seconds, args.steps, args.repeats)
    report(result, f"tiny {args.family} {w}x{h}, {args.steps} steps, {args.device}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
