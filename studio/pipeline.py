"""The headless render: storyboard or bundle in, takes generated on the engine thread, MP4 out.

Used by the CLI. Requests, seeds, the consent pre-check, the engine and landing come from the
render service (studio.render_service), which the editor uses too.
"""

from __future__ import annotations

import logging
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from studio.assemble import assemble_timeline, project_from_storyboard
from studio.bundle import Bundle, is_bundle
from studio.engine.events import EngineEvent, JobCancelled, JobFailed, JobFinished
from studio.engine.request import GenerationRequest
from studio.engine.worker import Engine
from studio.errors import EngineFailure, InputError, Location
from studio.model import OutputFormat, TrackKind
from studio.preflight import check_renderable
from studio.presets.library import PresetLibrary
from studio.render_service import (
    GenerationSettings,
    PlannedJob,
    check_consent,
    land_in_bundle,
    make_engine,
    make_farm_engine,
    plan_shots,
    shot_seed,
)
from studio.render_service.cast import check_project_cast, check_script_cast
from studio.script import load_storyboard

log = logging.getLogger(__name__)

__all__ = ["RenderOptions", "RenderReport", "build_requests", "render", "shot_seed"]


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
    cluster: str | None = None  # Ray cluster address: jobs run on the render farm
    on_event: Callable[[EngineEvent], None] | None = None
    on_export: Callable[[int, int], None] | None = None
    quality: str = "final"  # export quality: final (today's encoder settings) or draft
    captions: str | None = None  # srt, burn or off; None: srt when any shot has lines
    # issue 17: new animatic shots render in parallel straight into the export; legacy=True
    # keeps the old path (per-frame painter, takes encoded then decoded by the export)
    legacy: bool = False
    # a draft export whose takes nobody keeps renders its pictures at half size (issue 17,
    # studio/engine/animatic/draft.py); False: full-size pictures, only the encoder is faster
    draft_pictures: bool = True
    workers: int = 2
    cancel: threading.Event | None = None

    @property
    def settings(self) -> GenerationSettings:
        return GenerationSettings(
            engine=self.engine,
            model=self.model,
            steps=self.steps,
            size=self.size,
            device=self.device,
            seed=self.seed,
            sound=self.sound,
        )


@dataclass
class RenderReport:
    output: Path
    bundle: Path
    takes: list[str] = field(default_factory=list)
    export: object | None = None


def open_input(path: Path, opts: RenderOptions, workdir: Path) -> tuple[Bundle, bool]:
    """A bundle to render into: the given bundle, or a new one made from a storyboard script."""
    path = Path(path)
    if is_bundle(path):
        bundle = Bundle.load(path)
        check_renderable(bundle, regenerate=opts.regenerate, sound=opts.sound)  # as validate does
        check_project_cast(bundle)
        return bundle, False
    if path.is_dir():
        raise InputError(
            "this folder is not a project bundle (no project.json)", Location(str(path))
        )
    if not path.exists():
        raise InputError("no such file", Location(file=str(path)))
    board = load_storyboard(path, PresetLibrary())
    for warning in board.warnings:
        log.warning("warning: %s", warning)
    check_script_cast(board)  # a cameo in the cast needs her profile and consent here
    target = opts.keep_project or (workdir / "render.sbproj")
    return project_from_storyboard(board, target), True


def plan(bundle: Bundle, opts: RenderOptions) -> list[PlannedJob]:
    """The picture and sound jobs of every shot that lacks a take (all of them with
    --regenerate): the same requests the editor's Generate makes."""
    shots = bundle.project.shots
    redo = opts.regenerate
    return plan_shots(bundle, shots, opts.settings, redo_pictures=redo, redo_sounds=redo)


def build_requests(bundle: Bundle, opts: RenderOptions) -> list[tuple[str, GenerationRequest]]:
    """(backend, request) for every shot that needs a picture or a sound take."""
    return [(job.backend, job.request) for job in plan(bundle, opts)]


