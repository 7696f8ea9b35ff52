"""Compact inspector editors for a shot's spoken lines and its keyframes.

Each editor shows a list and reports the whole new list through `changed`; the shot inspector
turns that into one `set_shot_fields` edit, so every add, remove or change is one undo step.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QHBoxLayout,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.model import DialogueLine, Keyframe
from ui.inspector.fields import commit_on_finish


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    table.setSelectionBehavior(QTableWidget.SelectRows)
    table.setMaximumHeight(96)
    return table


class DialogueEditor(QWidget):
    """Speaker + text rows; cells are edited in place."""

    changed = Signal(list)  # list[DialogueLine]

    def __init__(self, parent=None):
        super().__init__(parent)
        self._lines: list[DialogueLine] = []
        self._filling = False
        self.table = _table(["Speaker", "Line"])
        self.table.setColumnWidth(0, 80)
        add, self.remove_button = QPushButton("Add line"), QPushButton("Remove")
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        add.clicked.connect(lambda: self.add_line("Speaker", "new line"))
        self.remove_button.clicked.connect(lambda: self.remove_line(self.table.currentRow()))
        self.table.itemChanged.connect(self._cell_changed)

    def set_lines(self, lines: list[DialogueLine]) -> None:
        self._lines = list(lines)
        self._filling = True
        try:
            self.table.setRowCount(len(lines))
            for row, line in enumerate(lines):
                for col, text in enumerate((line.speaker, line.text)):
                    self.table.setItem(row, col, QTableWidgetItem(text))
        finally:
            self._filling = False

    def add_line(self, speaker: str, text: str) -> None:
        self.changed.emit([*self._lines, DialogueLine(speaker=speaker, text=text)])

    def remove_line(self, row: int) -> None:
        if 0 <= row < len(self._lines):
            self.changed.emit(self._lines[:row] + self._lines[row + 1 :])

    def set_line(self, row: int, speaker: str, text: str) -> None:
        if not (0 <= row < len(self._lines)) or not speaker.strip() or not text.strip():
            self.set_lines(self._lines)  # a blank cell is not a line: show the old one again
            return
        lines = list(self._lines)
        lines[row] = DialogueLine(speaker=speaker.strip(), text=text.strip())
        if lines != self._lines:
            self.changed.emit(lines)

    def _cell_changed(self, item: QTableWidgetItem) -> None:
        if self._filling:
            return
        row = item.row()
        cells = [self.table.item(row, c) for c in (0, 1)]
        self.set_line(row, *(c.text() if c else "" for c in cells))


class KeyframeEditor(QWidget):
    """Keyframes as "time · picture · strength" rows; the spin boxes edit the selected one."""

    changed = Signal(list)  # list[Keyframe]
    addRequested = Signal()  # the inspector asks for a picture

    def __init__(self, parent=None):
        super().__init__(parent)
        self._keys: list[Keyframe] = []
        self._filling = False
        self.table = _table(["At", "Picture", "Strength"])
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.at = QDoubleSpinBox(minimum=0, maximum=600, singleStep=0.1, decimals=2, suffix=" s")
        self.strength = QDoubleSpinBox(minimum=0, maximum=1, singleStep=0.05, decimals=2)
        for spin in (self.at, self.strength):
            commit_on_finish(spin)
        add, remove = QPushButton("Add…"), QPushButton("Remove")
        self.at.setToolTip("When the shot passes through the selected keyframe")
        self.strength.setToolTip("How closely the shot holds the selected keyframe's picture")
        # two rows, so the inspector fits its dock at 1920 and 1366 px without scrolling sideways
        spins, buttons = QHBoxLayout(), QHBoxLayout()
        spins.addWidget(self.at)
        spins.addWidget(self.strength)
        buttons.addWidget(add)
        buttons.addWidget(remove)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(spins)
        layout.addLayout(buttons)
        add.clicked.connect(self.addRequested)
        remove.clicked.connect(lambda: self.remove_keyframe(self.table.currentRow()))
        self.table.currentCellChanged.connect(lambda r, *_: self._show_selected(r))
        self.at.valueChanged.connect(lambda v: self._spin_changed(at=round(v, 3)))
        self.strength.valueChanged.connect(lambda v: self._spin_changed(strength=round(v, 3)))

    def set_keyframes(self, keys: list[Keyframe]) -> None:
        self._keys = list(keys)
        current = self.table.currentRow()
        self._filling = True
        try:
            self.table.setRowCount(len(keys))
            for row, key in enumerate(keys):
                cells = (f"{key.at:g} s", key.image.rsplit("/", 1)[-1], f"{key.strength:g}")
                for col, text in enumerate(cells):
                    item = QTableWidgetItem(text)
                    item.setToolTip(key.image)
                    self.table.setItem(row, col, item)
            if keys:
                self.table.setCurrentCell(min(max(current, 0), len(keys) - 1), 0)
        finally:
            self._filling = False
        self._show_selected(self.table.currentRow())

    def add_keyframe(self, image: str, at: float, strength: float = 1.0) -> None:
        keys = [*self._keys, Keyframe(at=at, image=image, strength=strength)]
        self.changed.emit(sorted(keys, key=lambda k: k.at))

    def remove_keyframe(self, row: int) -> None:
        if 0 <= row < len(self._keys):
            self.changed.emit(self._keys[:row] + self._keys[row + 1 :])

    def set_keyframe(self, row: int, **changes) -> None:
        if not 0 <= row < len(self._keys):
            return
        keys = list(self._keys)
        keys[row] = Keyframe.model_validate({**keys[row].model_dump(), **changes})
        if keys != self._keys:
            self.changed.emit(sorted(keys, key=lambda k: k.at))

    def _show_selected(self, row: int) -> None:
        ok = 0 <= row < len(self._keys)
        self._filling = True
        try:
            for spin, name in ((self.at, "at"), (self.strength, "strength")):
                spin.setEnabled(ok)
                spin.setValue(getattr(self._keys[row], name) if ok else 0)
        finally:
            self._filling = False

    def _spin_changed(self, **change) -> None:
        if not self._filling:
            self.set_keyframe(self.table.currentRow(), **change)
