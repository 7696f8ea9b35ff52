"""New Project and Project Settings (issue 14): templates, one undoable edit, fps re-fit,
round trip through save/open, and the empty window's guidance."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from studio.bundle import Bundle
from studio.layout.landing import land_take
from studio.model import FitMode, OutputFormat, Project
from studio.model.project_edits import set_project_settings
from tests.ui.conftest import add_take_file
from ui.dialogs.project_settings import TEMPLATES, ProjectSettingsDialog


def _land(doc, shot) -> None:
    take = add_take_file(doc.bundle, shot, frames=12)
    del doc.project.takes[take.id]  # landed through the edit path
    doc.apply(land_take, take)


def _answer(qtbot, fill) -> None:
    """Fill the next modal project dialog (once it is open) and accept it."""

    def run():
        for w in QApplication.topLevelWidgets():
            if isinstance(w, ProjectSettingsDialog) and w.isVisible():
                fill(w)
                return
        QTimer.singleShot(20, run)

    QTimer.singleShot(20, run)


def test_new_project_dialog_uses_the_template(window, qtbot):
    def fill(d):
        d.template.setCurrentIndex(1 + TEMPLATES.index(TEMPLATES[1]))  # YouTube
        d.title.setText("My channel intro")
        d.fit.setCurrentIndex(d.fit.findData(FitMode.BLUR))
        d.accept()

    _answer(qtbot, fill)
    assert window.files.new()
    p = window.doc.project
    assert (p.title, p.format, p.fps, p.fit) == (
        "My channel intro",
        OutputFormat.WIDESCREEN,
        30,
        FitMode.BLUR,
    )
    assert window.empty_hint.isVisible() and not window.player.isVisible()
    window.empty_hint.buttons["add"].click()
    assert len(window.doc.project.shots) == 1
    assert not window.empty_hint.isVisible() and window.player.isVisible()


def test_new_project_dialog_keeps_input_without_title(window, qtbot):
    def fill(d):
        d.title.setText("   ")
        d.fps.setCurrentIndex(d.fps.findData(25))
        d.findChild(type(d.title))  # the form is still there
        d._accept()
        assert d.isVisible() and d.error.isVisible() and d.fps.currentData() == 25
        d.reject()

    _answer(qtbot, fill)
    old = window.doc
    assert not window.files.new()
    assert window.doc is old


def test_settings_are_one_undoable_edit_and_refit_the_timeline(window, qtbot):
    doc = window.doc
    shot = doc.project.shots[0]
    _land(doc, shot)
    before = [(c.start, c.duration) for t in doc.project.tracks for c in t.clips]
    seconds = [(s / 24, d / 24) for s, d in before]
    assert before

    def fill(d):
        d.title.setText("Renamed")
        d.format.setCurrentIndex(d.format.findData(OutputFormat.SQUARE))
        d.fps.setCurrentIndex(d.fps.findData(30))
        d.accept()

    _answer(qtbot, fill)
    count = doc.undo_stack.count()
    assert window.files.project_settings()
    assert doc.undo_stack.count() == count + 1
    p = doc.project
    assert (p.title, p.format, p.fps) == ("Renamed", OutputFormat.SQUARE, 30)
    after = [(c.start / 30, c.duration / 30) for t in p.tracks for c in t.clips]
    for (s0, d0), (s1, d1) in zip(seconds, after, strict=True):
        assert abs(s0 - s1) <= 1 / 30 and abs(d0 - d1) <= 1 / 30
    assert window.player.screen.aspect == 1.0
    doc.undo_stack.undo()
    assert (p.title, p.format, p.fps) == ("Test film", OutputFormat.VERTICAL, 24)
    assert [(c.start, c.duration) for t in p.tracks for c in t.clips] == before
    doc.undo_stack.redo()
    doc.save()
    again = Bundle.load(doc.bundle.path).project
    assert (again.title, again.format, again.fps) == ("Renamed", OutputFormat.SQUARE, 30)


def test_bad_settings_are_refused_with_nothing_changed():
    project = Project(title="x")
    import pytest

    from studio.model.edit import EditError

    with pytest.raises(EditError, match="fps"):
        set_project_settings(project, fps=29)
    with pytest.raises(EditError, match="title"):
        set_project_settings(project, title="")
    assert project.fps == 24 and project.title == "x"


def test_timecode_everywhere_and_seconds_option(window, qtbot):
    """Player, ruler and inspector use HH:MM:SS:FF at the project fps; the View option
    switches all of them to seconds."""
    doc = window.doc
    _land(doc, doc.project.shots[0])
    window.player.seek(10)
    assert window.player.time_label.text() == "00:00:00:10"
    clip = doc.project.tracks[0].clips[0]
    window.timeline.select(clip.id)
    assert "00:00:00:00 → " in window.inspector.clip.timing.text()
    window.act_seconds.setChecked(True)
    try:
        assert window.player.time_label.text() == "0.42 s"
        assert window.timeline.seconds_mode
        assert " s → " in window.inspector.clip.timing.text()
    finally:
        window.act_seconds.setChecked(False)
    assert window.player.time_label.text() == "00:00:00:10"
