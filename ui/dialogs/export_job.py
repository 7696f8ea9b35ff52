"""Runs an export on a worker thread and reports back through queued Qt signals.

The worker gets a deep copy of the project, so editing while an export runs can never race
with the encoder; progress is throttled so a fast export does not flood the GUI's queue.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from studio.cameo.guard import check_export
from studio.errors import Cancelled, StudioError
from studio.provenance import provenance_hook


def guard_export(project, project_path: Path, resolve=None) -> None:
    """Consent check before export: clips whose cameo consent was withdrawn block it (the
    cameos come from the ledger entry of each take file's hash, not only project.json)."""
    check_export(project, project_path=str(project_path), resolve=resolve)


class ExportJob(QObject):
    progress = Signal(int, int)  # frames done, total
    finished = Signal(object)  # ExportResult
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, project, resolve, dest: Path, settings, parent=None):
        super().__init__(parent)
        self.project = project.model_copy(deep=True)
        self.resolve, self.dest, self.settings = resolve, Path(dest), settings
        self.cancel_event = threading.Event()
        self.thread: threading.Thread | None = None
        self._last = 0.0

    def start(self) -> None:
        self.thread = threading.Thread(target=self._run, name="studio-export", daemon=True)
        self.thread.start()

    def cancel(self) -> None:
        self.cancel_event.set()

    def running(self) -> bool:
        return bool(self.thread and self.thread.is_alive())

    def _progress(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done >= total or now - self._last > 0.05:
            self._last = now
            self.progress.emit(done, total)

    def _run(self) -> None:
        from studio.export.mp4 import export_project

        try:
            result = export_project(
                self.project,
                self.resolve,
                self.dest,
                self.settings,
                progress=self._progress,
                cancel=self.cancel_event,
                provenance=provenance_hook(
                    self.project, resolve=self.resolve, quality=self.settings.quality
                ),
            )
        except Cancelled:
            self.cancelled.emit()
        except StudioError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # noqa: BLE001 - shown to the user, never a silent thread death
            self.failed.emit(f"unexpected failure: {exc.__class__.__name__}: {exc}")
        else:
            self.finished.emit(result)
