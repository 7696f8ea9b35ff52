"""The Engine: one worker thread that owns the generation device and runs queued jobs.

The CLI and the editor both submit here; events go out to subscribers (called on the engine
thread — the Qt bridge re-emits them as queued signals; the CLI prints them).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from studio import bundle_files
from studio.engine.backend import Backend, JobContext
from studio.engine.events import (
    EngineEvent,
    JobCancelled,
    JobFailed,
    JobFinished,
    JobQueued,
    JobStarted,
    QueueChanged,
)
from studio.engine.jobs import Job, JobQueue, JobState
from studio.engine.request import GenerationRequest, TakeResult
from studio.errors import Cancelled, StudioError
from studio.model import Take, TakeKind, new_id
from studio.paths import user_data_dir

log = logging.getLogger(__name__)

Listener = Callable[[EngineEvent], None]
Preflight = Callable[[GenerationRequest], None]  # raises PolicyRefusal to stop a job
TakeHook = Callable[[GenerationRequest, Take, Path], None]  # a take's file is in place


class Engine:
    """Runs jobs one at a time on its own thread; never blocks the caller."""

    def __init__(
        self,
        backends: dict[str, Backend] | None = None,
        queue_path: Path | None = None,
        autostart: bool = True,
        staging_dir: Path | None = None,
    ):
        self._backends: dict[str, Backend] = dict(backends or {})
        self._factories: dict[str, Callable[[], Backend]] = {}
        self.queue = JobQueue(queue_path)
        self._listeners: list[Listener] = []
        self._preflights: list[Preflight] = []
        self._take_hooks: list[TakeHook] = []
        self._cancels: dict[str, threading.Event] = {}
        self._done: dict[str, EngineEvent] = {}
        self._done_cv = threading.Condition()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._current: str | None = None
        self._seen: dict[str, Job] = {}  # job id → job run this session, for late listeners
        # finished takes wait here (outside every bundle, which Save As may move) until the
        # document side adopts them into their project's current folder
        self._staging = Path(staging_dir) if staging_dir else None
        if autostart:
            self.start()

    # --- wiring -------------------------------------------------------------------------
    def register(self, name: str, backend: Backend | Callable[[], Backend]) -> None:
        """Add a backend, or a factory that builds it lazily on first use (e.g. diffusers)."""
        if isinstance(backend, Backend):
            self._backends[name] = backend
        else:
            self._factories[name] = backend

    def backend(self, name: str) -> Backend:
        if name not in self._backends:
            if name not in self._factories:
                raise StudioError(f"unknown engine '{name}'")
            self._backends[name] = self._factories.pop(name)()
        return self._backends[name]

    def release(self, name: str | None = None) -> None:
        """Free what a backend (or every started backend) holds, e.g. a loaded model's VRAM.

        Runs on the caller's thread; a backend serialises it against its own running job.
        """
        for key, backend in list(self._backends.items()):
            if name is None or key == name:
                try:
                    backend.release()
                except Exception:
                    log.exception("releasing backend %s failed", key)

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def add_preflight(self, check: Preflight) -> None:
        """A check run on the engine thread right before each generation (consent, policy)."""
        self._preflights.append(check)

    def add_take_hook(self, hook: TakeHook) -> None:
        """Called on the engine thread once a take's file is in its final place, before anyone
        hears the job finished (the consent ledger records which cameos made the file). If a
        hook fails, the job fails and the file is removed."""
        self._take_hooks.append(hook)

    def emit(self, event: EngineEvent) -> None:
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:  # a broken listener must never kill the engine
                log.exception("engine listener failed")
        if isinstance(event, JobFinished | JobFailed | JobCancelled):
            with self._done_cv:
                self._done[event.job_id] = event
                self._done_cv.notify_all()

    # --- control ------------------------------------------------------------------------
    def start(self) -> None:
        if self._thread and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="studio-engine", daemon=True)
        self._thread.start()

    def shutdown(self, timeout: float = 10.0) -> None:
        """Stop after the current job is cancelled; pending jobs stay saved in the queue."""
        self._stop.set()
        if self._current:
            self.cancel(self._current)
        self.queue.wake()
        if self._thread:
            self._thread.join(timeout)
        for backend in self._backends.values():
            try:
                backend.release()
            except Exception:
                log.exception("releasing backend failed")

    def submit(
        self, request: GenerationRequest, backend: str = "animatic", priority: int = 0
    ) -> str:
        job = Job(backend=backend, request=request, priority=priority)
        self._cancels[job.id] = threading.Event()
        self.queue.add(job, lambda pos: self.emit(JobQueued(job.id, label=job.label, position=pos)))
        return job.id

    def cancel(self, job_id: str) -> bool:
        """Cancel a pending job at once, or a running one at its next step."""
        job = self.queue.get(job_id)
        if job is None:
            return False
        if job.state == JobState.RUNNING:
            self._cancels.setdefault(job_id, threading.Event()).set()
            return True
        if self.queue.remove(job_id):
            self.emit(JobCancelled(job_id))
            return True
        return False

    def retry(self, job_id: str) -> bool:
        return self.queue.retry(job_id)

    def pause(self) -> None:
        self.queue.set_paused(True)
        self.emit(QueueChanged("", paused=True))

    def resume(self) -> None:
        self.queue.set_paused(False)
        self.emit(QueueChanged("", paused=False))

    def move(self, job_id: str, index: int) -> bool:
        moved = self.queue.move(job_id, index)
        if moved:
            self.emit(QueueChanged(job_id, paused=self.queue.paused))
        return moved

    def job_of(self, job_id: str) -> Job | None:
        """A job queued, running or ended this session (restored ones too): its backend and
        request, which say what the job was for and which project it belongs to."""
        return self.queue.get(job_id) or self._seen.get(job_id)

    @property
    def staging_dir(self) -> Path:
        return self._staging or user_data_dir() / "staging"

    @property
    def running_job(self) -> str | None:
        return self._current

    def wait(self, job_id: str, timeout: float | None = None) -> EngineEvent | None:
        """Block until a job ends; returns its JobFinished / JobFailed / JobCancelled."""
        with self._done_cv:
            self._done_cv.wait_for(lambda: job_id in self._done, timeout)
            return self._done.get(job_id)

    # --- the worker ---------------------------------------------------------------------
    def _run(self) -> None:
        while not self._stop.is_set():
            job = self.queue.take_next(self._stop)
            if job is None:
                return
            self._current = job.id
            try:
                self._run_job(job)
            except BaseException as exc:  # noqa: BLE001 - setup failed: fail the job, go on
                self._fail(job, exc)
            finally:
                self._current = None

    def _fail(self, job: Job, exc: BaseException) -> None:
        reason, hint = describe_failure(exc)
        log.info("job %s failed: %s", job.id, reason, exc_info=not isinstance(exc, StudioError))
        self.queue.finish(job.id, JobState.FAILED, error=reason)
        self._end(JobFailed(job.id, reason=reason, hint=hint))

    def _end(self, event: EngineEvent) -> None:
        """The job is over: it stops being the running job before anyone hears it ended."""
        self._current = None
        self.emit(event)

    def _run_job(self, job: Job) -> None:
        cancel = self._cancels.setdefault(job.id, threading.Event())
        self._seen[job.id] = job
        out_root = self.staging_dir
        partial = out_root / ".partial" / job.id
        ctx = JobContext(job.id, partial, self.emit, cancel)
        self.emit(JobStarted(job.id, label=job.label))
        try:
            bundle_files.make_dirs(out_root, f".partial/{job.id}")  # never through a link
            ctx.check_cancelled()
            for check in self._preflights:
                check(job.request)
            result = self.backend(job.backend).generate(job.request, ctx)
            ctx.check_cancelled()
            take, linked = keep_takes(job, result, out_root)
            self._after_take(job, [t for t in (take, linked) if t], out_root)
        except Cancelled:
            self.queue.finish(job.id, JobState.CANCELLED)
            self._end(JobCancelled(job.id))
        except BaseException as exc:  # noqa: BLE001 - SystemExit, KeyboardInterrupt… from a
            # backend's library too: every failure becomes a failed job; the engine goes on
            self._fail(job, exc)
        else:
            self.queue.finish(job.id, JobState.DONE, take_id=take.id)
            self._end(JobFinished(job.id, take=take, linked=linked))
        finally:
            bundle_files.remove_tree(out_root, f".partial/{job.id}")
            self._cancels.pop(job.id, None)

    def _after_take(self, job: Job, takes: Take | list[Take], root: Path) -> None:
        """Run the take hooks on each kept file; if one fails, every file of the job goes
        (a picture never outlives its linked sound, nor the other way round)."""
        takes = [takes] if isinstance(takes, Take) else takes
        try:
            for take in takes:
                for hook in self._take_hooks:
                    hook(job.request, take, root / take.path)
        except BaseException:
            for take in takes:
                (root / take.path).unlink(missing_ok=True)
            raise


def describe_failure(exc: BaseException) -> tuple[str, str]:
    """A message a creator can act on, and a hint for what to change."""
    hint = getattr(exc, "hint", "")
    text = str(exc) or exc.__class__.__name__
    if not isinstance(exc, Exception):  # SystemExit(0) would read as "0"
        name = exc.__class__.__name__
        text = f"the backend stopped with {name}" + (f": {exc}" if str(exc) else "")
    if "out of memory" in text.lower() and not hint:
        hint = "lower the frame count, the size or the steps, or turn on CPU offload"
    return text, hint


def _keep_take(job: Job, result: TakeResult, root: Path) -> Take:
    """Move the finished media into the staging folder and describe it as a Take.

    Its `path` is the staged file (absolute) until the document side adopts it into the
    project's current folder (studio.render_service.landing.adopt_take)."""
    take_id = new_id()
    final = bundle_files.move_in(root, result.path, f"{take_id}{result.path.suffix}")
    return take_record(job.request, result, take_id, str(final))


