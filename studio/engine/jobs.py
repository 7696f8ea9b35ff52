"""Jobs and the persistent queue: pending work survives a restart or a crash."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from studio import atomic
from studio.engine.request import GenerationRequest
from studio.model import new_id


class JobState(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"
    INTERRUPTED = "interrupted"  # was running when the app stopped


class Job(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(default_factory=new_id)
    backend: str
    request: GenerationRequest
    priority: int = 0  # higher runs first
    seq: int = 0  # submission order among equal priorities
    state: JobState = JobState.PENDING
    error: str = ""
    take_id: str | None = None

    @property
    def label(self) -> str:
        return self.request.describe()


class QueueFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int = 1
    paused: bool = False
    jobs: list[Job] = Field(default_factory=list)


class JobQueue:
    """Priority queue of jobs, saved atomically to `path` on every change (if given)."""

    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path else None
        self._lock = threading.Condition()
        self._jobs: list[Job] = []  # pending + running + interrupted, in display order
        self._seq = itertools.count()
        self.paused = False
        if self.path and self.path.exists():
            self._restore()

    # --- persistence --------------------------------------------------------------------
    def _restore(self) -> None:
        try:
            data = QueueFile.model_validate_json(self.path.read_text(encoding="utf-8"))
        except (ValidationError, ValueError, OSError):
            broken = self.path.with_suffix(".broken.json")
            self.path.replace(broken)
            return
        self.paused = data.paused
        for job in data.jobs:
            if job.state == JobState.RUNNING:
                job.state = JobState.INTERRUPTED
            if job.state in (JobState.PENDING, JobState.INTERRUPTED):
                job.seq = next(self._seq)
                self._jobs.append(job)
        self._save()

    def _save(self) -> None:
        if not self.path:
            return
        keep = [j for j in self._jobs if j.state in _KEPT]
        text = QueueFile(paused=self.paused, jobs=keep).model_dump_json(indent=1)
        atomic.write_text(self.path, text)

    # --- queries ------------------------------------------------------------------------
    def jobs(self) -> list[Job]:
        with self._lock:
            return [j.model_copy() for j in self._jobs]

    def pending(self) -> list[Job]:
        with self._lock:
            return [j.model_copy() for j in self._ordered() if j.state == JobState.PENDING]

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return next((j for j in self._jobs if j.id == job_id), None)

    def _ordered(self) -> list[Job]:
        return sorted(self._jobs, key=lambda j: (-j.priority, j.seq))

    # --- changes ------------------------------------------------------------------------
    def add(self, job: Job, announce: Callable[[int], None] | None = None) -> int:
        """Queue a job; returns its position among pending jobs.

        `announce(position)` runs before the worker can see the job, so "queued" always
        reaches listeners before "started"."""
        with self._lock:
            job.seq = next(self._seq)
            job.state = JobState.PENDING
            self._jobs.append(job)
            self._save()
            position = [j.id for j in self._ordered() if j.state == JobState.PENDING].index(job.id)
            if announce:
                announce(position)
            self._lock.notify_all()
            return position

    def take_next(
        self,
        stop: threading.Event,
        timeout: float = 0.2,
        accept: Callable[[Job], bool] | None = None,
    ) -> Job | None:
        """Block until a pending job can run (queue not paused); mark it running.

        `accept` lets a dispatcher with several workers (the render farm) skip, for now, a
        job none of its free workers can take; the next job in priority order runs instead."""
        with self._lock:
            while not stop.is_set():
                if not self.paused:
                    for job in self._ordered():
                        if job.state == JobState.PENDING and (accept is None or accept(job)):
                            job.state = JobState.RUNNING
                            self._save()
                            return job
                self._lock.wait(timeout)
            return None

    def finish(self, job_id: str, state: JobState, error: str = "", take_id: str | None = None):
        with self._lock:
            job = next((j for j in self._jobs if j.id == job_id), None)
            if job is None:
                return
            job.state, job.error, job.take_id = state, error, take_id
            self._jobs.remove(job)
            self._save()

    def remove(self, job_id: str) -> bool:
        """Remove a pending or interrupted job; a running one must be cancelled instead."""
        with self._lock:
            job = next((j for j in self._jobs if j.id == job_id), None)
            if job is None or job.state == JobState.RUNNING:
                return False
            self._jobs.remove(job)
            self._save()
            return True

    def retry(self, job_id: str) -> bool:
        """Put an interrupted job back in the queue."""
        with self._lock:
            job = next((j for j in self._jobs if j.id == job_id), None)
            if job is None or job.state != JobState.INTERRUPTED:
                return False
            job.state = JobState.PENDING
            self._save()
            self._lock.notify_all()
            return True

    def requeue(self, job_id: str) -> bool:
        """Put a running job back as pending, in its old place (its worker was lost)."""
        with self._lock:
            job = next((j for j in self._jobs if j.id == job_id), None)
            if job is None or job.state != JobState.RUNNING:
                return False
            job.state = JobState.PENDING
            self._save()
            self._lock.notify_all()
            return True

    def move(self, job_id: str, index: int) -> bool:
        """Move a pending job to position `index` among pending jobs."""
        with self._lock:
            pending = [j for j in self._ordered() if j.state == JobState.PENDING]
            job = next((j for j in pending if j.id == job_id), None)
            if job is None:
                return False
            pending.remove(job)
            pending.insert(max(0, min(index, len(pending))), job)
            top = max((j.priority for j in pending), default=0)
            for j in pending:  # reordering flattens priorities into explicit order
                j.priority, j.seq = top, next(self._seq)
            self._save()
            return True

    def set_paused(self, paused: bool) -> None:
        with self._lock:
            self.paused = paused
            self._save()
            self._lock.notify_all()

    def wake(self) -> None:
        with self._lock:
            self._lock.notify_all()


_KEPT = (JobState.PENDING, JobState.RUNNING, JobState.INTERRUPTED)
