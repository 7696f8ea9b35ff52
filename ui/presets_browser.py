"""The presets browser: built-in and user style presets; duplicate, edit and delete user ones."""

from __future__ import annotations

import re

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from studio.errors import StudioError
from studio.presets.preset import StylePreset
from ui.swatches import swatch_icon, swatch_pixmap

NAME_ROLE = Qt.UserRole + 1


class PresetsBrowser(QWidget):
    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(380, 240)

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.list = QListWidget()
        self.swatch = QLabel()
        self.title = QLineEdit()
        self.description = QLineEdit()
        self.prefix = QLineEdit()
        self.suffix = QLineEdit()
        self.negative = QPlainTextEdit()
        self.negative.setMaximumHeight(60)
        self.guidance = QDoubleSpinBox(
            minimum=0, maximum=30, singleStep=0.5, specialValueText="engine default"
        )
        self.steps = QSpinBox(minimum=0, maximum=200, specialValueText="engine default")
        self.kind = QLabel()
        self.kind.setProperty("role", "dim")
        self.btn_duplicate = QPushButton("Duplicate as My Preset…")
        self.btn_save = QPushButton("Save")
        self.btn_save.setObjectName("primary")
        self.btn_delete = QPushButton("Delete")
        form = QFormLayout()
        form.addRow("", self.swatch)
        form.addRow("", self.kind)
        form.addRow("Title", self.title)
        form.addRow("Description", self.description)
        form.addRow("Prompt prefix", self.prefix)
        form.addRow("Prompt suffix", self.suffix)
        form.addRow("Negative", self.negative)
        form.addRow("Guidance", self.guidance)
        form.addRow("Steps", self.steps)
        buttons = QHBoxLayout()
        for b in (self.btn_duplicate, self.btn_delete, self.btn_save):
            buttons.addWidget(b)
        detail = QWidget()
        dl = QVBoxLayout(detail)
        dl.addLayout(form)
        dl.addLayout(buttons)
        dl.addStretch(1)
        split = QSplitter(Qt.Vertical)
        split.addWidget(self.list)
        split.addWidget(detail)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)
        self.list.currentItemChanged.connect(lambda *_: self._show())
        self.btn_duplicate.clicked.connect(lambda: self.duplicate())
        self.btn_save.clicked.connect(self.save)
        self.btn_delete.clicked.connect(self.delete)
        self.reload()

    def reload(self, select: str | None = None) -> None:
        self.list.clear()
        try:
            presets = self.ctx.presets.all()
        except StudioError as exc:
            self.list.addItem(f"Presets could not be loaded: {exc}")
            return
        for p in presets:
            item = QListWidgetItem(
                swatch_icon(p), (p.title or p.name) + ("" if p.builtin else "  · mine")
            )
            item.setData(NAME_ROLE, p.name)
            self.list.addItem(item)
            if p.name == select:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)

    def current(self) -> StylePreset | None:
        item = self.list.currentItem()
        return self.ctx.presets.find(item.data(NAME_ROLE)) if item else None

    def _show(self) -> None:
        p = self.current()
        if p is None:
            return
        self.swatch.setPixmap(swatch_pixmap(p, 180, 22))
        self.kind.setText(
            f"{p.name} — {'built-in (duplicate to change it)' if p.builtin else 'your preset'}"
        )
        self.title.setText(p.title)
        self.description.setText(p.description)
        self.prefix.setText(p.prompt_prefix)
        self.suffix.setText(p.prompt_suffix)
        self.negative.setPlainText(p.negative_prompt)
        self.guidance.setValue(p.guidance or 0)
        self.steps.setValue(p.steps or 0)
        for w in (self.title, self.description, self.prefix, self.suffix):
            w.setReadOnly(p.builtin)
        self.negative.setReadOnly(p.builtin)
        self.guidance.setEnabled(not p.builtin)
        self.steps.setEnabled(not p.builtin)
        self.btn_save.setEnabled(not p.builtin)
        self.btn_delete.setEnabled(not p.builtin)

    def _edited(self, base: StylePreset, name: str) -> StylePreset:
        data = base.model_dump()
        data.update(
            name=name,
            extends=None,
            title=self.title.text(),
            description=self.description.text(),
            prompt_prefix=self.prefix.text(),
            prompt_suffix=self.suffix.text(),
            negative_prompt=self.negative.toPlainText(),
            guidance=self.guidance.value() or None,
            steps=self.steps.value() or None,
        )
        return StylePreset.model_validate(data)

    def duplicate(self, name: str | None = None) -> str | None:
        base = self.current()
        if base is None:
            return None
        if name is None:
            name, ok = QInputDialog.getText(
                self, "New preset", "Name (lower-case, dashes):", text=f"my-{base.name}"
            )
            if not ok:
                return None
        name = re.sub(r"[^a-z0-9-]+", "-", name.strip().lower()).strip("-")
        if not name:
            return None
        preset = base.model_copy(
            update={"name": name, "title": f"{base.title or base.name} (mine)", "extends": None}
        )
        return self._write(preset)

    def save(self) -> None:
        p = self.current()
        if p is not None and not p.builtin:
            self._write(self._edited(p, p.name))

    def _write(self, preset: StylePreset) -> str | None:
        try:
            self.ctx.presets.save_user_preset(preset)
        except (StudioError, ValueError) as exc:
            QMessageBox.warning(self, "Preset not saved", str(exc))
            return None
        self.reload(select=preset.name)
        return preset.name

    def delete(self) -> None:
        p = self.current()
        if p is not None and not p.builtin:
            self.ctx.presets.delete_user_preset(p.name)
            self.reload()
