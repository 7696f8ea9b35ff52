"""Menus and the toolbar. Shortcuts follow video-editor conventions and are shown in menus.

The Timeline and Playback menus are the widgets' own action lists (`TimelineView.edit_actions()`,
`PreviewPlayer.transport_actions()`), so a key never has two owners.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QLabel, QMenu

from studio.layout.storyboard import rebuild
from ui import settings
from ui.dialogs.gpu_engine import open_gpu_engine_dialog
from ui.farm import add_farm_item
from ui.generation import ANIMATIC, DIFFUSERS, diffusion_models, engines_available

GLOBAL_KEYS = {"Space", "J", "K", "L", "Left", "Right", "S", "M", "I", "O", "Home", "End"}


def _act(window, text, shortcut=None, slot=None, menu=None) -> QAction:
    act = QAction(text, window)
    if shortcut:
        act.setShortcut(QKeySequence(shortcut))
    if slot:
        act.triggered.connect(slot)
    if menu is not None:
        menu.addAction(act)
    return act


def build(w) -> None:
    bar = w.menuBar()
    _file_menu(w, bar.addMenu("&File"))
    _edit_menu(w, bar.addMenu("&Edit"))
    _storyboard_menu(w, bar.addMenu("&Storyboard"))
    w.timeline_menu = bar.addMenu("&Timeline")
    _widget_menu(w.timeline_menu, w.timeline.edit_actions())
    w.timeline_menu.addSeparator()
    w.act_add_title = _act(w, "Add Title…", "Ctrl+T", w.add_title, w.timeline_menu)
    w.playback_menu = bar.addMenu("&Playback")
    _widget_menu(w.playback_menu, w.player.transport_actions())
    view = bar.addMenu("&Window")
    for dock in w.docks.values():
        view.addAction(dock.toggleViewAction())
    view.addSeparator()
    _act(w, "Reset Layout", None, w.reset_layout, view)
    w.act_seconds = _act(w, "Show Time in Seconds", None, None, view)
    w.act_seconds.setCheckable(True)
    w.act_seconds.toggled.connect(w.set_seconds_mode)
    if settings.settings().value("view/seconds", False) in (True, "true"):
        w.act_seconds.setChecked(True)
    _act(w, "GPU Engine…", None, lambda: open_gpu_engine_dialog(w), bar.addMenu("&Settings"))
    help_menu = bar.addMenu("&Help")
    _act(w, "Keyboard Shortcuts", "F1", lambda: show_shortcuts(w), help_menu)
    _act(w, "About Storyboard Studio", None, w.about, help_menu)
    _toolbar(w)
    tooltips_with_shortcuts(w.toolbar)


def tooltips_with_shortcuts(toolbar) -> None:
    """Every toolbar button says what it does and its key."""
    for act in toolbar.actions():
        if act.isSeparator() or not act.text():
            continue
        key = act.shortcut().toString(QKeySequence.NativeText)
        text = act.text().replace("&", "").rstrip("…")
        act.setToolTip(f"{text} ({key})" if key else text)


def shortcut_rows(w) -> list[tuple[str, str, str]]:
    """(menu, action, keys) for every menu action with a shortcut, read from the actions
    themselves so the sheet cannot drift from the keys."""
    rows = []

    def walk(menu: QMenu, path: str) -> None:
        for act in menu.actions():
            if act.menu() is not None:
                walk(act.menu(), f"{path} › {act.text().replace('&', '')}")
            elif act.shortcuts():
                keys = ", ".join(k.toString(QKeySequence.NativeText) for k in act.shortcuts())
                rows.append((path, act.text().replace("&", ""), keys))

    for top in w.menuBar().actions():
        if top.menu() is not None:
            walk(top.menu(), top.text().replace("&", ""))
    return rows


def show_shortcuts(w) -> None:
    from PySide6.QtWidgets import QDialog, QTableWidget, QTableWidgetItem, QVBoxLayout

    rows = shortcut_rows(w)
    dialog = QDialog(w)
    dialog.setObjectName("shortcuts")
    dialog.setWindowTitle("Keyboard Shortcuts")
    table = QTableWidget(len(rows), 3, dialog)
    table.setHorizontalHeaderLabels(["Menu", "Action", "Keys"])
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(text))
    table.resizeColumnsToContents()
    table.verticalHeader().hide()
    table.setEditTriggers(QTableWidget.NoEditTriggers)
    QVBoxLayout(dialog).addWidget(table)
    dialog.resize(640, 560)
    w.shortcuts_dialog = dialog
    dialog.show()


def _file_menu(w, m: QMenu) -> None:
    f = w.files
    w.act_new = _act(w, "New Project…", QKeySequence.New, lambda: f.new(), m)
    w.act_open = _act(w, "Open…", QKeySequence.Open, lambda: f.open(), m)
    w.recent_menu = m.addMenu("Open Recent")
    w.recent_menu.aboutToShow.connect(lambda: _fill_recent(w))
    _act(w, "Import Storyboard…", "Ctrl+I", lambda: f.import_storyboard(), m)
    w.act_import_media = _act(w, "Import Media…", "Ctrl+Shift+I", lambda: f.import_media(), m)
    _act(w, "Export Storyboard Script…", None, lambda: f.export_storyboard(), m)
    m.addSeparator()
    w.act_settings = _act(w, "Project Settings…", "Ctrl+Shift+P", f.project_settings, m)
    m.addSeparator()
    w.act_save = _act(w, "Save", QKeySequence.Save, f.save, m)
    w.act_save_as = _act(w, "Save As…", "Ctrl+Shift+S", lambda: f.save_as(), m)
    m.addSeparator()
    w.act_export = _act(w, "Export…", "Ctrl+E", w.export, m)
    m.addSeparator()
    _act(w, "Quit", QKeySequence.Quit, w.close, m)


def _fill_recent(w) -> None:
    w.recent_menu.clear()
    items = settings.recent_projects()
    for path in items:
        w.recent_menu.addAction(path, lambda p=path: w.files.open(p))
    if not items:
        w.recent_menu.addAction("(none)").setEnabled(False)


def _edit_menu(w, m: QMenu) -> None:
    w.edit_menu = m
    w.act_undo = None
    w.act_redo = None
    bind_undo(w)


def bind_undo(w) -> None:
    """Undo/Redo actions named after the action they undo, from the open document's stack."""
    m = w.edit_menu
    stack = w.doc.undo_stack
    undo = stack.createUndoAction(w, "Undo")
    undo.setShortcut(QKeySequence("Ctrl+Z"))
    redo = stack.createRedoAction(w, "Redo")
    redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
    first = m.actions()[0] if m.actions() else None
    if w.act_undo is not None:
        first = w.act_undo
    m.insertAction(first, undo)
    m.insertAction(first, redo)
    for old in (w.act_undo, w.act_redo):
        if old is not None:
            m.removeAction(old)
            old.deleteLater()
    w.act_undo, w.act_redo = undo, redo


