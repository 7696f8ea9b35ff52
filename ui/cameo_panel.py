"""The cameo manager panel: my identity, cameo profiles, consent controls and notifications.

Self-contained (the main window docks it). All work goes through studio.cameo; errors and
refusals are shown in the panel's status line rather than in modal dialogs, so nothing blocks.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.cameo.guard import uses_of_my_cameos
from studio.cameo.identity import load_identity
from studio.cameo.store import CameoStore, StoredCameo
from studio.errors import StudioError
from studio.media.check import image_problem

MODES = [("only-me", "Only me"), ("approved", "People I approve"), ("everyone", "Everyone")]
COLUMNS = ["Handle", "Name", "Owner", "Consent", "You"]


class AddCameoDialog(QDialog):
    """Handle, display name and reference images for a new cameo of yourself.

    OK calls `create(handle, name, images)`; when it refuses, the dialog stays open with what
    was typed and says why (a dialog that closed lost the handle and name)."""

    def __init__(self, create=None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("New cameo")
        self.create = create
        self.handle = QLineEdit(placeholderText="@handle")
        self.name = QLineEdit(placeholderText="Display name")
        self.images: list[str] = []
        self.images_label = QLabel("No image chosen")
        self.error = QLabel()
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        pick = QPushButton("Choose images…")
        pick.clicked.connect(lambda: self.pick())
        form = QFormLayout(self)
        form.addRow("Handle", self.handle)
        form.addRow("Name", self.name)
        form.addRow(pick, self.images_label)
        form.addRow(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.try_accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def pick(self, files: list[str] | None = None) -> None:
        """Choose reference images; each is opened now and a bad one is named at once."""
        if files is None:
            files, _ = QFileDialog.getOpenFileNames(
                self, "Reference images", "", "Images (*.png *.jpg *.jpeg *.webp)"
            )
        if not files:
            return
        bad = [f"{Path(f).name}: {why}" for f in files if (why := image_problem(Path(f)))]
        good = [str(f) for f in files if not image_problem(Path(f))] if bad else list(files)
        self.error.setText("Cannot use:\n" + "\n".join(bad) if bad else "")
        if good:
            self.images = good
            self.images_label.setText(f"{len(good)} image(s)")

    def try_accept(self) -> None:
        if self.create is None:
            self.accept()
            return
        try:
            self.create(self.handle.text(), self.name.text(), [Path(p) for p in self.images])
        except (StudioError, ValueError) as exc:
            self.error.setText(f"⚠ {exc}")  # the typed handle and name stay
            return
        self.accept()


class CameoPanel(QWidget):
    """Lists cameos on this machine; the owner sets consent; shows uses of my cameos."""

    changed = Signal()  # a profile or its consent changed (the guard reads from disk anyway)

    def __init__(self, project=None, parent: QWidget | None = None):
        super().__init__(parent)
        self.project = project
        self.store = CameoStore()
        self.me = load_identity()
        self._build()
        self.refresh()

    # --- layout -------------------------------------------------------------------------
    def _build(self) -> None:
        root = QVBoxLayout(self)
        who = QHBoxLayout()
        self.identity_label = QLabel()
        self.identity_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        copy = QPushButton("Copy my id")
        copy.setToolTip("Others grant you consent with this id")
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.me.user_id))
        who.addWidget(self.identity_label, 1)
        who.addWidget(copy)
        root.addLayout(who)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        root.addWidget(self.table, 2)

        files = QHBoxLayout()
        for text, slot in (
            ("Add…", self._on_add),
            ("Import…", self._on_import),
            ("Export…", self._on_export),
            ("Remove", self._on_remove),
        ):
            button = QPushButton(text)
            button.clicked.connect(slot)
            files.addWidget(button)
        root.addLayout(files)

        consent = QGroupBox("Consent (your own cameos)")
        form = QFormLayout(consent)
        self.mode = QComboBox()
        for value, label in MODES:
            self.mode.addItem(label, value)
        self.mode.activated.connect(lambda _i: self.set_policy(self.mode.currentData()))
        form.addRow("Who may use it", self.mode)
        self.user_field = QLineEdit(placeholderText="user id (from their `whoami`)")
        form.addRow("User", self.user_field)
        row = QHBoxLayout()
        self.grant_button = QPushButton("Approve")
        self.grant_button.clicked.connect(lambda: self.grant(self.user_field.text()))
        self.revoke_button = QPushButton("Revoke user")
        self.revoke_button.clicked.connect(lambda: self.revoke(self.user_field.text()))
        self.revoke_all_button = QPushButton("Revoke all")
        self.revoke_all_button.clicked.connect(lambda: self.revoke(None))
        for b in (self.grant_button, self.revoke_button, self.revoke_all_button):
            row.addWidget(b)
        form.addRow(row)
        self.consent_box = consent
        root.addWidget(consent)

        root.addWidget(QLabel("Uses of my cameos"))
        self.notifications = QListWidget()
        root.addWidget(self.notifications, 1)
        self.status = QLabel()
        self.status.setWordWrap(True)
        root.addWidget(self.status)

    # --- state --------------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read profiles, consent and use logs from disk."""
        self.me = load_identity()
        self.identity_label.setText(f"You: {self.me.display_name} · {self.me.user_id}")
        selected = self.selected_handle()
        self._cameos = self.store.all()
        self.table.setRowCount(len(self._cameos))
        for row, cameo in enumerate(self._cameos):
            for col, text in enumerate(self._row(cameo)):
                item = QTableWidgetItem(text)
                item.setData(Qt.UserRole, cameo.handle)
                self.table.setItem(row, col, item)
            if cameo.handle == selected:
                self.table.selectRow(row)
        self.table.resizeColumnsToContents()
        self._fill_notifications()
        self._selection_changed()

    def _row(self, cameo: StoredCameo) -> list[str]:
        mine = cameo.profile.owner_id == self.me.user_id
        record = cameo.record
        policy = record.policy.mode.value if record else "none"
        if record and record.policy.allow:
            policy += f" ({len(record.policy.allow)} approved)"
        decision = cameo.decision(self.me.user_id)
        return [
            cameo.profile.mention,
            cameo.profile.display_name,
            "me" if mine else (cameo.profile.owner_name or cameo.profile.owner_id),
            policy,
            "allowed" if decision.allowed else f"refused: {decision.reason}",
        ]

    def _fill_notifications(self) -> None:
        self.notifications.clear()
        for cameo, entry in uses_of_my_cameos(self.store):
            who = (
                "you"
                if entry.user_id == self.me.user_id
                else f"{entry.user_name} ({entry.user_id})"
            )
            where = f" in {entry.project}" if entry.project else ""
            item = QListWidgetItem(
                f"{entry.time}  @{cameo.handle}  {entry.outcome}  by {who}"
                f"{where} — {entry.prompt[:60]}"
            )
            if entry.outcome == "refused":
                item.setForeground(Qt.darkRed)
            item.setToolTip(entry.reason)
            self.notifications.addItem(item)

    def selected_cameo(self) -> StoredCameo | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        handle = self.table.item(rows[0].row(), 0).data(Qt.UserRole)
        return next((c for c in getattr(self, "_cameos", []) if c.handle == handle), None)

    def selected_handle(self) -> str | None:
        cameo = self.selected_cameo()
        return cameo.handle if cameo else None

    def select(self, handle: str) -> None:
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).data(Qt.UserRole) == handle.lstrip("@"):
                self.table.selectRow(row)
                return

    def _selection_changed(self) -> None:
        cameo = self.selected_cameo()
        mine = bool(cameo and cameo.profile.owner_id == self.me.user_id)
        self.consent_box.setEnabled(mine)
        if cameo and cameo.record:
            index = self.mode.findData(cameo.record.policy.mode.value)
            if index >= 0:
                self.mode.setCurrentIndex(index)

    # --- actions (also the panel's API) --------------------------------------------------
    def _do(self, action, done: str) -> bool:
        try:
            action()
        except (StudioError, ValueError) as exc:
            self.status.setText(f"⚠ {exc}")
            return False
        self.status.setText(done)
        self.refresh()
        self.changed.emit()
        return True

    def add_cameo(self, handle: str, name: str, images: list[str | Path]) -> bool:
        return self._do(
            lambda: self.store.create(handle, name, [Path(p) for p in images], self.me),
            f"Created @{handle.lstrip('@')} (only you may use it)",
        )

    def set_policy(self, mode: str) -> bool:
        handle = self.selected_handle()
        if not handle:
            return False
        return self._do(
            lambda: self.store.set_policy(handle, self.me, mode=mode),
            f"@{handle}: {dict(MODES)[mode].lower()} may use it",
        )

    def grant(self, user_id: str) -> bool:
        handle = self.selected_handle()
        if not handle or not user_id.strip():
            self.status.setText("Select one of your cameos and enter a user id")
            return False
        return self._do(
            lambda: self.store.grant(handle, self.me, user_id.strip()),
            f"@{handle}: approved {user_id.strip()}; export the cameo to send it",
        )

    def revoke(self, user_id: str | None) -> bool:
        handle = self.selected_handle()
        if not handle:
            return False
        user = user_id.strip() if user_id else None
        return self._do(
            lambda: self.store.revoke(handle, self.me, user),
            f"@{handle}: consent withdrawn from {user or 'everyone'}, effective now",
        )

    def import_file(self, path: str | Path) -> bool:
        from studio.cameo.transfer import import_cameo

        return self._do(lambda: import_cameo(self.store, Path(path)), f"Imported {Path(path).name}")

    def export_file(self, path: str | Path) -> bool:
        from studio.cameo.transfer import export_cameo

        cameo = self.selected_cameo()
        if cameo is None:
            return False
        return self._do(lambda: export_cameo(cameo, Path(path)), f"Wrote {Path(path).name}")

    # --- dialogs ------------------------------------------------------------------------
    def _on_add(self) -> None:
        self.add_dialog().exec()

    def add_dialog(self) -> AddCameoDialog:
        """The New cameo dialog; it creates the cameo itself and stays open on an error."""

        def create(handle: str, name: str, images: list[Path]) -> None:
            self.store.create(handle, name, images, self.me)
            self.status.setText(f"Created @{handle.lstrip('@')} (only you may use it)")
            self.refresh()
            self.changed.emit()

        return AddCameoDialog(create, self)

    def _on_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import cameo", "", "Cameo files (*.cameo)")
        if path:
            self.import_file(path)

    def _on_export(self) -> None:
        cameo = self.selected_cameo()
        if cameo is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, "Export cameo", f"{cameo.handle}.cameo", "Cameo files (*.cameo)"
        )
        if path:
            self.export_file(path)

    def _on_remove(self) -> None:
        handle = self.selected_handle()
        if handle:
            self._do(lambda: self.store.remove(handle), f"Removed this machine's copy of @{handle}")
