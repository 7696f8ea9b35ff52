"""`storyboard-studio render`: a storyboard script or project bundle to an MP4."""

from __future__ import annotations

import argparse
from pathlib import Path

from studio.errors import InputError, Location
from studio.limits import check_path_arg
from studio.model import OutputFormat


def register(sub) -> None:
    p = sub.add_parser("render", help="render a storyboard script or project bundle to an MP4")
    p.add_argument("input", type=Path, help="storyboard script (.toml) or project bundle (.sbproj)")
    p.add_argument("-o", "--output", type=Path, required=True, help="the MP4 to write")
    p.add_argument("--format", choices=[f.value for f in OutputFormat], help="override the format")
    p.add_argument("--engine", default="animatic", help="animatic (default, no GPU) or diffusers")
    p.add_argument("--seed", type=int, help="seed for shot 1; shot k gets N+k")
    p.add_argument("--model", help="diffusers model folder or Hub id (with --engine diffusers)")
    p.add_argument("--steps", type=int, help="denoising steps (diffusers)")
    p.add_argument(
        "--size", help="generation size WxH (diffusers; default: the model's native size)"
    )
    p.add_argument("--device", choices=["cpu", "cuda"], help="where to generate (diffusers)")
    p.add_argument("--no-sound", action="store_true", help="do not generate shot sound")
    p.add_argument("--project", type=Path, help="keep the project bundle made from a script here")
    p.add_argument(
        "--regenerate", action="store_true", help="regenerate takes a bundle already has"
    )
    p.add_argument(
        "--cluster",
        metavar="ADDRESS",
        help="render on a Ray cluster (HEAD:6379, or auto for one started on this machine); "
        "default: $STUDIO_CLUSTER",
    )
    p.add_argument(
        "--quality",
        choices=["final", "draft"],
        default="final",
        help="final (default) or draft: faster encoder settings for quick reviews",
    )
    p.add_argument(
        "--captions",
        choices=["srt", "burn", "off"],
        help="the shots' spoken lines: srt (OUT.srt beside the MP4), burn (drawn into the "
        "frames) or off; default: srt when any shot has lines",
    )
    p.set_defaults(func=run)


def parse_size(text: str | None) -> tuple[int, int] | None:
    if not text:
        return None
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise InputError(
            f"--size must look like 768x512, not '{text}'", Location(field="--size")
        ) from None
    if not (16 <= w <= 8192 and 16 <= h <= 8192):
        raise InputError(
            "--size must be between 16 and 8192 pixels a side", Location(field="--size")
        )
    return w, h


def run(args: argparse.Namespace) -> int:
    from studio.cli.progress import TerminalProgress
    from studio.farm import cluster_from_env
    from studio.pipeline import RenderOptions, render

    if args.engine not in ("animatic", "diffusers"):
        raise InputError(
            f"unknown engine '{args.engine}' (animatic or diffusers)", Location(field="--engine")
        )
    if args.engine == "diffusers" and not args.model:
        raise InputError("--engine diffusers needs --model PATH_OR_ID", Location(field="--model"))
    if args.seed is not None and not 0 <= args.seed < 2**32:
        raise InputError("--seed must be between 0 and 4294967295", Location(field="--seed"))
    if args.steps is not None and not 1 <= args.steps <= 500:
        raise InputError("--steps must be between 1 and 500", Location(field="--steps"))
    check_path_arg(args.input, "input")
    check_path_arg(args.output, "--output")
    if args.project is not None:
        check_path_arg(args.project, "--project")
    progress = TerminalProgress()
    opts = RenderOptions(
        output=args.output,
        format=OutputFormat(args.format) if args.format else None,
        engine=args.engine,
        seed=args.seed,
        model=args.model,
        steps=args.steps,
        size=parse_size(args.size),
        device=args.device,
        sound=not args.no_sound,
        keep_project=args.project,
        regenerate=args.regenerate,
        cluster=cluster_from_env(args.cluster),
        quality=args.quality,
        captions=args.captions,
        on_event=progress.on_event,
        on_export=progress.export_progress,
    )
    report = render(args.input, opts)
    if progress.enabled:
        print(f"wrote {report.output}")
    return 0
