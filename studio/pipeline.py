"""The headless render: storyboard or bundle in, takes generated on the engine thread, MP4 out.

Used by the CLI; the editor runs the same steps interactively.
"""

from __future__ import annotations

import logging
import tempfile
import threading
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from studio.assemble import assemble_timeline, project_from_storyboard
from studio.bundle import Bundle, is_bundle
from studio.cameo.guard import check_request, engine_preflight
from studio.engine.animatic import AnimaticBackend
from studio.engine.events import EngineEvent, JobCancelled, JobFailed, JobFinished
from studio.engine.request import GenerationRequest
from studio.engine.sound import pick_sound_engine, register_sound_backends, sound_request
from studio.engine.worker import Engine
from studio.errors import EngineFailure, InputError, Location
from studio.model import OutputFormat, Shot, TrackKind
from studio.placement import land_take
from studio.presets.library import PresetLibrary
from studio.script import load_storyboard

log = logging.getLogger(__name__)


@dataclass
class RenderOptions:
    output: Path
    format: OutputFormat | None = None
    engine: str = "animatic"
    seed: int | None = None
    model: str | None = None
    steps: int | None = None
    size: tuple[int, int] | None = None
    device: str | None = None
    sound: bool = True
    keep_project: Path | None = None  # where to keep the bundle made from a script
    regenerate: bool = False
    on_event: Callable[[EngineEvent], None] | None = None
    on_export: Callable[[int, int], None] | None = None
    quality: str = "final"  # export quality: final (today's encoder settings) or draft
    # issue 17: new animatic shots render in parallel straight into the export; legacy=True
    # keeps the old path (per-frame painter, takes encoded then decoded by the export)
    legacy: bool = False
    workers: int = 2
    cancel: threading.Event | None = None


@dataclass
class RenderReport:
    output: Path
    bundle: Path
    takes: list[str] = field(default_factory=list)
    export: object | None = None


def shot_seed(shot: Shot, index: int, base: int | None) -> int:
    """--seed N gives shot k the seed N+k; else the shot's own, else one derived from its prompt."""
    if base is not None:
        return (base + index) % 2**32
    if shot.seed is not None:
        return shot.seed
    return zlib.crc32(shot.prompt.encode("utf-8"))


def open_input(path: Path, opts: RenderOptions, workdir: Path) -> tuple[Bundle, bool]:
    """A bundle to render into: the given bundle, or a new one made from a storyboard script."""
    path = Path(path)
    if is_bundle(path):
        return Bundle.load(path), False
    if path.is_dir():
        raise InputError(
            "this folder is not a project bundle (no project.json)", Location(str(path))
        )
    if not path.exists():
        raise InputError("no such file", Location(file=str(path)))
    board = load_storyboard(path, PresetLibrary())
    for warning in board.warnings:
        log.warning("warning: %s", warning)
    target = opts.keep_project or (workdir / "render.sbproj")
    return project_from_storyboard(board, target), True


def build_requests(bundle: Bundle, opts: RenderOptions) -> list[tuple[str, GenerationRequest]]:
    """(backend, request) for every shot that needs a picture or a sound take."""
    project = bundle.project
    jobs = []
    wants_sound = opts.sound and any(s.audio for s in project.shots)
    sound_engine = pick_sound_engine() if wants_sound else None
    for i, shot in enumerate(project.shots):
        seed = shot_seed(shot, i, opts.seed)
        needs_video = opts.regenerate or not _take_ok(bundle, shot.current_take)
        if needs_video:
            jobs.append((opts.engine, _video_request(bundle, shot, seed, opts)))
        if opts.sound and shot.audio and (opts.regenerate or not _take_ok(bundle, shot.sound_take)):
            jobs.append((sound_engine, sound_request(project, shot, seed, str(bundle.path))))
    return jobs


def _take_ok(bundle: Bundle, take_id: str | None) -> bool:
    if not take_id or take_id not in bundle.project.takes:
        return False
    return bundle.take_file(take_id).is_file()


def _video_request(bundle: Bundle, shot: Shot, seed: int, opts: RenderOptions) -> GenerationRequest:
    project = bundle.project
    return GenerationRequest(
        shot_id=shot.id,
        prompt=shot.prompt,
        duration=shot.duration,
        camera=shot.camera,
        preset=shot.effective_style(project.style),
        seed=seed,
        format=project.format,
        fps=project.fps,
        image=str(bundle.resolve(shot.image)) if shot.image else None,
        cameos=shot.cameos,
        bundle=str(bundle.path),
        size=opts.size,
        steps=opts.steps,
        model=opts.model,
        device=opts.device,
        label=f"shot {shot.name or project.shots.index(shot) + 1}",
    )


