"""`storyboard-studio variations` and `storyboard-studio retake`: more takes of a shot, kept in
a project bundle (a script has nowhere to keep them: make a bundle with `render --project`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from studio.errors import EngineFailure, InputError, Location
from studio.limits import check_path_arg


def _engine_options(p) -> None:
    p.add_argument("--engine", default="animatic", help="animatic (default, no GPU) or diffusers")
    p.add_argument("--model", help="diffusers model folder or Hub id (with --engine diffusers)")
    p.add_argument("--steps", type=int, help="denoising steps (diffusers)")
    p.add_argument("--size", help="generation size WxH (diffusers)")
    p.add_argument("--device", choices=["cpu", "cuda"], help="where to generate (diffusers)")


def register(sub) -> None:
    p = sub.add_parser(
        "variations", help="generate N variations of a shot (N seeds, one batch) into a bundle"
    )
    p.add_argument("project", type=Path, help="project bundle (.sbproj)")
    p.add_argument("--shot", required=True, help="the shot: its name, number (1 = first) or id")
    p.add_argument("-n", "--count", type=int, default=4, help="how many variations (1–16)")
    p.add_argument("--seed", type=int, help="first seed (default: the shot's own)")
    _engine_options(p)
    p.set_defaults(func=run_variations)

    p = sub.add_parser(
        "retake", help="generate a time range of a shot's take again, keeping the rest"
    )
    p.add_argument("project", type=Path, help="project bundle (.sbproj)")
    p.add_argument("--shot", required=True, help="the shot: its name, number (1 = first) or id")
    p.add_argument("--start", type=float, required=True, help="start of the range, seconds")
    p.add_argument("--end", type=float, required=True, help="end of the range, seconds")
    p.add_argument("--take", help="the take to retake (default: the shot's current take)")
    p.add_argument("--seed", type=int, help="seed for the span (default: derived from the range)")
    _engine_options(p)
    p.set_defaults(func=run_retake)


def _setup(args):
    from studio.bundle import Bundle, is_bundle
    from studio.cli.render import parse_size
    from studio.render_service import GenerationSettings

    check_path_arg(args.project, "project")
    if not is_bundle(args.project):
        raise InputError(
            "not a project bundle; make one from a script with `render SCRIPT -o OUT.mp4 "
            "--project DIR.sbproj`",
            Location(file=str(args.project)),
        )
    if args.engine not in ("animatic", "diffusers"):
        raise InputError(f"unknown engine '{args.engine}'", Location(field="--engine"))
    if args.engine == "diffusers" and not args.model:
        raise InputError("--engine diffusers needs --model PATH_OR_ID", Location(field="--model"))
    if args.seed is not None and not 0 <= args.seed < 2**32:
        raise InputError("--seed must be between 0 and 4294967295", Location(field="--seed"))
    settings = GenerationSettings(
        engine=args.engine,
        model=args.model,
        steps=args.steps,
        size=parse_size(args.size),
        device=args.device,
    )
    return Bundle.load(args.project), settings


def _run(jobs, bundle, args, land) -> list:
    """Consent check, run every job on the render service's engine, land each take."""
    from studio.cli.progress import TerminalProgress
    from studio.engine.events import JobFinished
    from studio.render_service import check_consent, make_engine

    check_consent(jobs, bundle.project)
    engine = make_engine(autostart=False, model=args.model, device=args.device, steps=args.steps)
    engine.subscribe(TerminalProgress().on_event)
    ids = [engine.submit(job.request, job.backend) for job in jobs]
    engine.start()
    landed = []
    try:
        for job_id in ids:
            event = engine.wait(job_id)
            if not isinstance(event, JobFinished) or event.take is None:
                for other in ids:
                    engine.cancel(other)
                reason = getattr(event, "reason", "cancelled")
                hint = getattr(event, "hint", "")
                raise EngineFailure(f"generation failed: {reason}" + (f" ({hint})" if hint else ""))
            landed.append(land(bundle, event.take))
    finally:
        engine.shutdown()
        if landed:
            bundle.save()  # what finished is kept, even when a later job failed
    return landed


def run_variations(args: argparse.Namespace) -> int:
    from studio.render_service.takes import find_shot, land_variation, plan_variations

    bundle, settings = _setup(args)
    shot = find_shot(bundle.project, args.shot)
    jobs = plan_variations(bundle, shot, settings, args.count, args.seed)
    for take in _run(jobs, bundle, args, land_variation):
        print(f"{take.id}  seed {take.seed}  batch {take.batch}  {take.path}")
    return 0


def run_retake(args: argparse.Namespace) -> int:
    from studio.render_service import land_in_bundle
    from studio.render_service.takes import find_shot, plan_retake

    bundle, settings = _setup(args)
    project = bundle.project
    shot = find_shot(project, args.shot)
    take_id = args.take or shot.current_take
    take = project.takes.get(take_id or "")
    if take is None or take.shot_id != shot.id:
        raise InputError(
            f"shot '{args.shot}' has no take '{take_id}'" if take_id else "the shot has no take",
            Location(field="--take"),
        )
    job = plan_retake(bundle, take, args.start, args.end, settings, args.seed)
    for new in _run([job], bundle, args, land_in_bundle):
        start, end = new.retake_range or (args.start, args.end)
        print(f"{new.id}  retake of {take.id} {start:g}-{end:g} s  seed {new.seed}  {new.path}")
    return 0
