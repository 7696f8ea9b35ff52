"""EngineBridge: engine events (sent on the engine thread) re-emitted as Qt signals.

The engine calls its listeners on its own thread; widgets may only be touched on the GUI
thread. The bridge's listener therefore does nothing but hand the event to a signal with a
queued connection. Previews are coalesced: the engine thread keeps only the newest preview per
job and schedules one delivery; if the GUI is busy, older previews are dropped, not queued.
"""

from __future__ import annotations

import threading

import numpy as np
from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QImage

from studio.engine.events import (
    EngineEvent,
    JobCancelled,
    JobFailed,
    JobFinished,
    JobQueued,
    JobStarted,
    JobWarning,
    PreviewFrame,
    QueueChanged,
    StepProgress,
)


def to_qimage(image: np.ndarray) -> QImage:
    """H×W×3 uint8 → an owned QImage (safe to build on any thread)."""
    image = np.ascontiguousarray(image[..., :3], dtype=np.uint8)
    h, w = image.shape[:2]
    return QImage(image.data, w, h, 3 * w, QImage.Format_RGB888).copy()


class EngineBridge(QObject):
    jobQueued = Signal(str, str, int)  # job id, label, position
    jobStarted = Signal(str, str)  # job id, label
    progress = Signal(str, int, int, object, str)  # job id, step, total, eta seconds|None, phase
    preview = Signal(str, int, QImage)  # job id, step, image
    jobFinished = Signal(str, object)  # job id, Take
    jobFailed = Signal(str, str, str)  # job id, reason, hint
    jobCancelled = Signal(str)
    jobWarning = Signal(str, str)  # job id, message (e.g. a family that takes no references)
    queueChanged = Signal(bool)  # paused

    _event = Signal(object)
    _previewReady = Signal(str)

    def __init__(self, engine, parent: QObject | None = None):
        super().__init__(parent)
        self.engine = engine
        self._lock = threading.Lock()
        self._latest: dict[str, tuple[int, QImage]] = {}
        self.previews_delivered = 0
        self.previews_dropped = 0
        self._linked: dict = {}  # job id → the sound take an audio-video model made with it
        self._event.connect(self._dispatch, Qt.QueuedConnection)
        self._previewReady.connect(self._deliver_preview, Qt.QueuedConnection)
        self._unsubscribe = engine.subscribe(self._on_engine_thread)

    # --- engine thread ------------------------------------------------------------------
    def _on_engine_thread(self, event: EngineEvent) -> None:
        if isinstance(event, PreviewFrame):
            if event.image is None:
                return
            image = to_qimage(event.image)
            with self._lock:
                pending = event.job_id in self._latest
                if pending:
                    self.previews_dropped += 1
                self._latest[event.job_id] = (event.step, image)
            if not pending:
                self._previewReady.emit(event.job_id)
            return
        self._event.emit(event)

    # --- GUI thread ---------------------------------------------------------------------
    @Slot(str)
    def _deliver_preview(self, job_id: str) -> None:
        with self._lock:
            item = self._latest.pop(job_id, None)
        if item is not None:
            self.previews_delivered += 1
            self.preview.emit(job_id, item[0], item[1])

    @Slot(object)
    def _dispatch(self, event: EngineEvent) -> None:
        if isinstance(event, StepProgress):
            self.progress.emit(event.job_id, event.step, event.total, event.eta_s, event.phase)
        elif isinstance(event, JobQueued):
            self.jobQueued.emit(event.job_id, event.label, event.position)
        elif isinstance(event, JobStarted):
            self.jobStarted.emit(event.job_id, event.label)
        elif isinstance(event, JobFinished):
            self._drop_previews(event.job_id)
            if event.linked is not None:
                self._linked[event.job_id] = event.linked
            self.jobFinished.emit(event.job_id, event.take)
            self._linked.pop(event.job_id, None)
        elif isinstance(event, JobFailed):
            self._drop_previews(event.job_id)
            self.jobFailed.emit(event.job_id, event.reason, event.hint)
        elif isinstance(event, JobCancelled):
            self._drop_previews(event.job_id)
            self.jobCancelled.emit(event.job_id)
        elif isinstance(event, JobWarning):
            self.jobWarning.emit(event.job_id, event.message)
        elif isinstance(event, QueueChanged):
            self.queueChanged.emit(event.paused)

    def linked_take(self, job_id: str):
        """The sound take made with the take of `job_id` (during its jobFinished), or None."""
        return self._linked.get(job_id)

    def _drop_previews(self, job_id: str) -> None:
        with self._lock:
            self._latest.pop(job_id, None)

    # --- commands to the engine (thin, so widgets need only the bridge) -------------------
    def cancel(self, job_id: str) -> bool:
        return self.engine.cancel(job_id)

    def move(self, job_id: str, index: int) -> bool:
        return self.engine.move(job_id, index)

    def set_paused(self, paused: bool) -> None:
        (self.engine.pause if paused else self.engine.resume)()

    @property
    def paused(self) -> bool:
        return self.engine.queue.paused

    def close(self) -> None:
        self._unsubscribe()