def _storyboard_menu(w, m: QMenu) -> None:
    sb = w.storyboard
    for act in (
        sb.act_add,
        sb.act_duplicate,
        sb.act_delete,
        None,
        sb.act_up,
        sb.act_down,
        None,
        sb.act_generate,
        sb.act_reroll,
        sb.act_generate_all,
        None,
        sb.act_remix,
        sb.act_blend,
    ):
        m.addSeparator() if act is None else m.addAction(act)
    m.addSeparator()
    _act(w, "Rebuild Timeline from Storyboard", None, lambda: rebuild_timeline(w), m)


def rebuild_timeline(w) -> None:
    """Lay the storyboard's tracks out afresh (drops hand edits on them; undoable)."""
    w.doc.apply(rebuild)


def _widget_menu(menu: QMenu, actions: list[QAction]) -> None:
    """A widget's own actions; plain keys (Space, J, K, L, arrows, S) work window-wide (text
    fields still get them through their shortcut override)."""
    for act in actions:
        if act.shortcut().toString() in GLOBAL_KEYS:
            act.setShortcutContext(Qt.WindowShortcut)
        menu.addAction(act)


def _choose_engine(w, data) -> None:
    backend, model = data or (ANIMATIC, None)
    w.ctx.generator.backend, w.ctx.generator.model = backend, model


class _ModelScan(QObject):
    """Scans installed models on a thread (it reads the model cache: ~1 s) and reports back."""

    found = Signal(list)

    def start(self) -> None:
        threading.Thread(
            target=lambda: self.found.emit(diffusion_models()), daemon=True, name="model-scan"
        ).start()


def _add_models(combo: QComboBox) -> None:
    scan = _ModelScan(combo)
    scan.found.connect(
        lambda models: [
            combo.addItem(f"Diffusion: {label}", (DIFFUSERS, mid)) for label, mid in models
        ]
    )
    scan.start()


def _toolbar(w) -> None:
    tb = w.addToolBar("Main")
    tb.setObjectName("toolbar-main")
    tb.setMovable(False)
    tb.setToolButtonStyle(Qt.ToolButtonTextOnly)
    w.toolbar = tb
    for act in (w.act_new, w.act_open, w.act_save, w.act_import_media):
        tb.addAction(act)
    tb.addSeparator()
    sb = w.storyboard
    for act in (sb.act_add, sb.act_generate, sb.act_generate_all):
        tb.addAction(act)
    tb.addSeparator()
    label = QLabel("  Engine ")
    label.setProperty("role", "dim")
    tb.addWidget(label)
    combo = QComboBox()
    combo.setMinimumWidth(200)
    combo.addItem("Animatic (no GPU)", (ANIMATIC, None))
    combo.currentIndexChanged.connect(lambda i: _choose_engine(w, combo.itemData(i)))
    w.engine_combo = combo
    add_farm_item(combo, w.ctx.bridge.engine)
    if DIFFUSERS in engines_available():
        QTimer.singleShot(300, combo, lambda: _add_models(combo))  # after the window is up
    tb.addWidget(combo)
    tb.addSeparator()
    tb.addAction(w.act_export)
