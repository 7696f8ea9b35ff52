"""RemoteDiffusersBackend: the "diffusers" backend, run by a worker process of another Python.

To the Engine it is a backend like any other: `generate` blocks on the engine thread while the
worker generates, and turns the worker's messages back into the job's progress, previews and
outcome. A cancel is forwarded and stops the worker at its next step; a worker that stops
(crash, killed, out of memory at the OS level) fails only the job it was running, and the next
job starts a fresh worker.
"""

from __future__ import annotations

import logging
import queue
import subprocess
import threading
import time
from pathlib import Path

from studio.engine.backend import JobContext
from studio.engine.remote import wire
from studio.engine.remote.source import worker_environment
from studio.engine.request import GenerationRequest, TakeResult
from studio.errors import Cancelled, EngineFailure, InputError, PolicyRefusal, StudioError

log = logging.getLogger(__name__)

CHILD_MODULE = "studio.engine.remote.child"
_ERRORS: dict[str, type[StudioError]] = {
    "PolicyRefusal": PolicyRefusal,
    "InputError": InputError,
    "InputErrors": InputError,
}


class WorkerLost(EngineFailure):
    """The worker process stopped while it was running a job."""


class _Worker:
    """One running worker process and the messages it has sent (read on a thread)."""

    def __init__(self, python: Path, env: dict[str, str]):
        self.proc = subprocess.Popen(
            [str(python), "-m", CHILD_MODULE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        self.inbox: queue.Queue[tuple[dict, bytes | None]] = queue.Queue()
        self._write = threading.Lock()
        threading.Thread(target=self._read, name="engine-worker-pipe", daemon=True).start()

    def _read(self) -> None:
        try:
            while True:
                self.inbox.put(wire.receive(self.proc.stdout))
        except (wire.WireClosed, ValueError, OSError) as exc:
            self.inbox.put(({"t": "eof", "why": str(exc)}, None))

    def send(self, header: dict) -> None:
        with self._write:
            wire.send(self.proc.stdin, header)

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self, grace: float = 5.0) -> None:
        if self.alive:
            try:
                self.send({"t": "quit"})
                self.proc.stdin.close()
            except OSError:
                pass
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass

    def exit_text(self) -> str:
        try:
            code = self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
        if code is not None and code < 0:
            return f"killed by signal {-code}"
        return f"exit code {code}"


class RemoteDiffusersBackend:
    """The "diffusers" engine, generating in `python` (the GPU engine environment's interpreter)."""

    name = "diffusers"

    def __init__(
        self,
        python: Path | str,
        model: str | None = None,
        device: str | None = None,
        steps: int | None = None,
        *,
        vram_budget_gb: float | None = None,
        start_timeout_s: float = 300.0,
        cancel_grace_s: float = 30.0,
    ):
        self.python = Path(python)
        self.model, self.device, self.steps = model, device, steps
        self.vram_budget_gb = vram_budget_gb
        self.start_timeout_s = start_timeout_s
        self.cancel_grace_s = cancel_grace_s
        self._worker: _Worker | None = None
        self._info: dict = {}
        self._lock = threading.RLock()

    @property
    def pid(self) -> int | None:
        """The worker's process id while one runs (tests kill it to check recovery)."""
        worker = self._worker
        return worker.proc.pid if worker and worker.alive else None

    @property
    def worker_info(self) -> dict:
        """What the last worker said about itself (pid, python, torch, cuda, gpu) at start."""
        return dict(self._info)

    # --- the job --------------------------------------------------------------------------
    def generate(self, request: GenerationRequest, ctx: JobContext) -> TakeResult:
        with self._lock:
            ctx.check_cancelled()
            ctx.step(0, 1, phase="loading")
            worker = self._ensure_worker(ctx)
            try:
                worker.send(
                    {
                        "t": "job",
                        "job": ctx.job_id,
                        "request": request.model_dump(mode="json"),
                        "output_dir": str(ctx.output_dir),
                        "backend": {
                            "model": request.model or self.model,
                            "device": request.device or self.device,
                            "steps": self.steps,
                            "vram_budget_gb": self.vram_budget_gb,
                        },
                    }
                )
            except OSError:
                self._lose(worker)
                raise WorkerLost(
                    f"the GPU engine process stopped ({worker.exit_text()}) before the job "
                    "reached it; the next job starts it again"
                ) from None
            return self._follow(worker, ctx)

    def _follow(self, worker: _Worker, ctx: JobContext) -> TakeResult:
        cancel_sent: float | None = None
        while True:
            if ctx.cancelled and cancel_sent is None:
                cancel_sent = time.monotonic()
                try:
                    worker.send({"t": "cancel", "job": ctx.job_id})
                except OSError:
                    pass
            if cancel_sent is not None and time.monotonic() - cancel_sent > self.cancel_grace_s:
                log.warning(
                    "the engine worker did not stop within %ss; killing it", self.cancel_grace_s
                )
                worker.proc.kill()
                self._lose(worker)
                raise Cancelled(ctx.job_id)
            try:
                header, blob = worker.inbox.get(timeout=0.05)
            except queue.Empty:
                continue
            kind = header.get("t")
            if kind == "eof":
                self._lose(worker)
                if cancel_sent is not None:
                    raise Cancelled(ctx.job_id)
                raise WorkerLost(
                    f"the GPU engine process stopped ({worker.exit_text()}) during this job; "
                    "the next job starts it again",
                )
            if header.get("job") != ctx.job_id:
                continue  # a late message of an earlier job
            if kind == "step":
                ctx.step(int(header["step"]), int(header["total"]), str(header["phase"]))
            elif kind == "warning":
                ctx.warn(str(header.get("message", ""))[:2000])
            elif kind == "preview" and blob is not None:
                ctx.preview(int(header["step"]), wire.preview_image(header, blob))
            elif kind == "done":
                return TakeResult.model_validate(header["result"])
            elif kind == "cancelled":
                raise Cancelled(ctx.job_id)
            elif kind == "failed":
                raise _failure(header)

    # --- the worker process ---------------------------------------------------------------
    def _ensure_worker(self, ctx: JobContext) -> _Worker:
        if self._worker is not None and self._worker.alive:
            return self._worker
        self._worker = None
        if not self.python.exists():
            raise EngineFailure(
                f"the GPU engine's Python {self.python} is missing; set the engine up again "
                "(storyboard-studio engine install, or Settings → GPU engine)"
            )
        worker = _Worker(self.python, worker_environment())
        deadline = time.monotonic() + self.start_timeout_s
        while True:
            if ctx.cancelled:
                worker.proc.kill()
                worker.stop()
                raise Cancelled(ctx.job_id)
            try:
                header, _ = worker.inbox.get(timeout=0.05)
            except queue.Empty:
                if time.monotonic() > deadline:
                    worker.proc.kill()
                    worker.stop()
                    raise EngineFailure(
                        f"the GPU engine process did not start within {self.start_timeout_s:.0f} s"
                    ) from None
                continue
            if header.get("t") == "ready":
                self._info = {k: v for k, v in header.items() if k != "t"}
                self._worker = worker
                return worker
            reason = header.get("reason") or f"it stopped ({worker.exit_text()})"
            worker.stop()
            raise EngineFailure(
                f"the GPU engine environment at {self.python} cannot generate: {reason}",
            )

    def _lose(self, worker: _Worker) -> None:
        if self._worker is worker:
            self._worker = None
        worker.stop(grace=1.0)

    def release(self) -> None:
        """Stop the worker: all the memory it held (models, VRAM) goes back to the system."""
        with self._lock:
            worker, self._worker = self._worker, None
            if worker is not None:
                worker.stop()


def _failure(header: dict) -> StudioError:
    cls = _ERRORS.get(str(header.get("kind")), EngineFailure)
    exc = cls(str(header.get("reason") or "the job failed in the GPU engine process"))
    if header.get("hint"):
        exc.hint = str(header["hint"])
    return exc
