"""The Cast panel: the project's characters and consented cameos, who act across shots.

A character has a name (how prompts name it), a description and reference pictures; each
picture is checked when it is picked and copied into the bundle's media/ like other imports.
A cameo is added from the profiles on this machine that give you consent; her pictures stay in
her profile. Every change is a cast edit (studio.model.cast_edits) on the undo stack; the
panel re-reads the cast after each edit that touches it (undo and redo included).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QImage, QPainter, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio.cameo.identity import load_identity
from studio.cameo.store import CameoStore
from studio.engine.animatic.characters import cast_look
from studio.errors import InputError, Location, StudioError
from studio.media.check import IMAGE_SUFFIXES
from studio.media.importing import check_media
from studio.model.cast import MAX_CAST_IMAGES, CastMember
from studio.model.cast_edits import add_cast_member, remove_cast_member, set_cast_member
from studio.model.edit import Edit
from studio.model.timeline import MediaKind

ICON = 40
PICTURE_FILTER = "Pictures ({})".format(" ".join(f"*{s}" for s in sorted(IMAGE_SUFFIXES)))
MEMBER_ID_ROLE = Qt.UserRole + 1


def picture_problem(path: str | Path) -> str | None:
    """Why a file cannot be a cast picture (named), or None: checked as the bundle reads it."""
    try:
        kind, _ = check_media(Path(path))
    except (StudioError, OSError) as exc:
        return f"{Path(path).name}: {exc}"
    if kind != MediaKind.IMAGE:
        return f"{Path(path).name}: not a picture"
    return None


def consented_handles(store: CameoStore | None = None) -> list[str]:
    """Handles of the cameos on this machine whose consent lets *you* use them now."""
    me = load_identity()
    try:
        cameos = (store or CameoStore()).all()
    except (StudioError, OSError):
        return []
    return [c.handle for c in cameos if c.decision(me.user_id).allowed]


class CharacterDialog(QDialog):
    """Name, description and pictures of a fictional character (new or edited)."""

    def __init__(self, member: CastMember | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Edit character" if member else "New character")
        self.name = QLineEdit(member.name if member else "", placeholderText="Oro")
        self.description = QPlainTextEdit(member.description if member else "")
        self.description.setPlaceholderText("a small orange robot with one round blue eye")
        self.description.setMaximumHeight(80)
        self.pictures = QListWidget()
        self.pictures.setMaximumHeight(90)
        for path in member.images if member else []:
            self.pictures.addItem(path)
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.setProperty("role", "dim")
        add, remove = QPushButton("Add pictures…"), QPushButton("Remove picture")
        add.clicked.connect(lambda: self.add_pictures())
        remove.clicked.connect(self._remove_picture)
        form = QFormLayout(self)
        form.addRow("Name", self.name)
        form.addRow("Description", self.description)
        form.addRow("Pictures", self.pictures)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(remove)
        form.addRow(row)
        form.addRow(self.problems)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def add_pictures(self, paths: list[str] | None = None) -> list[str]:
        """Check each picked file at once; good ones are listed, refused ones named."""
        if paths is None:
            paths, _ = QFileDialog.getOpenFileNames(self, "Reference pictures", "", PICTURE_FILTER)
        added, problems = [], []
        for path in paths:
            problem = picture_problem(path)
            if problem:
                problems.append(problem)
            elif self.pictures.count() >= MAX_CAST_IMAGES:
                problems.append(f"a character has at most {MAX_CAST_IMAGES} pictures")
                break
            else:
                self.pictures.addItem(str(path))
                added.append(str(path))
        self.problems.setText("\n".join(f"⚠ {p}" for p in problems))
        return added

    def _remove_picture(self) -> None:
        for item in self.pictures.selectedItems():
            self.pictures.takeItem(self.pictures.row(item))

    def values(self) -> tuple[str, str, list[str]]:
        pictures = [self.pictures.item(i).text() for i in range(self.pictures.count())]
        return self.name.text().strip(), self.description.toPlainText().strip(), pictures


class CameoPickDialog(QDialog):
    """Choose one of the cameos you have consent for."""

    def __init__(self, handles: list[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Add a cameo to the cast")
        self.handle = QComboBox()
        self.handle.addItems([f"@{h}" for h in handles])
        form = QFormLayout(self)
        if handles:
            form.addRow("Cameo", self.handle)
        else:
            form.addRow(QLabel("No cameo on this machine gives you consent (see Cameos)."))
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setEnabled(bool(handles))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class CastPanel(QWidget):
    """Lists the cast; adds, edits and removes members through undoable edits."""

    memberActivated = Signal(str)  # a member's key, double-clicked (e.g. to type it)

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.cameo_store: CameoStore | None = None  # None: the user's own cameo folder
        self.list = QListWidget()
        self.list.setIconSize(QSize(ICON, ICON))
        self.list.setWordWrap(True)
        self.list.setSelectionMode(QListWidget.SingleSelection)
        self.list.itemDoubleClicked.connect(lambda _i: self._on_edit())
        self.list.itemSelectionChanged.connect(self._selection_changed)
        self.add_character_button = QPushButton("Add character…")
        self.add_cameo_button = QPushButton("Add cameo…")
        self.edit_button = QPushButton("Edit…")
        self.remove_button = QPushButton("Remove")
        self.add_character_button.clicked.connect(self._on_add_character)
        self.add_cameo_button.clicked.connect(self._on_add_cameo)
        self.edit_button.clicked.connect(self._on_edit)
        self.remove_button.clicked.connect(lambda: self.remove_member(self.selected_id() or ""))
        self.hint = QLabel(
            "Name a member in a prompt (Oro, @maya): it acts in that shot, drawn alike in each."
        )
        self.hint.setWordWrap(True)
        self.hint.setProperty("role", "dim")
        self.status = QLabel()
        self.status.setWordWrap(True)
        root = QVBoxLayout(self)
        root.addWidget(self.list, 1)
        row = QHBoxLayout()
        for button in (self.add_character_button, self.add_cameo_button):
            row.addWidget(button)
        root.addLayout(row)
        row = QHBoxLayout()
        for button in (self.edit_button, self.remove_button):
            row.addWidget(button)
        root.addLayout(row)
        root.addWidget(self.hint)
        root.addWidget(self.status)
        self._doc = None
        ctx.documentChanged.connect(self._document_changed)
        self._document_changed()

    # --- document -----------------------------------------------------------------------
    def _document_changed(self) -> None:
        if self._doc is not None:
            self._doc.edited.disconnect(self._edited)
        self._doc = self.ctx.doc
        self._doc.edited.connect(self._edited)
        self.refresh()

    def _edited(self, edit: Edit) -> None:
        if "cast" in edit.field_names:
            self.refresh()

    def refresh(self) -> None:
        """Re-read the cast (keeping the selection)."""
        keep = self.selected_id()
        self.list.clear()
        for member in self.ctx.doc.project.cast:
            item = QListWidgetItem(self._icon(member), self._label(member))
            item.setData(MEMBER_ID_ROLE, member.id)
            item.setToolTip(member.description or member.key)
            self.list.addItem(item)
            if member.id == keep:
                item.setSelected(True)
        self._selection_changed()

    def _label(self, member: CastMember) -> str:
        if member.is_cameo:
            return f"{member.key}  ·  cameo\npictures from the consented profile only"
        pictures = len(member.images)
        extra = f"  ·  {pictures} picture{'s' if pictures != 1 else ''}" if pictures else ""
        text = member.description[:70] + ("…" if len(member.description) > 70 else "")
        return f"{member.key}{extra}\n{text}" if text else f"{member.key}{extra}"

    def _icon(self, member: CastMember) -> QIcon:
        """The first picture of a character, else a swatch of the colours the animatic uses."""
        if member.images:
            image = QImage(str(self.ctx.doc.resolve(member.images[0])))
            if not image.isNull():
                return QIcon(QPixmap.fromImage(image.scaled(ICON, ICON, Qt.KeepAspectRatio)))
        look = cast_look(member.key, member.description)
        pix = QPixmap(ICON, ICON)
        pix.fill(Qt.transparent)
        p = QPainter(pix)
        p.setRenderHint(QPainter.Antialiasing)
        p.setPen(Qt.NoPen)
        p.setBrush(QColor(*look.body))
        p.drawRoundedRect(6, 14, ICON - 12, ICON - 14, 6, 6)
        p.setBrush(QColor(*look.accent))
        p.drawEllipse(ICON // 2 - 8, 0, 16, 16)
        p.end()
        return QIcon(pix)

    def selected_id(self) -> str | None:
        items = self.list.selectedItems()
        return items[0].data(MEMBER_ID_ROLE) if items else None

    def select(self, member_id: str) -> None:
        for i in range(self.list.count()):
            item = self.list.item(i)
            item.setSelected(item.data(MEMBER_ID_ROLE) == member_id)

    def _member(self, member_id: str | None) -> CastMember | None:
        return next((m for m in self.ctx.doc.project.cast if m.id == member_id), None)

    def _selection_changed(self) -> None:
        member = self._member(self.selected_id())
        self.remove_button.setEnabled(member is not None)
        self.edit_button.setEnabled(member is not None and not member.is_cameo)

    # --- actions (also the panel's API) ---------------------------------------------------
    def _apply(self, op, *args, done: str, **kwargs) -> bool:
        try:
            self.ctx.doc.apply(op, *args, **kwargs)
        except (StudioError, ValueError) as exc:  # EditError is a ValueError
            self.status.setText(f"⚠ {exc}")
            return False
        self.status.setText(done)
        return True

    def import_pictures(self, paths: list[str | Path]) -> list[str]:
        """Check and copy pictures into the bundle's media/; bundle-relative paths back.
        InputError names the first file that is refused (nothing is listed then)."""
        out = []
        for path in paths:
            problem = picture_problem(path)
            if problem:
                raise InputError(problem, Location(file=str(path)))
            out.append(self.ctx.doc.bundle.import_media(Path(path)))
        return out

    def add_character(self, name: str, description: str = "", pictures=()) -> bool:
        if not name.strip():
            self.status.setText("⚠ a character needs a name")
            return False
        try:
            images = self.import_pictures(list(pictures))
        except (StudioError, OSError) as exc:
            self.status.setText(f"⚠ {exc}")
            return False
        member = CastMember(name=name.strip(), description=description, images=images)
        ok = self._apply(add_cast_member, member, done=f"Added {member.key} to the cast")
        if ok:
            self.select(member.id)
        return ok

    def add_cameo(self, handle: str) -> bool:
        handle = handle.strip().lstrip("@").lower()
        if handle not in consented_handles(self.cameo_store):
            self.status.setText(f"⚠ @{handle}: no consent on this machine lets you use it")
            return False
        member = CastMember(cameo=handle)
        ok = self._apply(add_cast_member, member, done=f"Added @{handle} to the cast")
        if ok:
            self.select(member.id)
        return ok

    def edit_member(self, member_id: str, **changes) -> bool:
        """Change name, description or pictures; pictures outside the bundle are imported."""
        member = self._member(member_id)
        if member is None:
            return False
        if "images" in changes:
            try:
                changes["images"] = [
                    p if p in member.images else self.import_pictures([p])[0]
                    for p in changes["images"]
                ]
            except (StudioError, OSError) as exc:
                self.status.setText(f"⚠ {exc}")
                return False
        return self._apply(set_cast_member, member_id, done=f"Changed {member.key}", **changes)

    def remove_member(self, member_id: str) -> bool:
        member = self._member(member_id)
        if member is None:
            return False
        return self._apply(remove_cast_member, member_id, done=f"Removed {member.key}")

    # --- dialogs ------------------------------------------------------------------------
    def _on_add_character(self) -> None:
        dialog = CharacterDialog(parent=self)
        if dialog.exec() == QDialog.Accepted:
            self.add_character(*dialog.values())

    def _on_add_cameo(self) -> None:
        dialog = CameoPickDialog(consented_handles(self.cameo_store), self)
        if dialog.exec() == QDialog.Accepted and dialog.handle.currentText():
            self.add_cameo(dialog.handle.currentText())

    def _on_edit(self) -> None:
        member = self._member(self.selected_id())
        if member is None or member.is_cameo:
            return
        dialog = CharacterDialog(member, self)
        if dialog.exec() == QDialog.Accepted:
            name, description, pictures = dialog.values()
            self.edit_member(member.id, name=name, description=description, images=pictures)
