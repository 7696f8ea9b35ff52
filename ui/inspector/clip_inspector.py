"""Inspector page for a timeline clip: take, in point, length, fit mode, transition."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from studio.model import FitMode, Transition, TransitionKind
from studio.placement import take_frames
from ui.commands import EditClip, SetCurrentTake


class ClipInspector(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.clip_id: str | None = None
        self._updating = False
        self.heading = QLabel("Clip")
        self.heading.setProperty("role", "heading")
        self.take = QComboBox()
        self.source_in = QSpinBox(minimum=0, maximum=10**7, suffix=" f")
        self.duration = QSpinBox(minimum=1, maximum=10**7, suffix=" f")
        self.timing = QLabel()
        self.timing.setProperty("role", "dim")
        self.fit = QComboBox()
        self.fit.addItem("Project default", None)
        for mode in FitMode:
            self.fit.addItem(mode.value, mode)
        self.transition = QComboBox()
        self.transition.addItem("none", None)
        for kind in TransitionKind:
            if kind != TransitionKind.CUT:
                self.transition.addItem(kind.value, kind)
        self.transition_len = QSpinBox(minimum=0, maximum=10**5, suffix=" f")
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignRight)
        form.addRow("Take", self.take)
        form.addRow("In", self.source_in)
        form.addRow("Length", self.duration)
        form.addRow("", self.timing)
        form.addRow("Fit", self.fit)
        row = QHBoxLayout()
        row.addWidget(self.transition, 1)
        row.addWidget(self.transition_len)
        form.addRow("Transition in", row)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(form)
        layout.addStretch(1)
        self.source_in.valueChanged.connect(lambda v: self._edit("source_in", v))
        self.duration.valueChanged.connect(lambda v: self._edit("duration", v))
        self.fit.activated.connect(lambda i: self._edit("fit", self.fit.itemData(i)))
        self.transition.activated.connect(lambda _i: self._edit_transition())
        self.transition_len.valueChanged.connect(lambda _v: self._edit_transition())
        self.take.activated.connect(self._swap_take)

    def show_clip(self, clip_id: str | None) -> None:
        self.clip_id = clip_id
        self.refresh()

    def _clip(self):
        try:
            return self.ctx.doc.project.find_clip(self.clip_id)
        except KeyError:
            return None, None

    def refresh(self) -> None:
        track, clip = self._clip()
        if clip is None:
            return
        project = self.ctx.doc.project
        self._updating = True
        try:
            self.heading.setText(f"Clip on {track.name or track.kind.value}")
            take = project.takes.get(clip.take_id) if clip.take_id else None
            limit = take_frames(project, take) if take else 10**7
            self.source_in.setMaximum(max(0, limit - 1))
            self.source_in.setValue(clip.source_in)
            self.duration.setMaximum(max(1, limit - clip.source_in))
            self.duration.setValue(clip.duration)
            fps = project.fps
            self.timing.setText(
                f"{clip.start / fps:.2f}s → {clip.end / fps:.2f}s "
                f"({clip.duration / fps:.2f}s at {fps} fps)"
            )
            self.fit.setCurrentIndex(max(0, self.fit.findData(clip.fit)))
            tr = clip.transition_in
            self.transition.setCurrentIndex(
                max(0, self.transition.findData(tr.kind if tr else None))
            )
            self.transition_len.setValue(tr.duration if tr else 0)
            self.take.clear()
            shot_takes = [
                t
                for t in project.takes.values()
                if clip.shot_id and t.shot_id == clip.shot_id and t.kind == "video"
            ]
            for t in sorted(shot_takes, key=lambda t: t.created):
                self.take.addItem(f"{t.operation.value} · seed {t.seed} · {t.created[11:16]}", t.id)
            if not shot_takes and take:
                self.take.addItem(take.prompt[:40] or take.id, take.id)
            self.take.setCurrentIndex(max(0, self.take.findData(clip.take_id)))
        finally:
            self._updating = False

    def _edit(self, field: str, value) -> None:
        if self._updating:
            return
        _track, clip = self._clip()
        if clip is None or getattr(clip, field) == value:
            return
        self.ctx.doc.undo_stack.push(EditClip(self.ctx.doc, clip.id, field, value))

    def _edit_transition(self) -> None:
        kind = self.transition.currentData()
        length = self.transition_len.value()
        value = (
            Transition(kind=kind, duration=length or self.ctx.doc.project.fps // 2)
            if kind
            else None
        )
        self._edit("transition_in", value)

    def _swap_take(self, index: int) -> None:
        if self._updating:
            return
        _track, clip = self._clip()
        take_id = self.take.itemData(index)
        if clip is None or not clip.shot_id or take_id == clip.take_id:
            return
        self.ctx.doc.undo_stack.push(SetCurrentTake(self.ctx.doc, clip.shot_id, take_id))
