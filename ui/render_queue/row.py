"""One job in the render queue: live preview, label, progress, ETA and its buttons."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressBar, QToolButton, QVBoxLayout

PREVIEW_W, PREVIEW_H = 88, 88


def format_eta(seconds: float | None) -> str:
    if seconds is None:
        return ""
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s left"
    return f"{seconds // 60}m {seconds % 60:02d}s left"


class JobRow(QFrame):
    cancelRequested = Signal(str)
    retryRequested = Signal(str)
    moveRequested = Signal(str, int)  # job id, delta
    removeRequested = Signal(str)

    def __init__(self, job_id: str, label: str, parent=None):
        super().__init__(parent)
        self.job_id = job_id
        self.state = "queued"
        self.step = 0
        self.setObjectName("jobRow")
        self.preview = QLabel()
        self.preview.setFixedSize(PREVIEW_W, PREVIEW_H)
        self.preview.setAlignment(Qt.AlignCenter)
        self.preview.setStyleSheet("background:#111317;border-radius:4px;color:#6b7280;")
        self.preview.setText("…")
        self.title = QLabel(label)
        self.title.setStyleSheet("font-weight:600;")
        self.status = QLabel("Queued")
        self.status.setProperty("role", "dim")
        self.status.setWordWrap(True)
        self.warning = QLabel()  # what the engine warned about (kept after the job ends)
        self.warning.setProperty("role", "warning")
        self.warning.setStyleSheet("color:#f0b429;")
        self.warning.setWordWrap(True)
        self.warning.hide()
        self.eta = QLabel()
        self.eta.setProperty("role", "dim")
        self.bar = QProgressBar()
        self.bar.setRange(0, 100)
        self.bar.setValue(0)
        self.bar.setTextVisible(False)
        self.bar.setFixedHeight(6)
        self.btn_up = self._button(
            "▲", "Move up in the queue", lambda: self.moveRequested.emit(job_id, -1)
        )
        self.btn_down = self._button(
            "▼", "Move down in the queue", lambda: self.moveRequested.emit(job_id, 1)
        )
        self.btn_cancel = self._button(
            "✕", "Cancel this job", lambda: self.cancelRequested.emit(job_id)
        )
        self.btn_retry = self._button(
            "Retry", "Run this job again", lambda: self.retryRequested.emit(job_id)
        )
        self.btn_retry.hide()
        self.btn_remove = self._button(
            "Clear", "Remove from the list", lambda: self.removeRequested.emit(job_id)
        )
        self.btn_remove.hide()

        text = QVBoxLayout()
        text.setSpacing(3)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.eta)
        text.addLayout(top)
        text.addWidget(self.bar)
        text.addWidget(self.status)
        text.addWidget(self.warning)
        text.addStretch(1)
        buttons = QVBoxLayout()
        buttons.setSpacing(2)
        for b in (self.btn_up, self.btn_down, self.btn_cancel, self.btn_retry, self.btn_remove):
            buttons.addWidget(b)
        buttons.addStretch(1)
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 6, 6, 6)
        row.addWidget(self.preview)
        row.addLayout(text, 1)
        row.addLayout(buttons)
        self._set_state("queued")

    def _button(self, text, tip, slot) -> QToolButton:
        b = QToolButton(self)
        b.setText(text)
        b.setToolTip(tip)
        b.clicked.connect(slot)
        return b

    def _set_state(self, state: str) -> None:
        self.state = state
        self.setProperty("state", state)
        self.style().unpolish(self)
        self.style().polish(self)
        pending = state == "queued"
        active = state in ("queued", "running")
        self.btn_up.setVisible(pending)
        self.btn_down.setVisible(pending)
        self.btn_cancel.setVisible(active)
        self.btn_retry.setVisible(state in ("failed", "cancelled"))
        self.btn_remove.setVisible(not active)

    # --- updates from the bridge ----------------------------------------------------------
    def started(self) -> None:
        self.status.setText("Starting…")
        self._set_state("running")

    def progressed(self, step: int, total: int, eta: float | None, phase: str) -> None:
        if self.state == "queued":
            self._set_state("running")
        self.step = step
        self.bar.setValue(int(100 * step / total) if total else 0)
        self.status.setText(f"{phase.capitalize()} · step {step}/{total}")
        self.eta.setText(format_eta(eta))

    def previewed(self, step: int, image: QImage) -> None:
        pm = QPixmap.fromImage(image).scaled(
            PREVIEW_W, PREVIEW_H, Qt.KeepAspectRatio, Qt.SmoothTransformation
        )
        self.preview.setPixmap(pm)

    def warned(self, message: str) -> None:
        lines = [t for t in (self.warning.text(), f"Warning: {message}") if t]
        self.warning.setText("\n".join(lines[-3:]))  # the latest few; the full text in the tip
        self.warning.setToolTip("\n".join(filter(None, (self.warning.toolTip(), message))))
        self.warning.show()

    def finished(self) -> None:
        self.bar.setValue(100)
        self.status.setText("Done — new take added")
        self.eta.setText("")
        self._set_state("done")

    def failed(self, reason: str, hint: str) -> None:
        self.status.setText(f"Failed: {reason}" + (f"\n{hint}" if hint else ""))
        self.status.setProperty("role", "error")
        self.status.style().polish(self.status)
        self.eta.setText("")
        self._set_state("failed")

    def cancelled(self) -> None:
        self.status.setText("Cancelled")
        self.eta.setText("")
        self._set_state("cancelled")
