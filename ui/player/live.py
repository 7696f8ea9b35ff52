"""The viewer shows generations live: while a job runs for the shot under the playhead (or,
with no shot there, the selected shot), the player's screen shows that job's per-step preview
at viewer size with its step and ETA; the queue keeps its own thumbnails.

Engine events arrive through `EngineBridge` (preview, progress, finished/failed/cancelled) on
the GUI thread; `Generator.jobs` says which shot a job is for.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QImage

from ui.render_queue.row import format_eta


class LivePreview(QObject):
    def __init__(self, bridge, generator, screen, target_shot: Callable[[], str | None], parent):
        super().__init__(parent)
        self.generator, self.screen, self.target_shot = generator, screen, target_shot
        self._progress: dict[str, str] = {}  # job id -> "step 3/20 · ETA 12 s"
        self._images: dict[str, QImage] = {}  # latest preview per running job
        self.shown_job: str | None = None
        bridge.preview.connect(self._preview)
        bridge.progress.connect(self._progressed)
        for signal in (bridge.jobFinished, bridge.jobFailed, bridge.jobCancelled):
            signal.connect(self._ended)

    def _shot(self, job_id: str) -> str | None:
        info = self.generator.jobs.get(job_id)
        if info is None or info.is_sound:
            return None
        return info.shot_id

    @Slot(str, int, int, object, str)
    def _progressed(self, job_id: str, step: int, total: int, eta, phase: str) -> None:
        self._progress[job_id] = f"{phase.capitalize()} · step {step}/{total} · {format_eta(eta)}"
        if job_id == self.shown_job:
            self._show(job_id)

    @Slot(str, int, QImage)
    def _preview(self, job_id: str, step: int, image: QImage) -> None:
        self._images[job_id] = image
        self._progress.setdefault(job_id, f"step {step}")
        self.update()

    def update(self) -> None:
        """Show the running job of the target shot, or go back to the timeline's frame."""
        target = self.target_shot()
        job = next((j for j in self._images if target and self._shot(j) == target), None)
        if job is None:
            if self.shown_job is not None:
                self.shown_job = None
                self.screen.set_live(None, "")
            return
        self._show(job)

    def _show(self, job_id: str) -> None:
        self.shown_job = job_id
        label = self.generator.jobs[job_id].label if job_id in self.generator.jobs else ""
        text = f"Generating {label} — {self._progress.get(job_id, '')}".strip(" —")
        self.screen.set_live(self._images.get(job_id), text)

    @Slot()
    def _ended(self, job_id: str, *_rest) -> None:
        self._images.pop(job_id, None)
        self._progress.pop(job_id, None)
        if job_id == self.shown_job:
            self.update()
