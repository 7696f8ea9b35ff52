"""Generation from the editor: shots → GenerationRequests → Engine jobs → takes on the timeline.

The engine runs jobs on its own thread; this controller lives on the GUI thread, builds the
requests, runs the consent check before submitting, and lands each finished take through an
undoable command (a new take is added beside the old ones; the clip switches to it).
"""

from __future__ import annotations

import importlib
import importlib.util
import random
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from studio.bundle import record_take
from studio.cameo.guard import check_request, engine_preflight
from studio.cameo.takefacts import ledger_take_hook
from studio.engine.request import GenerationRequest, SourceTake
from studio.engine.worker import Engine
from studio.errors import PolicyRefusal, StudioError
from studio.model import Operation, Shot, Take
from studio.paths import user_data_dir
from ui.bridge import EngineBridge
from ui.commands import LandTake

ANIMATIC = "animatic"
DIFFUSERS = "diffusers"


def _animatic():
    return importlib.import_module("studio.engine.animatic").AnimaticBackend()


def _diffusers():
    """Built on first use only: loading a model pulls in torch and diffusers.

    The backend gets no fixed model: each request names its model (the toolbar's choice)."""
    module = importlib.import_module("studio.engine.diffusion.backend")
    return module.DiffusersBackend()


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
    """An engine with the animatic and sound backends and, lazily, the diffusers one (no torch
    yet). Its queue is saved in the user data folder, so pending jobs survive a restart."""
    from studio.engine.sound import register_sound_backends

    engine = Engine(queue_path=queue_path or user_data_dir() / "queue.json", autostart=True)
    engine.register(ANIMATIC, _animatic)
    engine.register(DIFFUSERS, _diffusers)
    register_sound_backends(engine)
    # consent is checked again on the engine thread right before each job runs
    engine.add_preflight(engine_preflight())
    engine.add_take_hook(ledger_take_hook())  # take file hash → cameos, for the export check
    return engine


def guard_request(request: GenerationRequest, project) -> None:
    """Consent and prompt-policy check before a job is queued (raises PolicyRefusal)."""
    check_request(request, project=project)


@dataclass
class JobInfo:
    request: GenerationRequest
    backend: str
    bundle: str
    shot_id: str | None
    label: str


