"""FarmEngine: the same Engine (queue, priorities, pause, persistence, events), run on a cluster.

Instead of one engine thread running jobs in turn, a dispatcher thread takes the next job a free
worker can run, in the queue's own priority order, and a thread per running job streams it from
its Ray actor: the worker's StepProgress / PreviewFrame events are emitted here as if the job ran
locally, and the finished take's bytes land in the project exactly like a local take. A worker
lost mid-job (machine off, OOM, killed) puts its job back in the queue, where another worker picks
it up; only an outcome received from a worker ends a job, so a take never lands twice.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from studio import __version__, bundle_files
from studio.engine.events import JobCancelled, JobFailed, JobFinished, JobQueued, JobStarted
from studio.engine.jobs import Job, JobState
from studio.engine.request import TakeResult
from studio.engine.worker import Engine, _keep_take, describe_failure
from studio.errors import Cancelled, StudioError
from studio.farm.cluster import connect, ray_module
from studio.farm.messages import Done, Failed, FarmJob, Outcome, Refused, Stopped
from studio.farm.pool import Slot, WorkerPool

log = logging.getLogger(__name__)

MAX_LOSSES = 3  # workers a job may lose before it fails
OUTCOMES = (Done, Refused, Failed, Stopped)


class WorkerLost(Exception):
    """The worker running a job died or became unreachable before sending an outcome."""


@dataclass(frozen=True)
class Attempt:
    """One try of a job on one worker, kept for status, tests and messages."""

    worker: str
    outcome: str  # done | failed | cancelled | refused | lost
    detail: str = ""
    steps_at_cancel: int | None = None
    steps_at_stop: int | None = None


def model_key(job: Job) -> str:
    """What a worker must hold to run a job without loading: backend, and model if any."""
    model = getattr(job.request, "model", None)
    return f"{job.backend}:{model}" if job.backend == "diffusers" and model else job.backend


class FarmEngine(Engine):
    """An Engine whose jobs run on the workers of a WorkerPool, several at once."""

    def __init__(
        self,
        pool: WorkerPool,
        queue_path: Path | None = None,
        autostart: bool = True,
        staging_dir: Path | None = None,
    ):
        self.pool = pool
        self._jobs_lock = threading.Lock()
        self._threads: dict[str, threading.Thread] = {}
        self._assigned: dict[str, Slot] = {}
        self._refused: dict[str, dict[str, str]] = {}  # job → worker → why it refused
        self._died_on: dict[str, list[str]] = {}
        self._attempts: dict[str, list[Attempt]] = {}
        super().__init__(queue_path=queue_path, autostart=False, staging_dir=staging_dir)
        pool.on_change = self.queue.wake
        if autostart:
            self.start()

    # --- queries ------------------------------------------------------------------------
    @property
    def running_job(self) -> str | None:
        running = self.running_jobs
        return running[0] if running else None

    @property
    def running_jobs(self) -> list[str]:
        with self._jobs_lock:
            return list(self._assigned)

    def attempts(self, job_id: str) -> list[Attempt]:
        """Each worker a job was tried on, and how that ended."""
        with self._jobs_lock:
            return list(self._attempts.get(job_id, []))

    def worker_of(self, job_id: str) -> str | None:
        """The worker running a job now."""
        with self._jobs_lock:
            slot = self._assigned.get(job_id)
            return slot.name if slot else None

    # --- control ------------------------------------------------------------------------
    def cancel(self, job_id: str) -> bool:
        """Cancel a pending job at once, or a running one on its worker at its next step."""
        cancelled = super().cancel(job_id)
        with self._jobs_lock:
            slot = self._assigned.get(job_id)
        if cancelled and slot is not None:
            slot.handle.cancel.remote(job_id)
        return cancelled

    def shutdown(self, timeout: float = 10.0) -> None:
        """Stop dispatching; running jobs are cancelled, pending ones stay saved in the queue.

        The workers keep running (and keep their models): they belong to the cluster."""
        self._stop.set()
        for job_id in self.running_jobs:
            self.cancel(job_id)
        self.queue.wake()
        if self._thread:
            self._thread.join(timeout)
        deadline = time.monotonic() + timeout
        for thread in list(self._threads.values()):
            thread.join(max(0.0, deadline - time.monotonic()))

    # --- the dispatcher -----------------------------------------------------------------
    def _refusers(self, job_id: str) -> set[str]:
        with self._jobs_lock:
            return set(self._refused.get(job_id, {}))

    def _placeable(self, job: Job) -> bool:
        refused = self._refusers(job.id)
        return self.pool.nobody_left(refused) or self.pool.has_idle(refused)

    def _run(self) -> None:
        while not self._stop.is_set():
            job = self.queue.take_next(self._stop, accept=self._placeable)
            if job is None:
                return
            refused = self._refusers(job.id)
            if self.pool.nobody_left(refused):
                self._fail_unplaceable(job)
                continue
            slot = self.pool.take(model_key(job), refused, self._died_on.get(job.id, []))
            if slot is None:  # the free worker went away meanwhile
                self.queue.requeue(job.id)
                continue
            with self._jobs_lock:
                self._assigned[job.id] = slot
                thread = threading.Thread(
                    target=self._run_on, args=(job, slot), name=f"farm-job-{job.id}", daemon=True
                )
                self._threads[job.id] = thread
            thread.start()

    def _fail_unplaceable(self, job: Job) -> None:
        with self._jobs_lock:
            refusals = list(self._refused.get(job.id, {}).values())
        reason = (
            "no farm worker can run this job: " + "; ".join(refusals)
            if refusals
            else "the render farm has no workers (see `storyboard-studio farm status`)"
        )
        self.queue.finish(job.id, JobState.FAILED, error=reason)
        self._end(JobFailed(job.id, reason=reason, hint=""))

    # --- one job on one worker ----------------------------------------------------------
    def _run_on(self, job: Job, slot: Slot) -> None:
        cancel = self._cancels.setdefault(job.id, threading.Event())
        self._seen[job.id] = job
        out_root = self.staging_dir  # the take is adopted into its project like a local one
        partial = bundle_files.make_dirs(out_root, f".partial/{job.id}")
        self.emit(JobStarted(job.id, label=job.label))
        ran: str | None = None
        lost = released = False

        def free() -> None:
            """The worker is idle again before anyone hears the job ended, so the next job
            (submitted on that news) sees it free, with the model it just ran."""
            nonlocal released
            if not released:
                released = True
                self.pool.release(slot, ran)

        try:
            if cancel.is_set():
                raise Cancelled(job.id)
            for check in self._preflights:
                check(job.request)
            outcome = self._stream(slot, pack_job(job), cancel)
            if isinstance(outcome, Done):
                ran = model_key(job)
                take = _keep_take(job, _result(outcome, partial), out_root)
                self._after_take(job, take, out_root)
                self._attempt(job.id, Attempt(slot.name, "done"))
                self.queue.finish(job.id, JobState.DONE, take_id=take.id)
                free()
                self._end(JobFinished(job.id, take=take))
            elif isinstance(outcome, Stopped):
                self._attempt(
                    job.id,
                    Attempt(
                        slot.name,
                        "cancelled",
                        steps_at_cancel=outcome.steps_at_request,
                        steps_at_stop=outcome.steps_at_stop,
                    ),
                )
                self.queue.finish(job.id, JobState.CANCELLED)
                free()
                self._end(JobCancelled(job.id))
            elif isinstance(outcome, Failed):
                self._attempt(job.id, Attempt(slot.name, "failed", outcome.reason))
                self.queue.finish(job.id, JobState.FAILED, error=outcome.reason)
                free()
                self._end(JobFailed(job.id, reason=outcome.reason, hint=outcome.hint))
            else:
                self._refusal(job, slot, outcome)
        except WorkerLost as exc:
            lost = True
            self._lost(job, slot, str(exc), cancel)
        except Cancelled:
            self.queue.finish(job.id, JobState.CANCELLED)
            self._end(JobCancelled(job.id))
        except Exception as exc:  # every failure becomes a failed job; the farm goes on
            reason, hint = describe_failure(exc)
            log.info("job %s failed: %s", job.id, reason, exc_info=not isinstance(exc, StudioError))
            self.queue.finish(job.id, JobState.FAILED, error=reason)
            self._end(JobFailed(job.id, reason=reason, hint=hint))
        finally:
            bundle_files.remove_tree(out_root, f".partial/{job.id}")
            with self._jobs_lock:
                self._assigned.pop(job.id, None)
                self._threads.pop(job.id, None)
            if self.queue.get(job.id) is None:  # ended: nothing more to remember
                self._cancels.pop(job.id, None)
            if not lost:
                free()

    def _stream(self, slot: Slot, farm_job: FarmJob, cancel: threading.Event) -> Outcome:
        """Forward the worker's events as they arrive; return its outcome."""
        ray = ray_module()
        lost_errors = _lost_errors()
        try:
            stream = slot.handle.run.options(num_returns="streaming").remote(farm_job)
            if cancel.is_set():
                slot.handle.cancel.remote(farm_job.job_id)
            for ref in stream:
                item = ray.get(ref)
                if isinstance(item, OUTCOMES):
                    return item  # stop reading: nothing after the outcome may count
                self.emit(item)
        except lost_errors as exc:
            raise WorkerLost(f"{type(exc).__name__}: {str(exc).splitlines()[0]}") from None
        raise WorkerLost("the worker's stream ended without an outcome")

    def _attempt(self, job_id: str, attempt: Attempt) -> None:
        with self._jobs_lock:
            self._attempts.setdefault(job_id, []).append(attempt)

    def _back_in_queue(self, job: Job) -> None:
        if self.queue.requeue(job.id):
            pending = [j.id for j in self.queue.pending()]
            position = pending.index(job.id) if job.id in pending else 0
            self.emit(JobQueued(job.id, label=job.label, position=position))

    def _refusal(self, job: Job, slot: Slot, refused: Refused) -> None:
        self._attempt(job.id, Attempt(slot.name, "refused", refused.message))
        if refused.kind == "busy":
            time.sleep(0.5)  # still finishing a job it ran before it was thought lost
        else:
            with self._jobs_lock:
                self._refused.setdefault(job.id, {})[slot.name] = refused.message
        self._back_in_queue(job)

    def _lost(self, job: Job, slot: Slot, why: str, cancel: threading.Event) -> None:
        log.warning("farm worker %s lost job %s: %s", slot.name, job.id, why)
        self._attempt(job.id, Attempt(slot.name, "lost", why))
        self.pool.lost(slot)
        died_on = self._died_on.setdefault(job.id, [])
        died_on.append(slot.name)
        if cancel.is_set():
            self.queue.finish(job.id, JobState.CANCELLED)
            self._end(JobCancelled(job.id))
        elif len(died_on) >= MAX_LOSSES:
            reason = f"lost {len(died_on)} farm workers running this job ({', '.join(died_on)})"
            self.queue.finish(job.id, JobState.FAILED, error=reason)
            self._end(JobFailed(job.id, reason=reason, hint="check the machines' logs and memory"))
        else:
            self._back_in_queue(job)


