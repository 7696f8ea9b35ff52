"""The storyboard dock: shot cards with add/duplicate/delete/reorder and generate actions."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QMainWindow,
    QMenu,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from studio.bridge import bridge_shot
from studio.errors import StudioError
from studio.model import Operation, Shot
from studio.model.shot_edits import add_shots, delete_shots, duplicate_shots, move_shots
from ui.storyboard.card import ShotCardDelegate
from ui.storyboard.model import SHOT_ID_ROLE, ShotListModel


def _action(parent, text, shortcut=None, slot=None, tip="") -> QAction:
    act = QAction(text, parent)
    if shortcut:
        act.setShortcut(QKeySequence(shortcut))
        act.setShortcutContext(Qt.WidgetWithChildrenShortcut)
    if slot:
        act.triggered.connect(slot)
    act.setToolTip(tip or text)
    parent.addAction(act)
    return act


class StoryboardPanel(QWidget):
    selectionChanged = Signal(list)  # shot ids
    remixRequested = Signal(str)  # shot id
    blendRequested = Signal(list)  # shot ids
    bridgeRefused = Signal(str)  # why no bridge was made, for the status bar

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.model = ShotListModel(ctx.doc, self)
        self.view = QListView(self)
        self.view.setModel(self.model)
        self.view.setItemDelegate(ShotCardDelegate(ctx, self.view))
        self.view.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.view.setDragDropMode(QAbstractItemView.DragDrop)
        self.view.setDefaultDropAction(Qt.MoveAction)
        self.view.setDragEnabled(True)
        self.view.setAcceptDrops(True)
        self.view.setDropIndicatorShown(True)
        self.view.setUniformItemSizes(True)
        self.view.setResizeMode(QListView.ResizeMode.Adjust)  # cards follow the dock's width
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollPerPixel)
        self.view.setContextMenuPolicy(Qt.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.selectionModel().selectionChanged.connect(self._selection)
        self._make_actions()
        bar = QToolBar(self)
        bar.setToolButtonStyle(Qt.ToolButtonTextOnly)
        for act in (
            self.act_add,
            self.act_duplicate,
            self.act_delete,
            None,
            self.act_generate,
            self.act_generate_all,
        ):
            bar.addSeparator() if act is None else bar.addAction(act)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(bar)
        layout.addWidget(self.view)
        self._connect_document()
        ctx.documentChanged.connect(self._document_changed)
        ctx.generator.shotStatus.connect(lambda shot_id, _s: self.model.shot_changed(shot_id))
        ctx.thumbs.ready.connect(lambda _k: self.view.viewport().update())

    # --- actions ------------------------------------------------------------------------
    def _make_actions(self) -> None:
        self.act_add = _action(self, "Add Shot", "Ctrl+Shift+N", self.add_shot)
        self.act_duplicate = _action(self, "Duplicate", "Ctrl+D", self.duplicate_selected)
        self.act_delete = _action(self, "Delete Shot", "Delete", self.delete_selected)
        self.act_up = _action(self, "Move Shot Up", "Alt+Up", lambda: self.move_selected(-1))
        self.act_down = _action(self, "Move Shot Down", "Alt+Down", lambda: self.move_selected(1))
        self.act_generate = _action(
            self,
            "Generate",
            "Ctrl+G",
            self.generate_selected,
            "Generate a new take of the selected shots",
        )
        self.act_reroll = _action(self, "Reroll (new seed)", "Ctrl+R", self.reroll_selected)
        self.act_generate_all = _action(
            self, "Generate All", "Ctrl+Shift+G", self.ctx.generator.generate_all
        )
        self.act_remix = _action(self, "Remix…", None, lambda: self._emit_remix())
        self.act_blend = _action(
            self, "Blend…", None, lambda: self.blendRequested.emit(self.selected_ids())
        )
        self.act_bridge = _action(
            self,
            "Generate Bridge",
            None,
            self.generate_bridge,
            "Insert and generate a shot from the selected shot's last frame to the next "
            "shot's first frame",
        )
        self.act_variations = _action(
            self,
            "Generate Variations…",
            None,
            self._variations,
            "Generate N takes of the selected shot with N new seeds, as one batch",
        )
        self.act_takes = _action(
            self, "Takes…", None, self._takes, "Browse the shot's takes: play, pick, delete"
        )
        self.act_retake = _action(
            self,
            "Retake Span…",
            None,
            self._retake,
            "Generate a time range of the shot's current take again, keeping the rest",
        )
        self.act_generate.setShortcutContext(Qt.WindowShortcut)
        self.act_generate_all.setShortcutContext(Qt.WindowShortcut)

    def _emit_remix(self) -> None:
        ids = self.selected_ids()
        if ids:
            self.remixRequested.emit(ids[0])

    def _context_menu(self, pos) -> None:
        menu = QMenu(self)
        for act in (
            self.act_generate,
            self.act_reroll,
            self.act_remix,
            self.act_blend,
            self.act_bridge,
            None,
            self.act_variations,
            self.act_takes,
            self.act_retake,
            None,
            self.act_add,
            self.act_duplicate,
            self.act_delete,
            None,
            self.act_up,
            self.act_down,
        ):
            menu.addSeparator() if act is None else menu.addAction(act)
        menu.exec(self.view.viewport().mapToGlobal(pos))

    # --- takes --------------------------------------------------------------------------
    def _variations(self) -> list[str]:
        from ui.takes.retake_dialog import ask_variations

        ids = self.selected_ids()
        return ask_variations(self.ctx, ids[0], self) if ids else []

    def _takes(self):
        """Open the takes browser of the (first) selected shot."""
        from ui.takes.browser import TakesBrowser

        ids = self.selected_ids()
        if not ids:
            return None
        browser = TakesBrowser(self.ctx, ids[0], self)
        browser.setAttribute(Qt.WA_DeleteOnClose)
        browser.show()
        return browser

    def _retake(self):
        from ui.takes.retake_dialog import RetakeDialog

        ids = self.selected_ids()
        shot = self.doc.project.shot(ids[0]) if ids else None
        take = self.doc.project.takes.get(shot.current_take or "") if shot else None
        if take is None:
            self._refuse("This shot has no take yet: generate it first.")
            return None
        dialog = RetakeDialog(self.ctx, take, self)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.open()
        return dialog

    # --- selection ----------------------------------------------------------------------
    def selected_ids(self) -> list[str]:
        rows = sorted(i.row() for i in self.view.selectionModel().selectedIndexes())
        return [self.model.index(r).data(SHOT_ID_ROLE) for r in rows]

    def select(self, ids: list[str]) -> None:
        sel = self.view.selectionModel()
        sel.clearSelection()
        for shot_id in ids:
            row = self.model.row_of(shot_id)
            if row >= 0:
                sel.select(self.model.index(row), QItemSelectionModel.Select)
                sel.setCurrentIndex(self.model.index(row), QItemSelectionModel.NoUpdate)

    def _selection(self, *_args) -> None:
        self.selectionChanged.emit(self.selected_ids())

    # --- edits --------------------------------------------------------------------------
    @property
    def doc(self):
        return self.ctx.doc

    def add_shot(self) -> Shot:
        ids = self.selected_ids()
        at = self.model.row_of(ids[-1]) + 1 if ids else None
        shot = Shot(prompt="describe the shot", duration=3.0)
        self.doc.apply(add_shots, [shot], at)
        self.select([shot.id])
        return shot

    def duplicate_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        edit = self.doc.apply(duplicate_shots, ids)
        self.select(edit.new_shot_ids)

    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if ids:
            row = self.model.row_of(ids[0])
            self.doc.apply(delete_shots, ids)
            if self.model.rowCount():
                self.select([self.model.shot_at(min(row, self.model.rowCount() - 1)).id])

    def move_selected(self, delta: int) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        rows = [self.model.row_of(i) for i in ids]
        target = min(rows) + delta if delta < 0 else max(rows) + 1 + delta
        if delta < 0 and min(rows) == 0 or delta > 0 and max(rows) == self.model.rowCount() - 1:
            return
        self.doc.apply(move_shots, ids, max(0, target))
        self.select(ids)

    def generate_selected(self) -> list[str]:
        return self.ctx.generator.generate(self.selected_ids())

    def reroll_selected(self) -> list[str]:
        return self.ctx.generator.generate(self.selected_ids(), Operation.REROLL)

    def bridge_pair(self) -> tuple[Shot, Shot] | None:
        """The two adjacent shots a bridge joins: the two selected, or the selected and the
        next."""
        shots = self.doc.project.shots
        rows = sorted(self.model.row_of(i) for i in self.selected_ids())
        if len(rows) == 1:
            rows.append(rows[0] + 1)
        if len(rows) != 2 or rows[1] != rows[0] + 1 or rows[1] >= len(shots) or rows[0] < 0:
            return None
        return shots[rows[0]], shots[rows[1]]

    def generate_bridge(self) -> Shot | None:
        """Insert a shot from the first shot's last frame to the second's first frame (one
        undoable edit) and queue it."""
        pair = self.bridge_pair()
        if pair is None:
            self._refuse("select two adjacent shots (or one, to bridge to the next)")
            return None
        try:
            shot = bridge_shot(self.doc.bundle, *pair)
        except (StudioError, OSError) as exc:
            self._refuse(f"cannot make a bridge: {exc}")
            return None
        self.doc.apply(add_shots, [shot], self.model.row_of(pair[1].id), "Generate bridge")
        self.select([shot.id])
        self.ctx.generator.generate([shot.id])
        return shot

    def _refuse(self, message: str) -> None:
        self.bridgeRefused.emit(message)
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(message, 5000)

    # --- document -----------------------------------------------------------------------
    def _connect_document(self) -> None:
        doc = self.ctx.doc
        old = getattr(self, "_connected", None)
        if old is doc:
            return
        if old is not None:
            old.edited.disconnect(self._edited)
        self._connected = doc
        doc.edited.connect(self._edited)

    def _document_changed(self) -> None:
        self.model.set_document(self.ctx.doc)
        self._connect_document()

    def _edited(self, edit) -> None:
        """The one change signal: re-read the list after add/delete/move, else the cards."""
        if edit.shots_reordered:
            keep = self.selected_ids()
            if self.model.sync():  # a reset loses the selection: put it back
                self.select([i for i in keep if self.model.row_of(i) >= 0])
            return
        for shot_id in edit.shot_ids:
            self.model.shot_changed(shot_id)
        if edit.take_ids or "cast" in edit.field_names:
            self.view.viewport().update()  # thumbnails, or the cast chips of every card
