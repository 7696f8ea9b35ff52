"""Add / edit a title clip: text, font, size, colour, position (snapped to the safe area by
the compositor) and fades. The result is one edit (`add_title` or `set_title`)."""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFontComboBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from studio.model import Title
from studio.model.edit import EditError
from studio.model.media_edits import add_title, set_title

# (label, y inside the safe area)
PLACES = (("Top", 0.0), ("Centre", 0.5), ("Lower third", 0.8), ("Bottom", 1.0))


class TitleDialog(QDialog):
    def __init__(self, title: Title | None, fades: tuple[float, float], parent: QWidget | None):
        super().__init__(parent)
        self.setObjectName("title-dialog")
        self.setWindowTitle("Edit Title" if title else "Add Title")
        title = title or Title(text="Title", y=0.8)
        form = QFormLayout(self)
        self.text = QPlainTextEdit(title.text)
        self.text.setFixedHeight(70)
        form.addRow("Text", self.text)
        self.font = QFontComboBox()
        self.font.setEditable(True)
        self.font.setCurrentText(title.font)
        form.addRow("Font", self.font)
        self.size = QSpinBox(minimum=8, maximum=400, value=title.size, suffix=" px")
        form.addRow("Size", self.size)
        self.colour = QPushButton(title.colour)
        self.colour.clicked.connect(self._pick_colour)
        form.addRow("Colour", self.colour)
        self.place = QComboBox()
        for label, y in PLACES:
            self.place.addItem(label, y)
        self.place.setCurrentIndex(
            min(range(len(PLACES)), key=lambda i: abs(PLACES[i][1] - title.y))
        )
        form.addRow("Position", self.place)
        hint = QLabel("Kept inside the safe area, clear of platform buttons and captions.")
        hint.setProperty("role", "dim")
        form.addRow("", hint)
        self.fade_in = QDoubleSpinBox(minimum=0, maximum=10, value=fades[0], suffix=" s")
        self.fade_out = QDoubleSpinBox(minimum=0, maximum=10, value=fades[1], suffix=" s")
        form.addRow("Fade in", self.fade_in)
        form.addRow("Fade out", self.fade_out)
        self.error = QLabel()
        self.error.setProperty("role", "error")
        self.error.hide()
        form.addRow(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _pick_colour(self) -> None:
        colour = QColorDialog.getColor(QColor(self.colour.text()), self, "Title colour")
        if colour.isValid():
            self.colour.setText(colour.name())

    def title(self) -> Title:
        return Title(
            text=self.text.toPlainText().strip(),
            font=self.font.currentText() or "DejaVu Sans Bold",
            size=self.size.value(),
            colour=self.colour.text(),
            y=self.place.currentData(),
        )

    def _accept(self) -> None:
        try:
            self.title()
        except ValueError:
            self.error.setText("Type the title's text (up to 500 characters).")
            self.error.show()
            return  # the dialog keeps what was typed
        self.accept()


def add_title_at(doc, at: int, parent: QWidget | None) -> bool:
    dialog = TitleDialog(None, (0.5, 0.5), parent)
    if dialog.exec() != QDialog.Accepted:
        return False
    fades = {"fade_in": dialog.fade_in.value(), "fade_out": dialog.fade_out.value()}
    doc.apply(add_title, dialog.title(), at, **fades)
    return True


def edit_title(doc, clip_id: str, parent: QWidget | None) -> bool:
    _track, clip = doc.project.find_clip(clip_id)
    dialog = TitleDialog(clip.title, (clip.fade_in, clip.fade_out), parent)
    if dialog.exec() != QDialog.Accepted:
        return False
    try:
        doc.apply(
            set_title, clip_id, dialog.title(), dialog.fade_in.value(), dialog.fade_out.value()
        )
    except EditError as exc:
        dialog.error.setText(str(exc))
        return False
    return True