class Generator(QObject):
    """Submits generation jobs for the open document and lands their takes."""

    refused = Signal(str)  # consent/policy refusal message
    shotStatus = Signal(str, str)  # shot id, status text ("queued", "42%", "ready", "failed: …")
    takeLanded = Signal(str, str)  # shot id, take id
    submitted = Signal(str, str)  # job id, label (at once, before the engine's queued event)

    def __init__(self, bridge: EngineBridge, document_provider, parent: QObject | None = None):
        super().__init__(parent)
        self.bridge = bridge
        self._doc = document_provider  # callable → current Document (it changes on Open/New)
        self.backend = ANIMATIC
        self.model: str | None = None  # diffusion model id when backend is DIFFUSERS
        self.jobs: dict[str, JobInfo] = {}
        self.status: dict[str, str] = {}
        self._started: set[str] = set()
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
        bridge.jobFailed.connect(lambda j, reason, hint: self._set_status(j, f"failed: {reason}"))
        bridge.jobCancelled.connect(lambda j: self._set_status(j, "cancelled"))

    # --- building requests --------------------------------------------------------------
    def request_for(
        self, shot: Shot, operation: Operation = Operation.GENERATE, **extra
    ) -> GenerationRequest:
        doc = self._doc()
        project = doc.project
        seed = shot.seed if shot.seed is not None else random.randrange(2**31)
        if operation == Operation.REROLL:
            seed = random.randrange(2**31)
        fields = dict(
            operation=operation,
            shot_id=shot.id,
            prompt=shot.prompt,
            duration=shot.duration,
            camera=shot.camera,
            preset=shot.effective_style(project.style),
            seed=seed,
            format=project.format,
            fps=project.fps,
            image=str(doc.resolve(shot.image)) if shot.image else None,
            cameos=shot.cameos,
            bundle=str(doc.bundle.path),
            label=f"{_shot_label(project, shot)} · {operation.value}",
        )
        fields.update(extra)
        return GenerationRequest(**fields)

    def source_for(self, take: Take) -> SourceTake:
        doc = self._doc()
        return SourceTake(
            take_id=take.id,
            path=str(doc.resolve(take.path)),
            fps=take.fps or doc.project.fps,
            frames=take.frames,
            prompt=take.prompt,
            seed=take.seed,
        )

    # --- submitting ---------------------------------------------------------------------
    def submit(self, request: GenerationRequest, backend: str | None = None) -> str | None:
        """Consent check, then queue. Returns the job id, or None if refused."""
        doc = self._doc()
        try:
            guard_request(request, doc.project)
        except PolicyRefusal as exc:
            self.refused.emit(str(exc))
            return None
        backend = backend or self.backend
        if backend == DIFFUSERS and not request.model:
            if not self.model:
                self.refused.emit(
                    "Choose a diffusion model in the toolbar first "
                    "(install one with `storyboard-studio models pull`)."
                )
                return None
            request.model = self.model
        job_id = self.bridge.engine.submit(request, backend=backend)
        self.jobs[job_id] = JobInfo(
            request, backend, str(doc.bundle.path), request.shot_id, request.describe()
        )
        self._set_status(job_id, "queued")
        self.submitted.emit(job_id, request.describe())
        return job_id

    def generate(self, shot_ids: list[str], operation: Operation = Operation.GENERATE) -> list[str]:
        project = self._doc().project
        out = []
        for shot in [s for s in project.shots if s.id in set(shot_ids)]:
            job = self.submit(self.request_for(shot, operation))
            if job:
                out.append(job)
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

    def generate_all(self) -> list[str]:
        return self.generate([s.id for s in self._doc().project.shots])

    def retry(self, job_id: str) -> str | None:
        info = self.jobs.get(job_id)
        return self.submit(info.request, info.backend) if info else None

    def busy(self) -> bool:
        engine = self.bridge.engine
        return bool(engine.running_job or engine.queue.pending())

    # --- events -------------------------------------------------------------------------
    def _set_status(self, job_id: str, text: str) -> None:
        info = self.jobs.get(job_id)
        if info and info.shot_id:
            self.status[info.shot_id] = text
            self.shotStatus.emit(info.shot_id, text)

    def _progress(self, job_id: str, step: int, total: int, _eta, phase: str) -> None:
        pct = int(100 * step / total) if total else 0
        self._set_status(job_id, f"{pct}%")

    def _finished(self, job_id: str, take: Take | None) -> None:
        info = self.jobs.get(job_id)
        doc = self._doc()
        if take is None:
            return
        bundle = info.bundle if info else self.bridge.engine.bundle_of(job_id)
        if bundle != str(doc.bundle.path):
            _keep_in_other_project(bundle, take)  # e.g. a job restored after a restart
            return
        label = (
            f"New take: {_shot_label(doc.project, doc.project.shot(take.shot_id))}"
            if take.shot_id and _has_shot(doc.project, take.shot_id)
            else "New take"
        )
        doc.undo_stack.push(LandTake(doc, take, label))
        self._set_status(job_id, "ready")
        self.takeLanded.emit(take.shot_id or "", take.id)


def _keep_in_other_project(bundle: str | None, take: Take) -> None:
    if not bundle:
        return
    try:
        record_take(Path(bundle), take)
    except StudioError:
        pass  # that project is gone or unreadable: its take file stays in its takes/ folder


def _has_shot(project, shot_id: str) -> bool:
    return any(s.id == shot_id for s in project.shots)


def _shot_label(project, shot: Shot) -> str:
    if shot.name:
        return f"Shot {shot.name}"
    index = next((i for i, s in enumerate(project.shots) if s.id == shot.id), 0)
    return f"Shot {index + 1}"
