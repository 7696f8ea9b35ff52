"""How fast the animatic renders: frames/s at 1080×1920 and at a preview size, in one run.

Prints render-only figures (panel + camera + look + caption, no encoding) per preset family and
the end-to-end figure through the backend (render + H.264 encode into a take file).
Usage: .venv/bin/python bench/animatic.py [--frames N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from studio.engine.animatic import AnimaticBackend  # noqa: E402
from studio.engine.animatic.backend import ENCODER_PRESET  # noqa: E402
from studio.engine.animatic.render import ShotRenderer, ShotSpec  # noqa: E402
from studio.engine.backend import JobContext  # noqa: E402
from studio.engine.request import GenerationRequest  # noqa: E402
from studio.media.video import write_video  # noqa: E402
from studio.presets.library import PresetLibrary  # noqa: E402

CASES = [  # (prompt, preset, camera): a light, a typical and a heavy look
    ("a runner crosses a foggy bridge at dawn", "film-noir", "dolly-in"),
    ("a red car drives through a neon city at night", "neon", "pan-left"),
    ("a woman reads in a quiet kitchen, morning light", "watercolor", "orbit"),
]


def render_fps(size: tuple[int, int], frames: int) -> list[tuple[str, float, float]]:
    lib = PresetLibrary()
    out = []
    for prompt, preset_name, camera in CASES:
        preset = lib.get(preset_name)
        t0 = time.perf_counter()
        spec = ShotSpec(
            prompt=prompt,
            seed=1,
            size=size,
            fps=24,
            frames=frames,
            camera=camera,
            look=preset.look,
            palette=preset.look.palette,
        )
        renderer = ShotRenderer(spec)
        t1 = time.perf_counter()
        for i in range(frames):
            renderer.frame(i)
        t2 = time.perf_counter()
        out.append((f"{preset_name}/{camera}", t1 - t0, frames / (t2 - t1)))
    return out


def backend_fps(size: tuple[int, int], frames: int, case: tuple[str, str, str]) -> float:
    backend = AnimaticBackend()
    with tempfile.TemporaryDirectory() as tmp:
        ctx = JobContext("bench", Path(tmp), lambda event: None)
        request = GenerationRequest(
            prompt=case[0], preset=case[1], camera=case[2], duration=frames / 24, fps=24, size=size
        )
        t0 = time.perf_counter()
        result = backend.generate(request, ctx)
        return result.frames / (time.perf_counter() - t0)


def encode_fps(size: tuple[int, int], frames: int, case: tuple[str, str, str]) -> float:
    """The encoder alone on the same frames: what the backend figure is bounded by."""
    preset = PresetLibrary().get(case[1])
    spec = ShotSpec(
        prompt=case[0],
        seed=0,
        size=size,
        fps=24,
        frames=frames,
        camera=case[2],
        look=preset.look,
        palette=preset.look.palette,
    )
    renderer = ShotRenderer(spec)
    rendered = [renderer.frame(i) for i in range(frames)]
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        write_video(Path(tmp) / "enc.mp4", rendered, 24, preset=ENCODER_PRESET)
        return frames / (time.perf_counter() - t0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=24)
    args = parser.parse_args()
    for label, size in (("1080x1920", (1080, 1920)), ("preview 270x480", (270, 480))):
        print(f"== {label}")
        for case, setup, fps in render_fps(size, args.frames):
            print(f"  render only  {case:24s} {fps:7.1f} frames/s  (set-up {setup * 1000:.0f} ms)")
        for case in (CASES[0], CASES[1]):
            label = f"{case[1]}/{case[2]}"
            print(
                f"  backend      {label:24s} {backend_fps(size, args.frames, case):7.1f} frames/s"
                f"  (render + H.264 encode; encoder alone {encode_fps(size, args.frames, case):.1f} frames/s)"
            )


if __name__ == "__main__":
    main()