def keep_takes(job: Job, result: TakeResult, root: Path) -> tuple[Take, Take | None]:
    """The job's take and, for an audio-video model, its linked sound take (same seed, same
    run; each names the other in `linked`). Both files are staged, or neither."""
    if result.sound is None:
        return _keep_take(job, result, root), None
    video_id, sound_id = new_id(), new_id()
    video_path = bundle_files.move_in(root, result.path, f"{video_id}{result.path.suffix}")
    try:
        sound_path = bundle_files.move_in(
            root, result.sound.path, f"{sound_id}{result.sound.path.suffix}"
        )
    except BaseException:
        video_path.unlink(missing_ok=True)
        raise
    video = take_record(job.request, result, video_id, str(video_path))
    video = video.model_copy(update={"linked": sound_id})
    sound = sound_take_record(job.request, result, sound_id, str(sound_path), video_id)
    return video, sound


def sound_take_record(
    req: GenerationRequest, result: TakeResult, take_id: str, path: str, video_id: str
) -> Take:
    """The sound take an audio-video run made with its picture take `video_id`."""
    sound = result.sound
    assert sound is not None
    params = {
        **result.params,
        "sample_rate": sound.sample_rate,
        "channels": sound.channels,
        "samples": sound.samples,
        "model_sample_rate": sound.model_sample_rate,
        "model_samples": sound.model_samples,
        "sound_with_picture": True,
    }
    take = take_record(req, result.model_copy(update={"params": params}), take_id, path)
    return take.model_copy(
        update={
            "kind": TakeKind.AUDIO,
            "width": 0,
            "height": 0,
            "duration": sound.samples / sound.sample_rate if sound.sample_rate else take.duration,
            "linked": video_id,
        }
    )


