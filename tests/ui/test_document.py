"""Document behaviour: title and dirty state, save / save as / recent, autosave after an edit,
a simulated crash and the restore offered on the next start, layout remembered, quit asks."""

from __future__ import annotations

import json

from PySide6.QtWidgets import QDockWidget, QMessageBox

from studio.bundle import AUTOSAVE_FILE, Bundle
from studio.model import Project
from ui import settings
from ui.document import Document
from ui.main_window import MainWindow


def test_title_shows_unsaved_state_and_save_clears_it(window, bundle):
    assert window.windowTitle() == "film[*] — Storyboard Studio"
    assert not window.isWindowModified()
    window.storyboard.act_add.trigger()
    assert window.isWindowModified()
    window.act_save.trigger()
    assert not window.isWindowModified()
    saved = json.loads((bundle.path / "project.json").read_text())
    assert len(saved["shots"]) == 4
    assert str(bundle.path) in settings.recent_projects()
    window.act_undo.trigger()  # undoing past the save point is unsaved again
    assert window.isWindowModified()


def test_autosave_crash_and_restore(qtbot, bundle, engine, monkeypatch):
    doc = Document.open(bundle.path)
    win = MainWindow(doc, engine)
    win.offer_recovery_on_show = False
    win.show()
    doc.autosave_timer.setInterval(50)  # 30 s in the product; the same timer, shortened
    shot = doc.project.shots[0]
    win.storyboard.select([shot.id])
    win.inspector.shot.prompt.selectAll()
    qtbot.keyClicks(win.inspector.shot.prompt, "recovered prompt")
    with qtbot.waitSignal(doc.autosaved, timeout=5000):
        pass
    autosave = bundle.path / AUTOSAVE_FILE
    assert autosave.is_file()
    on_disk = json.loads((bundle.path / "project.json").read_text())
    assert on_disk["shots"][0]["prompt"] != "recovered prompt"  # never over the user's save
    # simulated crash: the window goes away without saving or asking
    monkeypatch.setattr(win.files, "maybe_save", lambda: True)
    win.close()
    del win, doc

    # next start: opening the project offers the restore; the user accepts
    asked = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda *a, **k: asked.append(a[1]) or QMessageBox.Yes
    )
    fresh = MainWindow(Document.new(), engine)
    fresh.show()
    assert fresh.files.open_path(bundle.path)
    assert asked == ["Restore unsaved work?"]
    assert fresh.doc.project.shots[0].prompt == "recovered prompt"
    assert fresh.isWindowModified()  # restored work is unsaved until saved
    assert fresh.storyboard.model.rowCount() == 3
    fresh.act_save.trigger()
    assert not autosave.exists()
    assert Bundle.load(bundle.path).project.shots[0].prompt == "recovered prompt"
    fresh.close()


def test_declining_restore_discards_it(qtbot, bundle, engine, monkeypatch):
    doc = Document.open(bundle.path)
    doc.project.shots[0].prompt = "lost on purpose"
    doc.bundle.autosave()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.No)
    win = MainWindow(Document.new(), engine)
    assert win.files.open_path(bundle.path)
    assert win.doc.project.shots[0].prompt == "shot number 0 in a red room"
    assert not (bundle.path / AUTOSAVE_FILE).exists()
    win.close()


def test_quit_with_unsaved_changes_asks(window, monkeypatch):
    window.storyboard.act_add.trigger()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Cancel)
    assert not window.close()  # cancelled: the window stays
    assert window.isVisible()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Save)
    assert window.close()
    assert len(Bundle.load(window.doc.bundle.path).project.shots) == 4


def test_new_and_save_as_moves_scratch_bundle(window, tmp_path, qtbot):
    window.files.new(Project())
    doc = window.doc
    assert doc.untitled and doc.project.shots == []
    scratch = doc.bundle.path
    window.storyboard.act_add.trigger()
    assert window.files.save_as(tmp_path / "mine")
    assert doc.bundle.path == tmp_path / "mine.sbproj" and not doc.untitled
    assert not scratch.exists()
    assert window.windowTitle() == "mine[*] — Storyboard Studio"
    assert len(Bundle.load(tmp_path / "mine.sbproj").project.shots) == 1


def test_open_rebuilds_views_and_undo_stack(window, tmp_path, bundle):
    other = Bundle.create(tmp_path / "other.sbproj", bundle.project.model_copy(deep=True))
    other.project.shots = other.project.shots[:1]
    other.save()
    window.storyboard.act_add.trigger()
    window.doc.undo_stack.setClean()
    assert window.files.open(other.path)
    assert window.storyboard.model.rowCount() == 1
    assert window.doc.undo_stack.count() == 0 and window.act_undo.text() == "Undo"
    assert window.timeline.project is window.doc.project
    window.storyboard.act_add.trigger()
    assert window.act_undo.text() == "Undo Add shot"  # Edit menu follows the new stack


def test_dock_layout_is_remembered(qtbot, bundle, engine):
    win = MainWindow(Document.open(bundle.path), engine)
    win.show()
    win.docks["presets"].hide()
    win.removeDockWidget(win.docks["inspector"])
    win.addDockWidget(win.dockWidgetArea(win.docks["storyboard"]), win.docks["inspector"])
    win.docks["inspector"].show()
    win.close()
    again = MainWindow(Document.open(bundle.path), engine)
    again.show()
    assert again.docks["presets"].isHidden()
    assert again.dockWidgetArea(again.docks["inspector"]) == again.dockWidgetArea(
        again.docks["storyboard"]
    )
    again.reset_layout()
    assert not again.docks["presets"].isHidden()
    assert isinstance(again.docks["timeline"], QDockWidget)
    again.close()


def test_menus_show_editor_shortcuts(window):
    texts = {}
    for menu_action in window.menuBar().actions():
        for act in menu_action.menu().actions():
            if not act.shortcut().isEmpty():
                texts[act.text()] = act.shortcut().toString()
    assert texts["Undo"] == "Ctrl+Z" and texts["Redo"] == "Ctrl+Shift+Z"
    shortcuts = set(texts.values())
    for key in (
        "Space",
        "J",
        "K",
        "L",
        "Left",
        "Right",
        "S",
        "Del",
        "Shift+Del",
        "Ctrl+S",
        "Ctrl+E",
        "Ctrl+G",
    ):
        assert key in shortcuts, key


def test_untitled_work_left_by_a_crash_reopens_on_the_next_start(qtbot, engine):
    from studio.model import Project, Shot
    from ui.app import open_document

    doc = Document.new(Project(title="never saved", shots=[Shot(prompt="a kite over dunes")]))
    doc.project.shots[0].prompt = "a red kite over dunes"
    doc.bundle.autosave()  # what the autosave timer writes; then the app dies, unsaved
    scratch = doc.bundle.path
    del doc

    again = open_document(None)
    assert again.bundle.path == scratch and again.untitled
    assert again.has_recovery()  # the window offers the restore when it shows
    again.recover()
    assert again.project.shots[0].prompt == "a red kite over dunes" and again.dirty


def test_export_storyboard_script_from_the_file_menu(window, tmp_path):
    from studio.script import load_storyboard

    window.storyboard.act_add.trigger()
    out = tmp_path / "board.toml"
    assert window.files.export_storyboard(out)
    board = load_storyboard(out)
    assert [s.prompt for s in board.script.shot] == [s.prompt for s in window.doc.project.shots]
