"""A title clip added through its dialog shows in the player (issue 14)."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from studio.layout.landing import land_take
from tests.ui.conftest import add_take_file
from ui.dialogs.title import TitleDialog


def _yellow_pixels(image) -> int:
    count = 0
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            c = QColor(image.pixel(x, y))
            count += c.red() > 180 and c.green() > 180 and c.blue() < 90
    return count


def test_title_dialog_adds_a_clip_the_player_shows(window, qtbot):
    doc = window.doc
    shot = doc.project.shots[0]
    take = add_take_file(doc.bundle, shot, frames=12)
    del doc.project.takes[take.id]
    doc.apply(land_take, take)

    def fill():
        for w in QApplication.topLevelWidgets():
            if isinstance(w, TitleDialog) and w.isVisible():
                w.text.setPlainText("")
                w._accept()  # refused: the dialog stays with its input
                assert w.isVisible() and w.error.isVisible()
                w.text.setPlainText("BIG TITLE")
                w.size.setValue(300)
                w.colour.setText("#ffff00")
                w.fade_in.setValue(0)
                w.accept()
                return
        QTimer.singleShot(20, fill)

    QTimer.singleShot(20, fill)
    window.act_add_title.trigger()
    titles = [c for t in doc.project.tracks for c in t.clips if c.title]
    assert len(titles) == 1 and titles[0].title.text == "BIG TITLE"
    assert titles[0].fade_in == 0 and doc.undo_stack.undoText() == "Add title"
    window.player.seek(2)
    qtbot.waitUntil(lambda: window.player.current_image() is not None, timeout=5000)
    qtbot.waitUntil(lambda: _yellow_pixels(window.player.current_image()) > 20, timeout=5000)
    doc.undo_stack.undo()
    qtbot.waitUntil(lambda: _yellow_pixels(window.player.current_image()) == 0, timeout=5000)
