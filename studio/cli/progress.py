"""Progress on a terminal: one updating line per job; silent when not on a terminal."""

from __future__ import annotations

import sys
import threading
import time

from studio.engine.events import (
    EngineEvent,
    JobCancelled,
    JobFailed,
    JobFinished,
    JobStarted,
    JobWarning,
    StepProgress,
)


class TerminalProgress:
    """Turns engine events and export progress into a status line on stderr (TTY only)."""

    def __init__(self, stream=None, enabled: bool | None = None):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self._labels: dict[str, str] = {}
        self._lock = threading.Lock()
        self._last = 0.0

    def _line(self, text: str, final: bool = False) -> None:
        if not self.enabled:
            return
        with self._lock:
            now = time.monotonic()
            if not final and now - self._last < 0.1:
                return
            self._last = now
            self.stream.write("\r\x1b[2K" + text[:120] + ("\n" if final else ""))
            self.stream.flush()

    def on_event(self, event: EngineEvent) -> None:
        if isinstance(event, JobWarning):  # shown on a terminal or not: it is about the film
            label = self._labels.get(event.job_id, event.job_id)
            with self._lock:
                prefix = "\r\x1b[2K" if self.enabled else ""
                self.stream.write(f"{prefix}warning: {label}: {event.message}\n")
                self.stream.flush()
        elif isinstance(event, JobStarted):
            self._labels[event.job_id] = event.label
            self._line(f"{event.label} …")
        elif isinstance(event, StepProgress):
            label = self._labels.get(event.job_id, event.job_id)
            eta = f", {event.eta_s:.0f} s left" if event.eta_s is not None else ""
            self._line(f"{label}  {_bar(event.fraction)} {event.step}/{event.total}{eta}")
        elif isinstance(event, JobFinished):
            self._line(f"✓ {self._labels.get(event.job_id, event.job_id)}", final=True)
        elif isinstance(event, JobFailed):
            self._line(
                f"✗ {self._labels.get(event.job_id, event.job_id)}: {event.reason}", final=True
            )
        elif isinstance(event, JobCancelled):
            self._line(f"cancelled {self._labels.get(event.job_id, event.job_id)}", final=True)

    def export_progress(self, done: int, total: int) -> None:
        self._line(
            f"export  {_bar(done / total if total else 1)} {done}/{total} frames",
            final=done >= total,
        )


def _bar(fraction: float, width: int = 24) -> str:
    filled = int(round(max(0.0, min(1.0, fraction)) * width))
    return "[" + "#" * filled + "-" * (width - filled) + "]"
