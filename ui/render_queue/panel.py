"""The render queue dock: rows for every job of this session, pause/resume, reorder, retry."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QLabel, QScrollArea, QToolBar, QVBoxLayout, QWidget

from ui.render_queue.row import JobRow


class RenderQueuePanel(QWidget):
    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(380, 240)

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.rows: dict[str, JobRow] = {}
        bar = QToolBar(self)
        self.act_pause = bar.addAction("Pause Queue")
        self.act_pause.setCheckable(True)
        self.act_pause.toggled.connect(self._pause_toggled)
        self.act_clear = bar.addAction("Clear Finished", self.clear_finished)
        self.summary = QLabel()
        self.summary.setProperty("role", "dim")
        bar.addSeparator()
        bar.addWidget(self.summary)
        self.list = QWidget()
        self.list_layout = QVBoxLayout(self.list)
        self.list_layout.setContentsMargins(6, 6, 6, 6)
        self.list_layout.setSpacing(6)
        self.empty = QLabel("No generation jobs yet.\nSelect shots and press Generate (Ctrl+G).")
        self.empty.setAlignment(Qt.AlignCenter)
        self.empty.setProperty("role", "dim")
        self.list_layout.addWidget(self.empty)
        self.list_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.list)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(bar)
        layout.addWidget(scroll)
        b = ctx.bridge
        b.jobQueued.connect(self._queued)
        ctx.generator.submitted.connect(lambda j, label: self._queued(j, label, 0))
        b.jobStarted.connect(lambda j, _l: self._row(j) and self._row(j).started())
        b.progress.connect(
            lambda j, s, t, e, p: self._row(j) and self._row(j).progressed(s, t, e, p)
        )
        b.preview.connect(lambda j, s, img: self._row(j) and self._row(j).previewed(s, img))
        # a job is done when its take is in its project, not when the engine lets go of it
        gen = ctx.generator
        gen.jobLanded.connect(lambda j: self._row(j) and self._row(j).finished())
        gen.landingFailed.connect(lambda j, m: self._row(j) and self._row(j).failed(m, ""))
        b.jobFailed.connect(lambda j, r, h: self._row(j) and self._row(j).failed(r, h))
        b.jobCancelled.connect(lambda j: self._row(j) and self._row(j).cancelled())
        b.jobWarning.connect(lambda j, m: self._row(j) and self._row(j).warned(m))
        for sig in (b.jobQueued, b.jobFailed, b.jobCancelled, b.jobStarted, gen.jobLanded):
            sig.connect(self._update_summary)
        gen.landingFailed.connect(self._update_summary)
        b.queueChanged.connect(self._queue_changed)

    def _row(self, job_id: str) -> JobRow | None:
        return self.rows.get(job_id)

    def _queued(self, job_id: str, label: str, _position: int) -> None:
        if job_id in self.rows:
            return
        row = JobRow(job_id, label)
        row.cancelRequested.connect(self.ctx.bridge.cancel)
        row.retryRequested.connect(self.retry)
        row.moveRequested.connect(self.move)
        row.removeRequested.connect(self.remove_row)
        self.rows[job_id] = row
        self.empty.hide()
        self.list_layout.insertWidget(self.list_layout.count() - 1, row)

    def retry(self, job_id: str) -> str | None:
        new_id = self.ctx.generator.retry(job_id)
        if new_id:
            self.remove_row(job_id)
        return new_id

    def move(self, job_id: str, delta: int) -> None:
        pending = [j.id for j in self.ctx.bridge.engine.queue.pending()]
        if job_id not in pending:
            return
        index = max(0, min(len(pending) - 1, pending.index(job_id) + delta))
        if self.ctx.bridge.move(job_id, index):
            self._reorder_rows()

    def _reorder_rows(self) -> None:
        """Rows follow the engine's order: running first, then pending, then the rest."""
        engine = self.ctx.bridge.engine
        order = ([engine.running_job] if engine.running_job else []) + [
            j.id for j in engine.queue.pending()
        ]
        rank = {j: i for i, j in enumerate(order)}
        rows = sorted(self.rows.values(), key=lambda r: rank.get(r.job_id, len(rank)))
        for r in rows:
            self.list_layout.removeWidget(r)
        for i, r in enumerate(rows):
            self.list_layout.insertWidget(i + 1, r)

    def remove_row(self, job_id: str) -> None:
        row = self.rows.pop(job_id, None)
        if row is not None:
            self.list_layout.removeWidget(row)
            row.deleteLater()
        self.empty.setVisible(not self.rows)
        self._update_summary()

    def clear_finished(self) -> None:
        for job_id, row in list(self.rows.items()):
            if row.state in ("done", "cancelled"):
                self.remove_row(job_id)

    def _pause_toggled(self, paused: bool) -> None:
        if paused != self.ctx.bridge.paused:
            self.ctx.bridge.set_paused(paused)
        self.act_pause.setText("Resume Queue" if paused else "Pause Queue")

    def _queue_changed(self, paused: bool) -> None:
        self.act_pause.setChecked(paused)
        self._reorder_rows()
        self._update_summary()

    def _update_summary(self, *_args) -> None:
        states = [r.state for r in self.rows.values()]
        active = sum(s in ("queued", "running") for s in states)
        failed = states.count("failed")
        text = f"{active} active" if active else "idle"
        if failed:
            text += f" · {failed} failed"
        if self.ctx.bridge.paused:
            text += " · paused"
        self.summary.setText(text)
