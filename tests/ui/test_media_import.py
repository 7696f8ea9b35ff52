"""Issue 14: the creator's own media. Import of video, a picture and sound by File → Import
and by a simulated drop (desktop onto the timeline, bin onto the timeline), files copied into
media/, thumbnails and waveforms in the bin, and pictures refused at pick time."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QMessageBox

from studio.audio.wavfile import write_wav
from studio.media.video import write_video
from studio.model import MediaKind, TrackKind
from studio.model.media_edits import STILL_SECONDS
from ui.media_bin import MEDIA_MIME


@pytest.fixture
def files(tmp_path) -> dict[str, Path]:
    out = tmp_path / "desktop"
    out.mkdir()
    pixels = [np.full((64, 48, 3), (40 * i, 90, 200), np.uint8) for i in range(24)]
    write_video(out / "clip.mp4", pixels, 24)
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out / "still.png")
    t = np.arange(48000) / 48000
    tone = (0.4 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    write_wav(out / "music.wav", np.stack([tone, tone], axis=1), 48000)
    (out / "fake.png").write_text("this is not a picture")
    return {p.stem: p for p in out.iterdir()}


def _media_clips(project):
    return [(t, c) for t in project.tracks for c in t.clips if c.media]


def test_import_action_copies_places_and_lists(window, files, monkeypatch):
    doc = window.doc
    n = doc.undo_stack.count()
    items = window.files.import_media([files["clip"], files["still"], files["music"]], at=0)
    assert [m.kind for m in items] == [MediaKind.VIDEO, MediaKind.IMAGE, MediaKind.AUDIO]
    assert doc.undo_stack.count() == n + 1 and doc.undo_stack.undoText() == "Import media"
    for m in items:
        copied = doc.bundle.path / m.path
        assert (
            m.path.startswith("media/")
            and copied.read_bytes() == files[Path(m.name).stem].read_bytes()
        )
    placed = {c.media: (t, c) for t, c in _media_clips(doc.project)}
    video_t, video = placed[items[0].path]
    _, still = placed[items[1].path]
    audio_t, audio = placed[items[2].path]
    assert video_t.kind == TrackKind.VIDEO and video_t.role is None and video.duration == 24
    assert still.start == video.end and still.duration == int(STILL_SECONDS * doc.project.fps)
    assert audio_t.kind == TrackKind.AUDIO and audio_t.name == "Music" and audio.duration == 24
    # the bin shows all three, with real pictures (a waveform for the sound)
    assert window.media_bin.count() == 3
    icons = [window.media_bin.item(i).icon() for i in range(3)]
    assert all(not i.isNull() for i in icons)
    wave = icons[2].pixmap(128, 72).toImage()
    assert len({wave.pixel(x, 36) for x in range(0, 128, 8)}) >= 1
    assert wave.pixelColor(64, 36).blue() > 150  # the drawn wave, not the background
    # and it all goes with one Undo
    doc.undo_stack.undo()
    assert _media_clips(doc.project) == [] and doc.project.media == []
    assert window.media_bin.count() == 0
    # a text file named .png is refused by name; the good files still come in
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _w, _t, text: shown.append(text))
    items = window.files.import_media([files["fake"], files["still"]], at=0)
    assert [m.kind for m in items] == [MediaKind.IMAGE]
    assert shown and "fake.png" in shown[0] and "cannot read image" in shown[0]


def test_drop_files_on_the_timeline_then_bin_item(window, files, qtbot):
    tl = window.timeline
    window.docks["timeline"].show()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(files["clip"])), QUrl.fromLocalFile(str(files["music"]))])
    pos = QPoint(int(tl.layout.x(48)) - tl.horizontalScrollBar().value(), 20)
    drop = QDropEvent(QPointF(pos), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    # Qt delivers a drop only during a real drag; the same event goes to the same filter
    assert tl.drops.eventFilter(tl.viewport(), drop) and drop.isAccepted()
    placed = _media_clips(window.doc.project)
    assert len(placed) == 2 and {c.start for _, c in placed} == {48}
    # now a bin item dragged to frame 120
    path = window.doc.project.media[0].path
    mime = QMimeData()
    mime.setData(MEDIA_MIME, path.encode())
    pos = QPoint(int(tl.layout.x(120)) - tl.horizontalScrollBar().value(), 20)
    drop = QDropEvent(QPointF(pos), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    assert tl.drops.eventFilter(tl.viewport(), drop)
    starts = sorted(c.start for _, c in _media_clips(window.doc.project) if c.media == path)
    assert starts == [48, 120]
    assert window.media_bin.mimeData([window.media_bin.item(0)]).hasFormat(MEDIA_MIME)


def test_drop_files_on_the_window(window, files):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(files["still"]))])
    drop = QDropEvent(QPointF(10, 10), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    window.dropEvent(drop)
    assert [m.kind for m in window.doc.project.media] == [MediaKind.IMAGE]


def test_reference_image_refused_at_pick_time(window, files, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _w, _t, text: shown.append(text))
    shot_id = window.doc.project.shots[0].id
    window.inspector.show_shot(shot_id)
    window.inspector.shot.choose_image(str(files["fake"]))
    assert shown and shown[0].startswith("fake.png: cannot read image")
    assert window.doc.project.shots[0].image is None
    assert not any((window.doc.bundle.path / "media").glob("*fake*"))
    window.inspector.shot.choose_image(str(files["still"]))
    assert window.doc.project.shots[0].image.startswith("media/")


def test_player_shows_imported_media_after_new_project(window, files, qtbot):
    """Found while taking the screenshots: after New, the player kept the previous bundle's
    resolver and showed "media offline" for every imported file."""
    from studio.model import Project

    assert window.files.new(Project(title="fresh"))
    window.files.import_media([files["still"]], at=0)
    window.player.seek(1)

    def red_centre() -> bool:
        image = window.player.current_image()
        if image is None:
            return False
        c = image.pixelColor(image.width() // 2, image.height() // 2)
        return c.red() > 150 and c.green() < 80 and c.blue() < 80

    qtbot.waitUntil(red_centre, timeout=5000)
