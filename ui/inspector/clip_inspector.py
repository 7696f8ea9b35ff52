"""Inspector page for a timeline clip: take, in point, length, fit mode, transition.

Every field pushes the same edit operations as the timeline (slip, trim of the out edge,
set_transition, swap_take), so the track rules hold and a crossfade overlaps the clips exactly
as the clip menu's does; limits come from the same `trim_limits` / `take_frames`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from studio.layout.frames import take_frames
from studio.model import FitMode, TransitionKind
from studio.model import edits as E
from studio.model.edit import EditError
from studio.timecode import time_text
from ui.inspector.fields import FieldGuard, commit_on_finish
from ui.undo import UndoId


class ClipInspector(QWidget):
    editFailed = Signal(str)  # a refused edit's reason, for the status bar

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.seconds_mode = False  # View → Show Time in Seconds
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
        form = self.form = QFormLayout()
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
        for spin in (self.source_in, self.duration, self.transition_len):
            commit_on_finish(spin)
        self.guard = FieldGuard(lambda: self.ctx.doc.undo_stack, self)
        self.guard.watch(
            self.take, self.source_in, self.duration, self.fit, self.transition, self.transition_len
        )
        self.source_in.valueChanged.connect(
            lambda v: self._apply(E.slip_clip, v, merge=UndoId.CLIP_SLIP)
        )
        self.duration.valueChanged.connect(
            lambda v: self._apply(E.set_clip_length, v, merge=UndoId.CLIP_LENGTH)
        )
        self.fit.activated.connect(
            lambda i: self._apply(E.set_clip_fields, fit=self.fit.itemData(i))
        )
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
            limit = (take_frames(project, take) if take else None) or 10**7
            self.source_in.setMaximum(max(0, limit - clip.duration))
            self.source_in.setValue(clip.source_in)
            _lo, hi = E.trim_limits(project, clip.id, "out")  # as far as a trim drag goes
            self.duration.setMaximum(max(1, hi - clip.start))
            self.duration.setValue(clip.duration)
            fps = project.fps
            sec = self.seconds_mode
            self.timing.setText(
                f"{time_text(clip.start, fps, sec)} → {time_text(clip.end, fps, sec)} "
                f"({time_text(clip.duration, fps, sec)} at {fps} fps)"
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

    def _apply(self, op, *args, merge: UndoId | None = None, **kwargs) -> None:
        """Push `op(project, clip_id, ...)`; arrow steps of one field on one clip merge."""
        if self._updating or not self.clip_id:
            return
        key = (self.clip_id, merge)
        try:
            self.ctx.doc.apply(op, self.clip_id, *args, merge=merge, key=key, **kwargs)
        except EditError as exc:
            self.refresh()  # show the value the model kept
            self.editFailed.emit(str(exc))

    def _edit_transition(self) -> None:
        """The same operation as the clip menu's transitions: a crossfade into a clip that
        touches the previous one overlaps them (and ripples the rest of the track)."""
        kind = self.transition.currentData()
        length = self.transition_len.value() or self.ctx.doc.project.fps // 2
        self._apply(E.set_transition, kind, length if kind else 0, merge=UndoId.TRANSITION)

    def _swap_take(self, index: int) -> None:
        if self._updating:
            return
        take_id = self.take.itemData(index)
        _track, clip = self._clip()
        if clip is None or take_id == clip.take_id:
            return
        self._apply(E.swap_take, take_id)
