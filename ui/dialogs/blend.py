"""Blend: a new take that moves from one clip to another along a blend curve; the dialog asks
whether it replaces clip A or is added as a new clip after it (it used to replace A silently)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from studio.model import Operation
from ui import theme

CURVES = {
    "Linear A → B": [0.0, 1.0],
    "Ease in-out": [0.0, 0.05, 0.5, 0.95, 1.0],
    "Hold A, then cut to B": [0.0, 0.0, 0.0, 1.0, 1.0],
    "Even mix": [0.5, 0.5],
    "A → B → A": [0.0, 1.0, 0.0],
}


NEW_CLIP, REPLACE = "new-clip", "replace"


def parse_curve(text: str) -> list[float]:
    """'0, 0.5, 1' → [0.0, 0.5, 1.0]; raises ValueError naming the bad value."""
    values = []
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        v = float(part)
        if not 0 <= v <= 1:
            raise ValueError(f"blend curve value {v} is outside 0..1")
        values.append(v)
    if len(values) < 2:
        raise ValueError("a blend curve needs at least two values")
    return values


class CurvePreview(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.values = [0.0, 1.0]
        self.setMinimumHeight(70)

    def set_values(self, values: list[float]) -> None:
        self.values = values
        self.update()

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.Antialiasing)
        r = self.rect().adjusted(6, 6, -6, -6)
        p.fillRect(self.rect(), theme.BG)
        p.setPen(QPen(theme.LINE, 1))
        p.drawRect(r)
        n = len(self.values) - 1
        path = QPainterPath()
        for i, v in enumerate(self.values):
            pt = QPointF(r.left() + r.width() * i / n, r.bottom() - r.height() * v)
            path.moveTo(pt) if i == 0 else path.lineTo(pt)
        p.setPen(QPen(theme.ACCENT, 2))
        p.drawPath(path)
        p.setPen(theme.DIM)
        p.drawText(r.adjusted(4, 2, -4, -2), Qt.AlignLeft | Qt.AlignTop, "B")
        p.drawText(r.adjusted(4, 2, -4, -2), Qt.AlignLeft | Qt.AlignBottom, "A")


class BlendDialog(QDialog):
    def __init__(self, ctx, shot_ids: list[str], parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Blend two clips")
        self.setMinimumWidth(480)
        project = ctx.doc.project
        self.a, self.b = QComboBox(), QComboBox()
        for i, shot in enumerate(project.shots):
            if shot.current_take:
                label = f"{shot.name or i + 1}: {shot.prompt[:48]}"
                self.a.addItem(label, shot.id)
                self.b.addItem(label, shot.id)
        if shot_ids:
            self.a.setCurrentIndex(max(0, self.a.findData(shot_ids[0])))
        if len(shot_ids) > 1:
            self.b.setCurrentIndex(max(0, self.b.findData(shot_ids[1])))
        elif self.b.count() > 1:
            self.b.setCurrentIndex((self.a.currentIndex() + 1) % self.b.count())
        self.curve_preset = QComboBox()
        self.curve_preset.addItems(list(CURVES) + ["Custom"])
        self.curve = QLineEdit("0, 1")
        self.preview = CurvePreview()
        self.strength = QDoubleSpinBox(minimum=0, maximum=1, singleStep=0.05, value=0.6)
        self.result_mode = QComboBox()  # where the blended take lands
        self.result_mode.addItem("Add as a new clip after A", NEW_CLIP)
        self.result_mode.addItem("Replace clip A (a new take of its shot)", REPLACE)
        self.result_mode.setToolTip(
            "A new clip keeps clip A as it is; replacing makes the blend A's current take "
            "(its other takes stay in the inspector)"
        )
        self.error = QLabel()
        self.error.setProperty("role", "error")
        form = QFormLayout()
        form.addRow("Clip A", self.a)
        form.addRow("Clip B", self.b)
        form.addRow("Blend curve", self.curve_preset)
        form.addRow("Values", self.curve)
        form.addRow("", self.preview)
        form.addRow("Strength", self.strength)
        form.addRow("Result", self.result_mode)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("Blend")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.curve_preset.currentTextChanged.connect(self._preset_changed)
        self.curve.textChanged.connect(self._curve_changed)
        self._preset_changed(self.curve_preset.currentText())

    def _preset_changed(self, name: str) -> None:
        if name in CURVES:
            self.curve.setText(", ".join(f"{v:g}" for v in CURVES[name]))

    def _curve_changed(self, text: str) -> None:
        try:
            self.preview.set_values(parse_curve(text))
            self.error.setText("")
        except ValueError as exc:
            self.error.setText(str(exc))

    def _accept(self) -> None:
        try:
            parse_curve(self.curve.text())
        except ValueError as exc:
            self.error.setText(str(exc))
            return
        if self.a.currentData() == self.b.currentData():
            self.error.setText("choose two different clips")
            return
        self.accept()

    def submit(self) -> str | None:
        project = self.ctx.doc.project
        gen = self.ctx.generator
        shot_a, shot_b = project.shot(self.a.currentData()), project.shot(self.b.currentData())
        take_a, take_b = project.takes[shot_a.current_take], project.takes[shot_b.current_take]
        request = gen.request_for(
            shot_a,
            Operation.BLEND,
            prompt_b=shot_b.prompt,
            sources=[gen.source_for(take_a), gen.source_for(take_b)],
            blend_curve=parse_curve(self.curve.text()),
            strength=self.strength.value(),
            label=f"Blend {shot_a.name or 'A'} + {shot_b.name or 'B'}",
        )
        job_id = gen.submit(request)
        if job_id and self.result_mode.currentData() == NEW_CLIP:
            gen.land_as_new[job_id] = shot_a.id
        return job_id

    @classmethod
    def run(cls, ctx, shot_ids: list[str], parent=None) -> str | None:
        dialog = cls(ctx, shot_ids, parent)
        if dialog.a.count() < 2:
            QMessageBox.information(parent, "Blend", "Blending needs two shots that have takes.")
            return None
        if dialog.exec() != QDialog.Accepted:
            return None
        return dialog.submit()
