"""Export from the dialog on a worker thread; the file is read back with PyAV."""

from __future__ import annotations

import threading

import av
import pytest

from studio.layout.storyboard import rebuild
from studio.model import OutputFormat
from tests.ui.conftest import add_take_file
from ui.dialogs.export import ExportDialog
from ui.dialogs.export_job import ExportJob


@pytest.fixture
def edited(window):
    doc = window.doc
    for shot in doc.project.shots[:2]:
        shot.current_take = add_take_file(doc.bundle, shot, frames=6).id
        shot.duration = 0.25
    doc.apply(rebuild)
    return window


def test_export_tiktok_preset_from_dialog(edited, qtbot, tmp_path):
    dialog = ExportDialog(edited.ctx, edited)
    dialog.select_platform("tiktok")
    assert dialog.selected_format() == OutputFormat.VERTICAL and dialog.fps.currentData() == 30
    dest = tmp_path / "out" / "film.mp4"
    dialog.dest.setText(str(dest))
    ui_thread = threading.get_ident()
    with qtbot.waitSignal(dialog.btn_export.clicked):
        dialog.btn_export.click()
    assert dialog.job is not None and dialog.job.thread.ident != ui_thread  # off the UI thread
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=120_000)
    assert dialog.bar.value() == 100 and "Exported 1080×1920" in dialog.status.text()
    with av.open(str(dest)) as f:
        video = f.streams.video[0]
        assert (video.codec_context.width, video.codec_context.height) == (1080, 1920)
        assert video.average_rate == 30
        frames = sum(1 for _ in f.decode(video=0))
        assert frames == 15  # 12 frames at 24 fps = 0.5 s = 15 frames at 30 fps
        assert f.streams.audio, "every export carries an audio track"


def test_cancel_export_leaves_no_file(edited, qtbot, tmp_path, monkeypatch):
    dialog = ExportDialog(edited.ctx, edited)
    dialog.set_format(OutputFormat.SQUARE)
    dest = tmp_path / "cancelled.mp4"
    dialog.dest.setText(str(dest))
    # hold the worker at its first progress report, then cancel from the dialog
    gate = threading.Event()
    reached = threading.Event()
    original = ExportJob._progress

    def slow(job, done, total):
        original(job, done, total)
        reached.set()
        gate.wait(5)

    monkeypatch.setattr(ExportJob, "_progress", slow)
    assert dialog.start()
    assert reached.wait(30)
    dialog.btn_cancel.click()
    gate.set()
    qtbot.waitUntil(lambda: not dialog.job.running(), timeout=60_000)
    qtbot.waitUntil(lambda: "cancelled" in dialog.status.text(), timeout=5000)
    assert not dest.exists()
    assert not list(tmp_path.glob(".cancelled*"))  # no staged leftovers


def test_empty_timeline_is_a_clear_message(window, tmp_path):
    dialog = ExportDialog(window.ctx, window)
    dialog.dest.setText(str(tmp_path / "x.mp4"))
    assert dialog.start()
    dialog.job.thread.join(30)
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()
    assert "nothing to export" in dialog.status.text()
    assert not (tmp_path / "x.mp4").exists()


def test_quality_choice_picks_the_draft_encoder(window):
    dialog = ExportDialog(window.ctx, window)
    assert dialog.settings().quality == "final" and dialog.settings().preset == "medium"
    dialog.select_platform("reels")
    dialog.quality.setCurrentIndex(dialog.quality.findData("draft"))
    settings = dialog.settings()
    assert (settings.quality, settings.preset, settings.platform) == ("draft", "superfast", "reels")
    settings.validate()


def test_export_asks_before_overwriting_and_resets(edited, qtbot, tmp_path, monkeypatch):
    """Issue 14: an existing file is replaced only after a Yes; the bar starts from zero; a
    finished export offers Show in Folder and Play."""
    from PySide6.QtWidgets import QMessageBox

    dest = tmp_path / "film.mp4"
    dest.write_bytes(b"keep me")
    dialog = ExportDialog(edited.ctx, edited)
    dialog.quality.setCurrentIndex(dialog.quality.findData("draft"))
    dialog.dest.setText(str(dest))
    dialog.bar.setValue(100)  # as a previous export left it
    asked = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.No
    )
    assert not dialog.start()
    assert asked and "film.mp4" in asked[0] and dest.read_bytes() == b"keep me"
    assert dialog.job is None
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Yes)
    assert dialog.start()
    assert dialog.bar.value() < 100 and not dialog.btn_play.isVisible()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=120_000)
    assert dest.read_bytes() != b"keep me"
    dialog.show()
    assert dialog.btn_folder.isVisible() and dialog.btn_play.isVisible()
    dialog.close()