def generate(engine: Engine, bundle: Bundle, jobs: list[PlannedJob], on_event=None) -> list[str]:
    """Run every job; on success land the takes (a hand-edited timeline is changed only where
    those shots sit); on any failure raise."""
    if on_event:
        engine.subscribe(on_event)
    ids = [engine.submit(job.request, job.backend) for job in jobs]
    engine.start()
    failures, takes = [], []
    try:
        for job_id in ids:
            event = engine.wait(job_id)
            if isinstance(event, JobFinished) and event.take:
                takes.append(land_in_bundle(bundle, event.take).id)
                if event.linked:  # the sound the same run made: lands linked, in sync
                    takes.append(land_in_bundle(bundle, event.linked).id)
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
    from studio.compose.captions import default_mode
    from studio.export.mp4 import export_project
    from studio.export.settings import ExportSettings
    from studio.provenance import provenance_hook

    project = bundle.project
    check_export(project, project_path=str(bundle.path), resolve=bundle.resolve)
    captions = opts.captions or default_mode(project)
    settings = ExportSettings(captions=captions).with_quality(opts.quality)
    return export_project(
        project,
        bundle.resolve,
        opts.output,
        settings,
        progress=opts.on_export,
        cancel=opts.cancel,
        provenance=provenance_hook(project, resolve=bundle.resolve, quality=opts.quality),
        **(feed.kwargs() if feed is not None else {}),
    )


def split_fresh(jobs: list[PlannedJob], opts: RenderOptions) -> tuple[list, list]:
    """The new animatic shots that render straight into the export (issue 17), and the jobs
    that go through the engine as before (all of them on the farm or with the old path)."""
    from studio.engine.animatic.fresh import is_fresh

    if opts.legacy or opts.cluster:
        return [], list(jobs)
    fresh = [job for job in jobs if is_fresh(job.backend, job.request)]
    return fresh, [job for job in jobs if job not in fresh]


def _engine_for(opts: RenderOptions) -> Engine:
    """The render service's engine (or the farm's), with the old animatic path when asked."""
    if opts.cluster:
        return make_farm_engine(opts.cluster)
    engine = make_engine(autostart=False, model=opts.model, device=opts.device, steps=opts.steps)
    if opts.legacy:
        from studio.engine.animatic import AnimaticBackend

        engine.register("animatic", AnimaticBackend(legacy=True))
    return engine


def render_fresh_and_export(bundle: Bundle, fresh, opts: RenderOptions, keep_takes: bool = True):
    """Render `fresh` shots on both cores while exporting their frames (issue 17); consent is
    checked again right before each shot and each finished take is recorded in the consent
    ledger, as on the engine thread. keep_takes=False (a bundle thrown away after the render)
    writes no take files: the frames only feed the export."""
    from studio.cameo.guard import engine_preflight
    from studio.cameo.takefacts import ledger_take_hook
    from studio.engine.animatic import AnimaticBackend
    from studio.engine.animatic.fresh import render_fresh

    return render_fresh(
        bundle,
        [job.request for job in fresh],
        lambda feed: export(bundle, opts, feed),
        backend=AnimaticBackend(),
        preflight=engine_preflight(),
        take_hooks=[ledger_take_hook()],
        workers=opts.workers,
        cancel=opts.cancel,
        keep_takes=keep_takes,
        draft=opts.quality == "draft" and opts.draft_pictures,
    )


def render(input_path: Path, opts: RenderOptions) -> RenderReport:
    """Storyboard or bundle → MP4. Raises InputError, PolicyRefusal, EngineFailure, ExportFailure."""
    with tempfile.TemporaryDirectory(prefix="studio-render-") as work:
        bundle, from_script = open_input(input_path, opts, Path(work))
        if opts.format:
            bundle.project.format = opts.format
        jobs = plan(bundle, opts)
        check_consent(jobs, bundle.project)
        fresh, jobs = split_fresh(jobs, opts)
        takes = generate(_engine_for(opts), bundle, jobs, opts.on_event) if jobs else []
        kept = not from_script or opts.keep_project is not None
        if fresh:
            # a script rendered without --project: the bundle goes with the temp folder, so
            # nobody will ever read the fresh takes and none is encoded
            made, result = render_fresh_and_export(bundle, fresh, opts, keep_takes=kept)
            takes += made
            if kept:
                bundle.save()
            return RenderReport(opts.output, bundle.path, takes, result)
        if not any(t.clips for t in bundle.project.tracks_of(TrackKind.VIDEO)):
            assemble_timeline(bundle.project)
        if kept:
            bundle.save()
        result = export(bundle, opts)
        return RenderReport(opts.output, bundle.path, takes, result)