def make_engine(opts: RenderOptions) -> Engine:
    """An engine with the embedded backends and, lazily, the diffusion backend."""
    engine = Engine(autostart=False)
    engine.register("animatic", AnimaticBackend(legacy=opts.legacy))
    register_sound_backends(engine, device=opts.device)
    if opts.engine == "diffusers":
        from studio.engine import diffusion

        engine.register(
            "diffusers",
            lambda: diffusion.make_backend(model=opts.model, device=opts.device, steps=opts.steps),
        )
    engine.add_preflight(engine_preflight())
    return engine


def check_consent(requests: list[tuple[str, GenerationRequest]], bundle: Bundle) -> None:
    """Refuse before any work starts when a prompt needs consent it doesn't have."""
    for backend, request in requests:
        if backend not in ("soundbed", "diffusers-audio"):
            check_request(request, project=bundle.project)


def generate(engine: Engine, bundle: Bundle, requests, on_event=None) -> list[str]:
    """Run every job; on success land the takes (a hand-edited timeline is changed only where
    those shots sit); on any failure raise."""
    if on_event:
        engine.subscribe(on_event)
    ids = [engine.submit(req, backend) for backend, req in requests]
    engine.start()
    failures, takes = [], []
    try:
        for job_id in ids:
            event = engine.wait(job_id)
            if isinstance(event, JobFinished) and event.take:
                land_take(bundle.project, event.take)
                takes.append(event.take.id)
            elif isinstance(event, JobFailed):
                failures.append(event)
                for other in ids:
                    engine.cancel(other)
            elif isinstance(event, JobCancelled) and not failures:
                failures.append(JobFailed(job_id, reason="cancelled"))
    finally:
        engine.shutdown()
    if failures:
        first = failures[0]
        hint = f" ({first.hint})" if first.hint else ""
        raise EngineFailure(f"generation failed: {first.reason}{hint}")
    return takes


def export(bundle: Bundle, opts: RenderOptions, feed=None):
    from studio.cameo.guard import check_export
    from studio.export.mp4 import export_project
    from studio.export.settings import ExportSettings
    from studio.provenance import provenance_hook

    project = bundle.project
    check_export(project, project_path=str(bundle.path))
    settings = ExportSettings().with_quality(opts.quality)
    return export_project(
        project,
        bundle.resolve,
        opts.output,
        settings,
        progress=opts.on_export,
        cancel=opts.cancel,
        provenance=provenance_hook(project, quality=opts.quality),
        **(feed.kwargs() if feed is not None else {}),
    )


def split_fresh(requests, opts: RenderOptions) -> tuple[list, list]:
    """Hook (issue 17): the new animatic shots that render straight into the export, and the
    jobs that go through the engine as before."""
    from studio.engine.animatic.fresh import is_fresh

    if opts.legacy:
        return [], list(requests)
    fresh = [(b, r) for b, r in requests if is_fresh(b, r)]
    return fresh, [job for job in requests if job not in fresh]


def render_fresh_and_export(bundle: Bundle, fresh, opts: RenderOptions):
    """Hook (issue 17): render `fresh` shots on both cores while exporting their frames."""
    from studio.engine.animatic import AnimaticBackend
    from studio.engine.animatic.fresh import render_fresh

    return render_fresh(
        bundle,
        [r for _, r in fresh],
        lambda feed: export(bundle, opts, feed),
        backend=AnimaticBackend(),
        preflight=engine_preflight(),
        workers=opts.workers,
        cancel=opts.cancel,
    )


def render(input_path: Path, opts: RenderOptions) -> RenderReport:
    """Storyboard or bundle → MP4. Raises InputError, PolicyRefusal, EngineFailure, ExportFailure."""
    with tempfile.TemporaryDirectory(prefix="studio-render-") as work:
        bundle, from_script = open_input(input_path, opts, Path(work))
        if opts.format:
            bundle.project.format = opts.format
        requests = build_requests(bundle, opts)
        check_consent(requests, bundle)
        fresh, requests = split_fresh(requests, opts)
        takes = generate(make_engine(opts), bundle, requests, opts.on_event) if requests else []
        if fresh:
            made, result = render_fresh_and_export(bundle, fresh, opts)
            takes += made
            if not from_script or opts.keep_project:
                bundle.save()
            return RenderReport(opts.output, bundle.path, takes, result)
        if not any(t.clips for t in bundle.project.tracks_of(TrackKind.VIDEO)):
            assemble_timeline(bundle.project)
        if not from_script or opts.keep_project:
            bundle.save()
        result = export(bundle, opts)
        return RenderReport(opts.output, bundle.path, takes, result)
