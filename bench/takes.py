"""Animatic take size and fidelity: today's take encoder against the size-capped one.

For 3 s 1080×1920 30 fps shots in a few looks (grainy and clean) prints each encoder's file
size, encode CPU per frame, and PSNR / SSIM of the decoded take against the rendered frames
and of the new take against today's take.
Usage: .venv/bin/python bench/takes.py [--seconds 3] [--every 10]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from studio.engine.animatic.layers import LayerShot  # noqa: E402
from studio.engine.animatic.render import ShotRenderer, ShotSpec  # noqa: E402
from studio.engine.animatic.takefile import (  # noqa: E402
    LEGACY_CODEC,
    TakeWriter,
    codec_for,
    to_take_yuv,
)
from studio.media.quality import psnr, ssim  # noqa: E402
from studio.media.video import iter_frames  # noqa: E402
from studio.presets.library import PresetLibrary  # noqa: E402

CASES = [
    ("a runner crosses a foggy bridge at dawn", "film-noir", "dolly-in"),  # heavy grain
    ("a woman walks in the rain at night", "silent-film", "orbit"),  # heavy grain, flicker
    ("a red car drives through a neon city at night", "neon", "pan-left"),  # light grain
    ("a lighthouse on a stormy sea at dusk", "watercolor", "tilt-up"),  # clean
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--every", type=int, default=10, help="compare every Nth frame")
    args = parser.parse_args()
    lib = PresetLibrary()
    n = round(args.seconds * 30)
    print(f"== {args.seconds:g} s takes, 1080x1920 30 fps")
    with tempfile.TemporaryDirectory() as tmp:
        for prompt, preset, camera in CASES:
            look = lib.get(preset).look
            spec = ShotSpec(
                prompt=prompt,
                seed=7,
                size=(1080, 1920),
                fps=30,
                frames=n,
                camera=camera,
                look=look,
                palette=look.palette,
            )
            shot = LayerShot(ShotRenderer(spec))
            frames = [shot.frame(i) for i in range(n)]
            yuv = [to_take_yuv(f) for f in frames]
            decoded = {}
            print(f"  {preset}/{camera} (new: x264 {codec_for(look.texture).preset})")
            for name, codec in (("today", LEGACY_CODEC), ("new", codec_for(look.texture))):
                path = Path(tmp) / f"{preset}-{name}.mp4"
                t0 = time.process_time()
                writer = TakeWriter(path, (1080, 1920), 30, codec)
                for f in yuv:
                    writer.write(f)
                writer.finish()
                cpu = (time.process_time() - t0) / n * 1000
                decoded[name] = list(iter_frames(path))[:: args.every]
                ref = frames[:: args.every]
                p = np.mean([psnr(a, b) for a, b in zip(ref, decoded[name], strict=True)])
                s = np.mean([ssim(a, b) for a, b in zip(ref, decoded[name], strict=True)])
                size = path.stat().st_size / 1e6
                print(
                    f"    {name:6s} {size:6.1f} MB  encode {cpu:5.1f} ms CPU/frame"
                    f"  vs rendered: PSNR {p:5.2f} dB  SSIM {s:.4f}"
                )
            pairs = list(zip(decoded["today"], decoded["new"], strict=True))
            p = np.mean([psnr(a, b) for a, b in pairs])
            s = np.mean([ssim(a, b) for a, b in pairs])
            print(f"    new vs today's take: PSNR {p:5.2f} dB  SSIM {s:.4f}")


if __name__ == "__main__":
    main()