def _result(done: Done, partial: Path) -> TakeResult:
    """The take's bytes written beside the job, described as the local backend would."""
    path = partial / f"take{done.suffix}"
    path.write_bytes(done.data)
    result = TakeResult.model_validate({**done.result, "path": path})
    farm = {"worker": done.worker.name, "node": done.worker.node, "seconds": round(done.seconds, 3)}
    result.params = {**result.params, "farm": farm}
    return result


def pack_job(job: Job) -> FarmJob:
    """What goes to the worker: the request, the files it names, consent, user presets."""
    from studio.farm.consent import packet_for

    request = job.request.model_dump(mode="json")
    paths = [request.get("image"), request.get("last_image")]
    paths += [k.get("image") for k in request.get("keyframes") or []]
    paths += [s.get("path") for s in request.get("sources") or []]
    # a fictional cast member's pictures travel; a cameo's come from the consent packet only
    paths += [i for c in request.get("cast") or [] if not c.get("cameo") for i in c["images"]]
    files = {}
    for path in filter(None, paths):
        try:
            files[path] = Path(path).read_bytes()
        except OSError as exc:
            raise StudioError(f"cannot read {path} to send it to the farm: {exc}") from None
    cameos = list(request.get("cameos") or [])
    consent = packet_for(job.id, request, cameos) if cameos else None
    return FarmJob(
        job_id=job.id,
        backend=job.backend,
        request=request,
        files=files,
        preset_toml=_user_preset(request.get("preset")),
        consent=consent,
        studio_version=__version__,
    )


def _user_preset(name: str | None) -> dict[str, str]:
    """A user preset travels with the job (workers know only the built-in ones)."""
    if not name:
        return {}
    from studio.presets.library import PresetLibrary, to_toml

    preset = PresetLibrary().find(name)
    if preset is None or preset.builtin:
        return {}
    data = preset.model_dump(exclude_none=True)
    data.pop("builtin", None)
    return {name: to_toml(data)}


def _lost_errors() -> tuple[type[BaseException], ...]:
    import ray.exceptions as rex

    return (
        rex.RayActorError,
        rex.WorkerCrashedError,
        rex.NodeDiedError,
        rex.ObjectLostError,
        rex.OutOfMemoryError,
        rex.LocalRayletDiedError,
    )


def connect_farm_engine(address: str, queue_path: Path | None = None) -> FarmEngine:
    """Join the cluster, make sure it has workers, and return an engine (not started) on it."""
    connect(address)
    pool = WorkerPool.from_cluster()
    if not pool.slots:
        raise StudioError(f"the Ray cluster at '{address}' has no farm workers and none started")
    pool.learn_loaded()
    return FarmEngine(pool, queue_path=queue_path, autostart=False)
