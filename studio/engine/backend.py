"""The interface every generation backend implements (animatic, diffusers, audio).

A backend turns a GenerationRequest into a media file, reporting progress and previews
through a JobContext and stopping promptly when the context says the job was cancelled.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from studio.engine.events import EngineEvent, JobWarning, PreviewFrame, StepProgress
from studio.engine.request import GenerationRequest, TakeResult
from studio.errors import Cancelled


class JobContext:
    """A running job's line back to the engine: progress, previews, cancellation, output dir."""

    def __init__(
        self,
        job_id: str,
        output_dir: Path,
        emit: Callable[[EngineEvent], None],
        cancel_event: threading.Event | None = None,
    ):
        self.job_id = job_id
        self.output_dir = Path(output_dir)
        self._emit = emit
        self._cancel = cancel_event or threading.Event()
        self._started = time.monotonic()
        self._step_started: float | None = None

    # --- cancellation -------------------------------------------------------------------
    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check_cancelled(self) -> None:
        """Raise Cancelled if the user asked to stop; call at every step."""
        if self._cancel.is_set():
            raise Cancelled(self.job_id)

    # --- progress -----------------------------------------------------------------------
    def step(self, step: int, total: int, phase: str = "sampling") -> None:
        """Report `step` of `total` done, with an ETA from the average step time so far."""
        now = time.monotonic()
        if self._step_started is None or step <= 1:
            self._step_started = self._started if step <= 1 else now
        elapsed = now - self._step_started
        eta = elapsed / step * (total - step) if step > 0 else None
        self._emit(StepProgress(self.job_id, step=step, total=total, eta_s=eta, phase=phase))

    def preview(self, step: int, image: np.ndarray) -> None:
        self._emit(PreviewFrame(self.job_id, step=step, image=image))

    def warn(self, message: str) -> None:
        """Tell the creator something about this job that does not stop it (UI and CLI)."""
        self._emit(JobWarning(self.job_id, message=message))


@runtime_checkable
class Backend(Protocol):
    """A generation backend. `name` is what the CLI's --engine takes."""

    name: str

    def generate(self, request: GenerationRequest, ctx: JobContext) -> TakeResult:
        """Make the take's media file inside ctx.output_dir and describe it."""
        ...

    def release(self) -> None:
        """Free models / memory held between jobs (called on switch, request or shutdown)."""
        ...
