"""The engine worker process: `python -m studio.engine.remote.child`, run from the GPU
engine's environment (the one with torch). Reads jobs on stdin, writes events on stdout.

One job at a time, in arrival order; a "cancel" for the running job stops it at its next
step. Consent and content policy are checked again here, right before each generation, so a
revocation that reached this machine after the job left the queue still stops it. Anything a
library prints goes to stderr: stdout carries only messages.
"""

from __future__ import annotations

import logging
import os
import queue
import sys
import threading
from pathlib import Path
from typing import BinaryIO

from studio.engine.remote import wire

log = logging.getLogger("studio.engine.remote.child")


class Worker:
    """Runs the jobs the editor sends, with one DiffusersBackend kept between jobs."""

    def __init__(self, out: BinaryIO):
        self._out = out
        self._write = threading.Lock()
        self._cancels: dict[str, threading.Event] = {}
        self._backend = None
        self._config: dict | None = None

    def send(self, header: dict, blob: bytes | None = None) -> None:
        with self._write:
            wire.send(self._out, header, blob)

    def cancel(self, job_id: str) -> None:
        self._cancels.setdefault(job_id, threading.Event()).set()

    def cancel_all(self) -> None:
        for event in list(self._cancels.values()):
            event.set()

    def _emit(self, event) -> None:
        message = wire.event_message(event)
        if message is not None:
            self.send(*message)

    def backend(self, config: dict):
        from studio.engine.diffusion.backend import DiffusersBackend

        if self._backend is None or config != self._config:
            self.release()
            self._backend = DiffusersBackend(
                config.get("model"),
                config.get("device"),
                config.get("steps"),
                vram_budget_gb=config.get("vram_budget_gb"),
            )
            self._config = config
        return self._backend

    def release(self) -> None:
        if self._backend is not None:
            self._backend.release()
            self._backend = None

    def run(self, message: dict) -> None:
        from studio.cameo.guard import check_request
        from studio.engine.backend import JobContext
        from studio.engine.request import GenerationRequest
        from studio.errors import Cancelled

        job_id = str(message["job"])
        cancel = self._cancels.setdefault(job_id, threading.Event())
        ctx = JobContext(job_id, Path(message["output_dir"]), self._emit, cancel)
        try:
            request = GenerationRequest.model_validate(message["request"])
            backend = self.backend(message.get("backend") or {})
            ctx.check_cancelled()
            check_request(request, stage="worker")  # consent again, in the process that generates
            result = backend.generate(request, ctx)
            ctx.check_cancelled()
        except Cancelled:
            self.send({"t": "cancelled", "job": job_id})
        except BaseException as exc:  # noqa: BLE001 - every failure is this job's, reported back
            from studio.engine.worker import describe_failure

            log.info("job %s failed in the worker", job_id, exc_info=True)
            reason, hint = describe_failure(exc)
            kind = exc.__class__.__name__
            self.send({"t": "failed", "job": job_id, "kind": kind, "reason": reason, "hint": hint})
            if not isinstance(exc, Exception):
                raise
        else:
            self.send({"t": "done", "job": job_id, "result": result.model_dump(mode="json")})
        finally:
            self._cancels.pop(job_id, None)


def hello() -> dict:
    """What this environment is; imports torch so a broken install fails here, named."""
    import torch

    info = {
        "t": "ready",
        "pid": os.getpid(),
        "python": sys.version.split()[0],
        "torch": torch.__version__,
        "cuda": bool(torch.cuda.is_available()),
    }
    if info["cuda"]:
        info["gpu"] = torch.cuda.get_device_name(0)
    return info


def main() -> int:
    out = os.fdopen(os.dup(1), "wb")  # the message channel: the real stdout
    os.dup2(2, 1)  # anything printed (by us or a library) goes to stderr
    sys.stdout = sys.stderr
    logging.basicConfig(level=logging.WARNING, format="engine worker: %(message)s")
    worker = Worker(out)
    try:
        worker.send(hello())
    except Exception as exc:  # noqa: BLE001 - say why this environment cannot generate
        worker.send({"t": "fatal", "reason": f"{exc.__class__.__name__}: {exc}"})
        return 1
    inbox: queue.Queue[dict | None] = queue.Queue()

    def read() -> None:
        try:
            while True:
                header, _ = wire.receive(sys.stdin.buffer)
                if header.get("t") == "cancel":
                    worker.cancel(str(header.get("job")))
                else:
                    inbox.put(header)
        except (wire.WireClosed, ValueError, OSError):
            pass
        worker.cancel_all()  # the editor is gone: stop the running job too
        inbox.put(None)

    threading.Thread(target=read, name="engine-worker-reader", daemon=True).start()
    while True:
        message = inbox.get()
        if message is None or message.get("t") == "quit":
            break
        if message.get("t") == "release":
            worker.release()
        elif message.get("t") == "job":
            worker.run(message)
    worker.release()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
