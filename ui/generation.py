"""Generation from the editor: the render service (studio.render_service) adapted to Qt.

The service builds the requests (picture and sound, seeds derived as in the CLI), checks
consent, makes the engine and adopts finished takes into the project's current folder. This
controller lives on the GUI thread: it submits what the service plans, follows the engine's
events per shot, and lands each finished take through an undoable command. Jobs are routed by
project id, so a Save As while jobs are queued, running or finishing keeps every take.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from studio.bundle import Bundle
from studio.engine.request import GenerationRequest, SourceTake
from studio.engine.worker import Engine
from studio.errors import PolicyRefusal, StudioError
from studio.model import Operation, Shot, Take
from studio.model.take_edits import keep_take
from studio.paths import user_data_dir
from studio.render_service import (
    ANIMATIC,
    DIFFUSERS,
    GenerationSettings,
    PlannedJob,
    adopt_take,
    belongs_to,
    check_consent,
    keep_in_closed_project,
    picture_request,
    plan_shots,
    reroll_seed,
    shot_label,
)
from studio.render_service import make_engine as make_service_engine
from studio.render_service.takes import plan_retake, plan_variations, source_take
from ui.bridge import EngineBridge
from ui.commands import EditCommand, LandAsNewClip, LandTake

__all__ = [
    "ANIMATIC",
    "DIFFUSERS",
    "Generator",
    "diffusion_models",
    "engines_available",
    "make_engine",
]


def diffusion_models() -> list[tuple[str, str]]:
    """(label, model id) of the video models installed on this machine (no torch import)."""
    if importlib.util.find_spec("studio.models") is None:
        return []
    try:
        registry = importlib.import_module("studio.models").ModelRegistry()
        return [(m.name, m.id) for m in registry.models(kind="video") if not m.problems]
    except (StudioError, OSError, ValueError):
        return []


def engines_available() -> list[str]:
    names = []
    if importlib.util.find_spec("studio.engine.animatic") is not None:
        names.append(ANIMATIC)
    if importlib.util.find_spec("studio.engine.diffusion") is not None:
        names.append(DIFFUSERS)
    return names


def make_engine(queue_path: Path | None = None) -> Engine:
    """The service's engine, with its queue saved in the user data folder so pending jobs
    survive a restart."""
    return make_service_engine(queue_path=queue_path or user_data_dir() / "queue.json")


@dataclass
class JobInfo:
    request: GenerationRequest
    backend: str
    bundle: Bundle | None  # the project's bundle; Save As moves it in place (bundle.path)
    shot_id: str | None
    label: str

    @property
    def is_sound(self) -> bool:
        return PlannedJob(self.backend, self.request).is_sound


class Generator(QObject):
    """Submits generation jobs for the open document and lands their takes."""

    refused = Signal(str)  # consent/policy refusal message
    shotStatus = Signal(str, str)  # shot id, status text ("queued", "42%", "ready", "failed: …")
    takeLanded = Signal(str, str)  # shot id, take id
    submitted = Signal(str, str)  # job id, label (at once, before the engine's queued event)
    jobLanded = Signal(str)  # job id: its take is in its project
    landingFailed = Signal(str, str)  # job id, message (where the take's file is kept)

    def __init__(self, bridge: EngineBridge, document_provider, parent: QObject | None = None):
        super().__init__(parent)
        self.bridge = bridge
        self._doc = document_provider  # callable → current Document (it changes on Open/New)
        self.backend = ANIMATIC
        self.model: str | None = None  # diffusion model id when backend is DIFFUSERS
        self.jobs: dict[str, JobInfo] = {}
        self.status: dict[str, str] = {}
        self._started: set[str] = set()
        # jobs whose take is added as a new clip after this shot instead of replacing its clip
        self.land_as_new: dict[str, str] = {}
        # JobQueued can arrive after JobStarted (the engine thread may pick the job up before
        # submit() announces it), so a late "queued" never overwrites a later state
        bridge.jobQueued.connect(
            lambda j, *_: j not in self._started and self._set_status(j, "queued")
        )
        bridge.jobStarted.connect(lambda j, *_: self._set_status(j, "starting"))
        for signal in (
            bridge.jobStarted,
            bridge.progress,
            bridge.jobFinished,
            bridge.jobFailed,
            bridge.jobCancelled,
        ):
            signal.connect(lambda j, *_: self._started.add(j))
        bridge.progress.connect(self._progress)
        bridge.jobFinished.connect(self._finished)
        bridge.jobFailed.connect(lambda j, reason, hint: self._set_failed(j, reason))
        bridge.jobCancelled.connect(lambda j: self._set_status(j, "cancelled"))

    # --- building requests --------------------------------------------------------------
    @property
    def settings(self) -> GenerationSettings:
        """The toolbar's engine and model, as the service takes them."""
        model = self.model if self.backend == DIFFUSERS else None
        return GenerationSettings(engine=self.backend, model=model)

    def request_for(
        self, shot: Shot, operation: Operation = Operation.GENERATE, **extra
    ) -> GenerationRequest:
        """A picture request for `shot`: its seed as the CLI derives it (a re-roll: a new one)."""
        if operation == Operation.REROLL and "seed" not in extra:
            extra["seed"] = reroll_seed()
        return picture_request(self._doc().bundle, shot, self.settings, operation, **extra)

    def source_for(self, take: Take) -> SourceTake:
        """`take` as a request's source: the render service's one definition (CLI alike)."""
        return source_take(self._doc().bundle, take)

    def plan(self, shot_ids: list[str]) -> list[PlannedJob]:
        """What Generate queues for these shots: a picture each, and the sound of each shot
        that describes one and has no sound take made from that description yet."""
        project = self._doc().project
        wanted = set(shot_ids)
        shots = [s for s in project.shots if s.id in wanted]
        return plan_shots(
            self._doc().bundle, shots, self.settings, redo_pictures=True, redo_sounds=False
        )

    # --- submitting ---------------------------------------------------------------------
    def submit(self, request: GenerationRequest, backend: str | None = None) -> str | None:
        """Consent check, then queue. Returns the job id, or None if refused."""
        doc = self._doc()
        backend = backend or self.backend
        try:
            check_consent([PlannedJob(backend, request)], doc.project)
        except PolicyRefusal as exc:
            self.refused.emit(str(exc))
            return None
        if backend == DIFFUSERS and not request.model:
            if not self.model:
                self.refused.emit(
                    "Choose a diffusion model in the toolbar first "
                    "(install one with `storyboard-studio models pull`)."
                )
                return None
            request.model = self.model
        job_id = self.bridge.engine.submit(request, backend=backend)
        bundle = doc.bundle if belongs_to(request, doc.project, doc.bundle.path) else None
        self.jobs[job_id] = JobInfo(request, backend, bundle, request.shot_id, request.describe())
        self._set_status(job_id, "queued")
        self.submitted.emit(job_id, request.describe())
        return job_id

    def generate(self, shot_ids: list[str], operation: Operation = Operation.GENERATE) -> list[str]:
        if operation == Operation.GENERATE:
            jobs = self.plan(shot_ids)
        else:
            project = self._doc().project
            shots = [s for s in project.shots if s.id in set(shot_ids)]
            jobs = [PlannedJob(self.backend, self.request_for(s, operation)) for s in shots]
        out = []
        for job in jobs:
            job_id = self.submit(job.request, job.backend)
            if job_id:
                out.append(job_id)
        return out

    def continue_take(
        self, shot_id: str, operation: Operation, seconds: float = 0.0, backwards: bool = False
    ) -> str | None:
        """Extend the shot's current take by `seconds` (forwards or back), or make it loop."""
        project = self._doc().project
        shot = project.shot(shot_id)
        take = project.takes.get(shot.current_take or "")
        if take is None:
            self.refused.emit("This shot has no take yet: generate it first.")
            return None
        duration = take.duration + seconds if operation == Operation.EXTEND else take.duration
        request = self.request_for(
            shot,
            operation,
            sources=[self.source_for(take)],
            duration=max(duration, 0.05),
            extend_seconds=seconds,
            extend_backwards=backwards,
            seed=take.seed or 0,
        )
        return self.submit(request)

    def variations(self, shot_id: str, count: int) -> list[str]:
        """N takes of the shot with N new seeds, one batch (they land beside its current take,
        for the takes browser)."""
        doc = self._doc()
        shot = doc.project.shot(shot_id)
        try:
            jobs = plan_variations(doc.bundle, shot, self.settings, count, reroll_seed())
        except StudioError as exc:
            self.refused.emit(str(exc))
            return []
        return [j for j in (self.submit(job.request, job.backend) for job in jobs) if j]

    def retake(self, take_id: str, start: float, end: float) -> str | None:
        """Generate [start, end) seconds of a take again (a new seed), keeping the rest."""
        doc = self._doc()
        take = doc.project.takes.get(take_id)
        if take is None:
            self.refused.emit("That take is no longer in the project.")
            return None
        try:
            job = plan_retake(doc.bundle, take, start, end, self.settings, reroll_seed())
        except StudioError as exc:
            self.refused.emit(str(exc))
            return None
        return self.submit(job.request, job.backend)

    def generate_all(self) -> list[str]:
        return self.generate([s.id for s in self._doc().project.shots])

    def retry(self, job_id: str) -> str | None:
        info = self.jobs.get(job_id)
        return self.submit(info.request, info.backend) if info else None

    def busy(self) -> bool:
        engine = self.bridge.engine
        return bool(engine.running_job or engine.queue.pending())

    # --- events -------------------------------------------------------------------------
    def _info(self, job_id: str) -> JobInfo | None:
        """What we know of a job; one restored from the saved queue is learnt from the engine."""
        info = self.jobs.get(job_id)
        if info is None:
            job = self.bridge.engine.job_of(job_id)
            if job is None:
                return None
            request = job.request
            info = JobInfo(request, job.backend, None, request.shot_id, request.describe())
            self.jobs[job_id] = info
        return info

    def _set_status(self, job_id: str, text: str) -> None:
        info = self._info(job_id)
        if info and info.shot_id and not info.is_sound:  # a shot's status follows its picture
            self.status[info.shot_id] = text
            self.shotStatus.emit(info.shot_id, text)

    def _set_failed(self, job_id: str, reason: str) -> None:
        info = self._info(job_id)
        if info and info.shot_id:
            text = f"{'sound ' if info.is_sound else ''}failed: {reason}"
            self.status[info.shot_id] = text
            self.shotStatus.emit(info.shot_id, text)

    def _progress(self, job_id: str, step: int, total: int, _eta, phase: str) -> None:
        pct = int(100 * step / total) if total else 0
        self._set_status(job_id, f"{pct}%")

    def _finished(self, job_id: str, take: Take | None) -> None:
        """Land the take in its project where that project is *now*: the open document when
        the job is for it, else its own folder; any failure is reported, never swallowed."""
        info = self._info(job_id)
        linked = self.bridge.linked_take(job_id)
        try:
            if take is None or info is None:
                raise StudioError("the engine gave back no take for this job")
            doc = self._doc()
            if belongs_to(info.request, doc.project, doc.bundle.path):
                landed = adopt_take(doc.bundle.path, take)
                after = self.land_as_new.pop(job_id, None)
                label = self._landing_label(doc, landed)
                if after is not None:
                    command = LandAsNewClip(doc, landed, after, "New clip: blend")
                    landed = doc.project.takes[landed.id]  # it now belongs to the new shot
                elif landed.batch:  # a variation: kept beside the current take, for the browser
                    command = EditCommand(doc, keep_take(doc.project, landed, label))
                else:
                    command = LandTake(doc, landed, label)
                doc.undo_stack.push(command)
                if linked is not None:  # its sound, from the same run: lands linked, in sync
                    sound = adopt_take(doc.bundle.path, linked)
                    doc.undo_stack.push(LandTake(doc, sound, self._landing_label(doc, sound)))
                self.takeLanded.emit(landed.shot_id or "", landed.id)
            else:  # its project was closed (New/Open) or this job was restored after a restart
                folder = info.bundle.path if info.bundle else info.request.bundle
                keep_in_closed_project(folder, take, info.request.project_id)
                if linked is not None:
                    keep_in_closed_project(folder, linked, info.request.project_id)
        except (StudioError, OSError) as exc:
            label = info.label if info else job_id
            self._set_failed(job_id, f"take not kept: {exc}")
            self.landingFailed.emit(job_id, f"The take of “{label}” was not kept: {exc}")
            return
        self._set_status(job_id, "ready")
        self.jobLanded.emit(job_id)

    @staticmethod
    def _landing_label(doc, take: Take) -> str:
        project = doc.project
        shot = next((s for s in project.shots if s.id == take.shot_id), None)
        return f"New take: {shot_label(project, shot)}" if shot else "New take"
