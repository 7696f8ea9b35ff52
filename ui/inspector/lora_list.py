"""The LoRAs a shot (inspector) or the whole storyboard (Project Settings) asks for: a list of
name and weight, with File…, Installed ▾ and Remove.

A picked file is checked at once with the command line's checks (studio.lorafiles.pick): a
pickle, a link outside the LoRA folder or a bad header is refused with a message naming the
file, and nothing changes. A file of the user's LoRA folder is kept by its bare name; any other
file is copied into the bundle. "Installed" lists the user's folder as `loras list` does
(studio.lorafiles.installed), with each file's family. The widget only *proposes* lists: each
change is emitted as the whole new list, and its owner makes it one undoable edit.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QMenu,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.errors import InputError
from studio.lorafiles import installed
from studio.lorafiles.pick import picked_lora
from studio.model.lora import MAX_LORAS, LoraRef
from ui.inspector.fields import FieldGuard, commit_on_finish

WEIGHT_MIN, WEIGHT_MAX = -4.0, 4.0


def lora_title(file: str) -> str:
    """How a kept LoRA reads in a list: its file name without the bundle's hash prefix."""
    name = Path(file).name
    head, sep, rest = name.partition("-")
    if sep and len(head) == 16 and all(c in "0123456789abcdef" for c in head):
        return rest
    return name


class LoraList(QWidget):
    """Name and weight of each LoRA; emits `changed(new list, file whose weight changed or "")`."""

    changed = Signal(list, str)

    def __init__(self, bundle_root: Callable[[], Path], parent: QWidget | None = None):
        super().__init__(parent)
        self._bundle_root = bundle_root
        self.folder: Path | None = None  # the user's LoRA folder (None: the usual place)
        self.guard: FieldGuard | None = None  # the page's wheel/undo rules, for weight boxes
        self._loras: list[LoraRef] = []
        self.table = QTableWidget(0, 2, self)
        self.table.setHorizontalHeaderLabels(["LoRA", "Weight"])
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents
        )
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setMaximumHeight(110)
        self.btn_add = QPushButton("File…", self)
        self.btn_add.setToolTip(
            "A .safetensors LoRA (copied into the project unless it is in your LoRA folder)"
        )
        self.btn_installed = QPushButton("Installed", self)
        self.btn_installed.setToolTip("The LoRAs in your LoRA folder, and their model family")
        self.installed_menu = QMenu(self.btn_installed)
        self.installed_menu.aboutToShow.connect(self._fill_installed)
        self.btn_installed.setMenu(self.installed_menu)
        self.btn_remove = QPushButton("Remove", self)
        self.btn_add.clicked.connect(lambda: self.add_file())
        self.btn_remove.clicked.connect(lambda: self.remove())
        buttons = QHBoxLayout()
        buttons.setSpacing(4)  # three buttons under a 300 px inspector (1366x768 screens)
        for w in (self.btn_add, self.btn_installed, self.btn_remove):
            buttons.addWidget(w)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)

    # --- showing ------------------------------------------------------------------------
    def loras(self) -> list[LoraRef]:
        return list(self._loras)

    def set_loras(self, loras: list[LoraRef]) -> None:
        """Show a list (no signal)."""
        if list(loras) == self._loras and self.table.rowCount() == len(loras):
            return
        self._loras = list(loras)
        self.table.setRowCount(len(self._loras))
        for row, ref in enumerate(self._loras):
            item = QTableWidgetItem(lora_title(ref.file))
            item.setToolTip(ref.file)
            self.table.setItem(row, 0, item)
            spin = QDoubleSpinBox(minimum=WEIGHT_MIN, maximum=WEIGHT_MAX, singleStep=0.05)
            spin.setDecimals(2)
            spin.setValue(ref.weight)
            commit_on_finish(spin)
            if self.guard is not None:
                self.guard.watch(spin)
            spin.valueChanged.connect(lambda v, f=ref.file: self.set_weight(f, v))
            self.table.setCellWidget(row, 1, spin)
        self.btn_remove.setEnabled(bool(self._loras))

    def weight_box(self, row: int) -> QDoubleSpinBox:
        return self.table.cellWidget(row, 1)

    # --- changing -----------------------------------------------------------------------
    def _propose(self, loras: list[LoraRef], weight_of: str = "") -> None:
        self._loras = list(loras)
        self.changed.emit(list(loras), weight_of)

    def _add(self, file: str) -> bool:
        if any(ref.file == file for ref in self._loras):
            QMessageBox.warning(self, "LoRAs", f"{lora_title(file)} is in the list already.")
            return False
        if len(self._loras) >= MAX_LORAS:
            QMessageBox.warning(self, "LoRAs", f"At most {MAX_LORAS} LoRAs.")
            return False
        self._propose([*self._loras, LoraRef(file=file, weight=1.0)])
        return True

    def add_file(self, path: str | None = None) -> bool:
        """Check a .safetensors file (asked for when not given) and add it at weight 1."""
        if not path:
            path, _ = QFileDialog.getOpenFileName(
                self, "LoRA file", str(self.folder or ""), "LoRA (*.safetensors)"
            )
        if not path:
            return False
        try:
            file = picked_lora(self._bundle_root(), Path(path), self.folder)
        except InputError as exc:
            QMessageBox.warning(
                self, "Cannot use this LoRA", f"{Path(path).name}: {exc.message}\n\n{path}"
            )
            return False
        return self._add(file)

    def add_installed(self, name: str) -> bool:
        """Add a file of the user's LoRA folder, by its name."""
        return self._add(name)

    def _fill_installed(self) -> None:
        self.installed_menu.clear()
        try:
            found = installed(self.folder)
        except OSError as exc:
            self.installed_menu.addAction(f"cannot read your LoRA folder: {exc.strerror}")
            return
        usable = [lo for lo in found if lo.problem is None]
        if not usable:
            self.installed_menu.addAction("no LoRAs in your LoRA folder").setEnabled(False)
        for lora in usable:
            text = f"{lora.name} — {lora.family.title}"
            act = self.installed_menu.addAction(text)
            act.setData(lora.name)
            act.triggered.connect(lambda _=False, n=lora.name: self.add_installed(n))

    def installed_names(self) -> list[str]:
        """The names the Installed menu offers (fills it as opening it does)."""
        self._fill_installed()
        return [a.data() for a in self.installed_menu.actions() if a.data()]

    def set_weight(self, file: str, weight: float) -> None:
        weight = round(float(weight), 3)
        new = [
            ref.model_copy(update={"weight": weight}) if ref.file == file else ref
            for ref in self._loras
        ]
        if new != self._loras:
            self._propose(new, file)

    def remove(self, row: int | None = None) -> None:
        """Take out the selected (or given) row."""
        if row is None:
            rows = self.table.selectionModel().selectedRows()
            row = rows[0].row() if rows else len(self._loras) - 1
        if 0 <= row < len(self._loras):
            self._propose([ref for i, ref in enumerate(self._loras) if i != row])
