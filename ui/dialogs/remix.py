"""Remix: a new take of a shot made from its current take with a changed prompt or preset.

The result lands beside the old take (never replacing it silently); the clip switches to it
through the undo stack, so Ctrl+Z goes back to the previous take.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QRadioButton,
    QSlider,
    QVBoxLayout,
)

from studio.engine.request import RemixStrength
from studio.model import Operation
from ui.inspector.prompt_edit import PromptEdit, known_handles
from ui.swatches import swatch_icon

STRENGTHS = [
    ("Subtle", RemixStrength.SUBTLE),
    ("Mild", RemixStrength.MILD),
    ("Strong", RemixStrength.STRONG),
    ("Custom", None),
]


class RemixDialog(QDialog):
    def __init__(self, ctx, shot_id: str, parent=None):
        super().__init__(parent)
        self.ctx, self.shot_id = ctx, shot_id
        shot = ctx.doc.project.shot(shot_id)
        self.setWindowTitle("Remix shot")
        self.setMinimumWidth(480)
        self.prompt = PromptEdit()
        self.prompt.set_text(shot.prompt)
        self.prompt.handles_provider = lambda: known_handles(ctx.doc.project)
        self.prompt.setMinimumHeight(80)
        self.preset = QComboBox()
        self.preset.addItem("Keep the shot's preset", shot.style)
        for p in ctx.presets.all():
            self.preset.addItem(swatch_icon(p), p.title or p.name, p.name)
        self.strengths = QButtonGroup(self)
        row = QHBoxLayout()
        for i, (label, _value) in enumerate(STRENGTHS):
            b = QRadioButton(label)
            self.strengths.addButton(b, i)
            row.addWidget(b)
        self.strengths.button(1).setChecked(True)
        self.custom = QSlider(Qt.Horizontal, minimum=0, maximum=100, value=55)
        self.custom_label = QLabel("0.55")
        self.custom.valueChanged.connect(lambda v: self.custom_label.setText(f"{v / 100:.2f}"))
        self.strengths.idToggled.connect(lambda *_: self._sync_custom())
        custom_row = QHBoxLayout()
        custom_row.addWidget(self.custom, 1)
        custom_row.addWidget(self.custom_label)
        note = QLabel(
            "The remix is added as a new take; the current one stays in the shot's takes."
        )
        note.setProperty("role", "dim")
        note.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Prompt", self.prompt)
        form.addRow("Preset", self.preset)
        form.addRow("Strength", row)
        form.addRow("", custom_row)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("Remix")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self._sync_custom()

    def _sync_custom(self) -> None:
        custom = self.strengths.checkedId() == len(STRENGTHS) - 1
        self.custom.setEnabled(custom)

    def strength(self) -> float:
        _label, value = STRENGTHS[self.strengths.checkedId()]
        return value.value_0_1 if value is not None else self.custom.value() / 100

    def submit(self) -> str | None:
        """Queue the remix job; returns its id (None if refused)."""
        project = self.ctx.doc.project
        shot = project.shot(self.shot_id)
        take = project.takes.get(shot.current_take or "")
        gen = self.ctx.generator
        style = self.preset.currentData() or shot.effective_style(project.style)
        extra = dict(prompt=self.prompt.toPlainText(), preset=style, strength=self.strength())
        if take is not None:
            extra["sources"] = [gen.source_for(take)]
        request = gen.request_for(shot, Operation.REMIX if take else Operation.GENERATE, **extra)
        return gen.submit(request)

    @classmethod
    def run(cls, ctx, shot_id: str, parent=None) -> str | None:
        dialog = cls(ctx, shot_id, parent)
        if dialog.exec() != QDialog.Accepted:
            return None
        shot = ctx.doc.project.shot(shot_id)
        if not shot.current_take:
            QMessageBox.information(
                parent,
                "Remix",
                "This shot has no take yet: generating one with the new prompt and preset instead.",
            )
        return dialog.submit()
