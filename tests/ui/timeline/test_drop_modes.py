"""Issue 14: insert vs overwrite drops on the real timeline widget, as in Kdenlive: a mode in
the Timeline menu, Ctrl (insert) / Alt (overwrite) held while dropping; bin items dropped and
clips moved with the mouse, each one undoable edit."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDragMoveEvent, QDropEvent

from studio.model import TrackRole
from studio.model.drop_edits import DropMode
from tests.ui.timeline.test_nle_essentials import clips, cut  # noqa: F401 - fixture
from ui.media_bin import MEDIA_MIME


def _drop_bin_item(tl, path: str, frame: int, track_id: str, modifiers) -> QDropEvent:
    mime = QMimeData()
    mime.setData(MEDIA_MIME, path.encode())
    row = tl.layout.by_track[track_id]
    y = tl.mapFromScene(QPointF(0, row.y + row.h / 2)).y()
    x = int(tl.layout.x(frame)) - tl.horizontalScrollBar().value()
    drop = QDropEvent(QPointF(QPoint(x, y)), Qt.CopyAction, mime, Qt.LeftButton, modifiers)
    assert tl.drops.eventFilter(tl.viewport(), drop)  # Qt's drop, delivered to its filter
    return drop


def _media_track(project):
    return next(t for t in project.tracks if t.role is None and t.kind.value == "video")


@pytest.fixture
def binned(window, tmp_path):
    still = tmp_path / "card.png"
    Image.fromarray(np.full((48, 64, 3), 200, np.uint8)).save(still)
    window.files.import_media([still], at=0)  # a 3 s still at 0 on a hand-made track
    window.timeline.fit()
    return window


def test_bin_drops_insert_with_ctrl_overwrite_with_alt_and_by_menu(binned):
    tl, doc = binned.timeline, binned.doc
    item = doc.project.media[0]
    track = _media_track(doc.project)
    (first,) = track.clips  # frames 0..72
    assert first.duration == 72
    assert tl.item(first.id).label() == "card.png"  # its own name, not media/<hash>-card.png
    n = doc.undo_stack.count()
    mime = QMimeData()
    mime.setData(MEDIA_MIME, item.path.encode())
    over = QPointF(tl.layout.x(24) - tl.horizontalScrollBar().value(), 20)
    move = QDragMoveEvent(over.toPoint(), Qt.CopyAction, mime, Qt.LeftButton, Qt.ControlModifier)
    assert tl.drops.eventFilter(tl.viewport(), move)
    assert tl._snap_x == tl.layout.x(24)  # a line shows where an insert lands
    _drop_bin_item(tl, item.path, 24, track.id, Qt.KeyboardModifier.ControlModifier)
    assert tl._snap_x is None
    spans = [(c.start, c.duration, c.source_in) for c in track.sorted_clips()]
    assert spans == [(0, 24, 0), (24, 72, 0), (96, 48, 24)]  # cut at 24, the rest moved on
    assert doc.undo_stack.count() == n + 1 and doc.undo_stack.undoText() == "Insert card.png"
    _drop_bin_item(tl, item.path, 12, track.id, Qt.KeyboardModifier.AltModifier)
    spans = [(c.start, c.duration) for c in track.sorted_clips()]
    assert spans == [(0, 12), (12, 72), (84, 12), (96, 48)]  # 12..84 replaced, the rest kept
    assert doc.undo_stack.undoText() == "Overwrite card.png"
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert [(c.start, c.duration) for c in track.sorted_clips()] == [(0, 72)]
    # the menu's mode is used when no key is held; Normal puts it after the last clip
    menu = {a.data(): a for a in tl.drops.mode_actions}
    menu[DropMode.OVERWRITE.value].trigger()
    assert tl.drops.mode == DropMode.OVERWRITE and menu["overwrite"].isChecked()
    _drop_bin_item(tl, item.path, 36, track.id, Qt.KeyboardModifier.NoModifier)
    assert [(c.start, c.duration) for c in track.sorted_clips()] == [(0, 36), (36, 72)]
    menu[DropMode.NORMAL.value].trigger()
    _drop_bin_item(tl, item.path, 0, track.id, Qt.KeyboardModifier.NoModifier)
    assert [c.start for c in track.sorted_clips()] == [0, 36, 108]
    assert all(a in tl.edit_actions() for a in tl.drops.mode_actions)


def test_moving_a_clip_in_insert_mode_with_the_mouse(cut, qtbot):  # noqa: F811
    tl, doc = cut.timeline, cut.doc
    a, b, c = clips(cut)  # 0..48, 48..96, 96..144
    tl.drops.set_mode(DropMode.INSERT)
    n = doc.undo_stack.count()
    item = tl.item(c.id)
    press = tl.mapFromScene(item.sceneBoundingRect().center())
    grab = tl.layout.frame_at(item.sceneBoundingRect().center().x()) - c.start
    target = tl.mapFromScene(
        QPointF(tl.layout.x(24 + grab) + 0.5, item.sceneBoundingRect().center().y())
    )
    qtbot.mousePress(
        tl.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, press
    )
    qtbot.mouseMove(tl.viewport(), press + QPoint(12, 0))
    qtbot.mouseMove(tl.viewport(), target)
    assert doc.project.find_clip(c.id)[1].start == 96  # nothing moves before the release
    assert tl._snap_x == pytest.approx(tl.layout.x(24))  # a line shows where it lands
    qtbot.mouseRelease(
        tl.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, target
    )
    got = [(x.start, x.duration) for x in clips(cut)]
    assert got == [(0, 24), (24, 48), (72, 24), (96, 48)]
    assert doc.project.find_clip(c.id)[1].start == 24
    assert doc.undo_stack.count() == n + 1 and doc.undo_stack.undoText() == "Insert clip"
    doc.undo_stack.undo()
    assert [(x.id, x.start) for x in clips(cut)] == [(a.id, 0), (b.id, 48), (c.id, 96)]
    track = doc.project.track_with_role(TrackRole.STORYBOARD_VIDEO)
    assert len(track.clips) == 3 and tl.item_count >= 3
