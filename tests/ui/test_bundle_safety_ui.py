"""Issue 10 in the editor: a damaged project.json offers the newest readable copy (autosave or
backup), opened unsaved with neither copy touched; a picked reference image is copied in."""

from __future__ import annotations

import os

from PySide6.QtWidgets import QMessageBox

from studio.bundle import AUTOSAVE_FILE, BACKUP_FILE, PROJECT_FILE, Bundle
from ui.document import Document
from ui.main_window import MainWindow


def _damage(bundle: Bundle) -> dict[str, tuple[bytes, int]]:
    bundle.project.title = "second save"
    bundle.save()  # the backup holds the first save
    bundle.project.title = "autosaved work"
    bundle.autosave()
    os.utime(bundle.path / BACKUP_FILE, (1_000_000, 1_000_000))
    (bundle.path / PROJECT_FILE).write_bytes(b'{"schema_version": 1, "ti')
    return {
        n: ((bundle.path / n).read_bytes(), (bundle.path / n).stat().st_mtime_ns)
        for n in (AUTOSAVE_FILE, BACKUP_FILE)
    }


def _unchanged(bundle: Bundle, before) -> bool:
    return before == {
        n: ((bundle.path / n).read_bytes(), (bundle.path / n).stat().st_mtime_ns)
        for n in (AUTOSAVE_FILE, BACKUP_FILE)
    }


def test_damaged_project_offers_newest_copy(qtbot, bundle, engine, monkeypatch):
    before = _damage(bundle)
    asked = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.Open
    )
    win = MainWindow(Document.new(), engine)
    assert win.files.open_path(bundle.path)
    assert len(asked) == 1 and AUTOSAVE_FILE in asked[0] and "not valid JSON" in asked[0]
    assert win.doc.project.title == "autosaved work"
    assert win.doc.dirty and win.doc.bundle.path == bundle.path
    assert _unchanged(bundle, before)  # opening wrote nothing
    win.act_save.trigger()
    assert Bundle.load(bundle.path).project.title == "autosaved work"
    assert (bundle.path / BACKUP_FILE).read_bytes() == before[BACKUP_FILE][0]  # damage not kept
    win.doc.undo_stack.setClean()
    win.close()


def test_declining_the_copy_opens_nothing_and_keeps_files(qtbot, bundle, engine, monkeypatch):
    before = _damage(bundle)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Cancel)
    win = MainWindow(Document.new(), engine)
    first = win.doc
    assert not win.files.open_path(bundle.path)
    assert win.doc is first
    assert _unchanged(bundle, before)
    assert (bundle.path / PROJECT_FILE).read_bytes() == b'{"schema_version": 1, "ti'
    win.close()


def test_reference_image_is_copied_into_the_bundle(window, tmp_path, monkeypatch):
    """Picking a reference image copies it into media/ (by content hash): the project never
    points at a file elsewhere on disk, so it can be zipped and sent."""
    from PIL import Image

    shot = window.doc.project.shots[0]
    window.storyboard.select([shot.id])
    src = tmp_path / "elsewhere" / "Ref Photo.png"
    src.parent.mkdir()
    Image.new("RGB", (8, 8), (1, 200, 3)).save(src)
    window.inspector.shot.choose_image(str(src))
    rel = window.doc.project.shots[0].image
    assert rel.startswith("media/") and rel.endswith("-Ref-Photo.png")
    assert (window.doc.bundle.path / rel).read_bytes() == src.read_bytes()
    window.act_undo.trigger()
    assert window.doc.project.shots[0].image is None
    window.inspector.shot.choose_image(str(src))  # the same bytes again: the same file
    assert window.doc.project.shots[0].image == rel
    assert len(list((window.doc.bundle.path / "media").iterdir())) == 1
    # a media/ folder turned into a link is refused with a message, nothing written there
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warned.append(a[2]))
    outside = tmp_path / "outside"
    outside.mkdir()
    media = window.doc.bundle.path / "media"
    for f in media.iterdir():
        f.unlink()
    media.rmdir()
    media.symlink_to(outside, target_is_directory=True)
    window.inspector.shot.choose_image(str(src))
    assert warned and "link" in warned[0] and not list(outside.iterdir())


def test_starting_on_a_damaged_project_offers_its_copy(qtbot, bundle, engine, monkeypatch):
    """`storyboard-studio gui DAMAGED.sbproj`: the window opens, then offers the copy."""
    from PySide6.QtWidgets import QApplication

    from ui.app import build_window

    before = _damage(bundle)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Open)
    _app, win = build_window(bundle.path, engine)
    qtbot.waitUntil(lambda: win.doc.bundle.path == bundle.path, timeout=5000)
    QApplication.processEvents()
    assert win.doc.project.title == "autosaved work" and win.doc.dirty
    assert _unchanged(bundle, before)
    win.doc.undo_stack.setClean()
    win.close()
