"""New Project and Project Settings: title, format, fps, default style, fit and (settings
only: a LoRA file is copied into an existing bundle) the storyboard's LoRAs.

One form serves both. New Project starts from a template (TikTok / Reels / Shorts vertical at
30 fps, YouTube widescreen, square) and makes a Project; Project Settings applies the changed
values as ONE undoable edit (`set_project_settings`, which re-fits the timeline on an fps
change).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from studio.model import SUPPORTED_FPS, FitMode, OutputFormat, Project
from studio.model.edit import EditError
from studio.model.project_edits import set_project_settings
from ui.inspector.lora_list import LoraList


@dataclass(frozen=True)
class Template:
    name: str
    format: OutputFormat
    fps: int


TEMPLATES = (
    Template("TikTok / Reels / Shorts (vertical 1080×1920, 30 fps)", OutputFormat.VERTICAL, 30),
    Template("YouTube (widescreen 1920×1080, 30 fps)", OutputFormat.WIDESCREEN, 30),
    Template("Square (1080×1080, 30 fps)", OutputFormat.SQUARE, 30),
    Template("Film (vertical, 24 fps)", OutputFormat.VERTICAL, 24),
)
_FORMAT_TEXT = {
    OutputFormat.VERTICAL: "Vertical 9:16 (1080×1920)",
    OutputFormat.WIDESCREEN: "Widescreen 16:9 (1920×1080)",
    OutputFormat.SQUARE: "Square 1:1 (1080×1080)",
}
_FIT_TEXT = {
    FitMode.COVER: "Cover (crop to fill)",
    FitMode.CONTAIN: "Contain (letterbox)",
    FitMode.BLUR: "Blur (blurred bars)",
}


class ProjectSettingsDialog(QDialog):
    """The settings form; `values()` returns what the user chose."""

    def __init__(
        self,
        project: Project,
        styles: list[str],
        new: bool,
        parent: QWidget | None,
        bundle_root: Path | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("new-project" if new else "project-settings")
        self.setWindowTitle("New Project" if new else "Project Settings")
        form = QFormLayout()
        self.template = QComboBox()
        self.template.addItem("Custom", None)
        for t in TEMPLATES:
            self.template.addItem(t.name, t)
        self.template.currentIndexChanged.connect(self._use_template)
        if new:
            form.addRow("Template", self.template)
        self.title = QLineEdit(project.title)
        self.title.setMaxLength(200)
        form.addRow("Title", self.title)
        self.format = QComboBox()
        for fmt in OutputFormat:
            self.format.addItem(_FORMAT_TEXT[fmt], fmt)
        form.addRow("Format", self.format)
        self.fps = QComboBox()
        for fps in SUPPORTED_FPS:
            self.fps.addItem(f"{fps} fps", fps)
        form.addRow("Frame rate", self.fps)
        self.style = QComboBox()
        self.style.addItem("None", None)
        for name in styles:
            self.style.addItem(name, name)
        form.addRow("Default style", self.style)
        self.fit = QComboBox()
        for fit in FitMode:
            self.fit.addItem(_FIT_TEXT[fit], fit)
        form.addRow("Fit other aspects", self.fit)
        self.loras: LoraList | None = None
        if bundle_root is not None and not new:
            self.loras = LoraList(lambda: bundle_root, self)
            self.loras.setToolTip("LoRAs for every shot (diffusion models only)")
            self.loras.set_loras(project.loras)
            self.loras.changed.connect(lambda loras, _weight_of: self.loras.set_loras(loras))
            form.addRow("Storyboard LoRAs", self.loras)
        self._select(project)
        self.error = QLabel()
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.hide()
        note = QLabel(
            "Changing the frame rate re-times every clip to keep its length in seconds; "
            "changing the format re-fits every take into the new frame."
        )
        note.setProperty("role", "dim")
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("Create" if new else "Apply")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addLayout(form)
        if not new:
            box.addWidget(note)
        box.addWidget(self.error)
        box.addWidget(buttons)
        if new:
            self.template.setCurrentIndex(1)

    def _select(self, project: Project) -> None:
        for combo, value in (
            (self.format, project.format),
            (self.fps, project.fps),
            (self.style, project.style),
            (self.fit, project.fit),
        ):
            i = combo.findData(value)
            if i >= 0:
                combo.setCurrentIndex(i)

    def _use_template(self, index: int) -> None:
        t = self.template.itemData(index)
        if t is not None:
            self.format.setCurrentIndex(self.format.findData(t.format))
            self.fps.setCurrentIndex(self.fps.findData(t.fps))

    def values(self) -> dict:
        values = {
            "title": self.title.text().strip(),
            "format": self.format.currentData(),
            "fps": self.fps.currentData(),
            "style": self.style.currentData(),
            "fit": self.fit.currentData(),
        }
        if self.loras is not None:
            values["loras"] = self.loras.loras()
        return values

    def _accept(self) -> None:
        if not self.title.text().strip():
            self.error.setText("Give the project a title.")
            self.error.show()
            return  # the dialog stays open with everything typed
        self.accept()


def ask_new_project(styles: list[str], parent: QWidget | None) -> Project | None:
    """A new Project from the New Project dialog, or None when cancelled."""
    dialog = ProjectSettingsDialog(Project(title="Untitled"), styles, True, parent)
    if dialog.exec() != QDialog.Accepted:
        return None
    return Project(**dialog.values())


def edit_project_settings(doc, styles: list[str], parent: QWidget | None) -> bool:
    """Project Settings on the open document: one undoable edit. False when cancelled."""
    dialog = ProjectSettingsDialog(doc.project, styles, False, parent, doc.bundle.path)
    while dialog.exec() == QDialog.Accepted:
        try:
            doc.apply(set_project_settings, **dialog.values())
            return True
        except EditError as exc:
            dialog.error.setText(str(exc))
            dialog.error.show()
    return False