def take_record(req: GenerationRequest, result: TakeResult, take_id: str, path: str) -> Take:
    """The Take for `result` of `req`, its file at `path` (staged and absolute until a project
    adopts it; bundle-relative after)."""
    sources = [s.take_id for s in req.sources]
    kind = (
        TakeKind.AUDIO if Path(path).suffix.lower() in (".wav", ".flac", ".ogg") else TakeKind.VIDEO
    )
    op = req.operation
    return Take(
        id=take_id,
        shot_id=req.shot_id,
        kind=kind,
        path=path,
        engine=result.engine,
        model=result.model,
        operation=op,
        seed=req.seed,
        prompt=result.prompt or req.prompt,
        negative_prompt=result.negative_prompt,
        preset=req.preset,
        camera=req.camera.value,
        width=result.width,
        height=result.height,
        fps=result.fps,
        frames=result.frames,
        duration=result.frames / result.fps if result.fps else req.duration,
        remix_of=sources[0] if op in ("remix", "reroll") and sources else None,
        blend_of=sources if op == "blend" else [],
        extend_of=sources[0] if op == "extend" and sources else None,
        loop_of=sources[0] if op == "loop" and sources else None,
        retake_of=sources[0] if op == "retake" and sources else None,
        retake_range=req.retake_range if op == "retake" else None,
        batch=req.batch,
        cameos=list(req.cameos),
        cast=list(result.cast),
        references=list(result.references),
        loras=list(result.loras),
        params=result.params,
    )
