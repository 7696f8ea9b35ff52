"""Issue 14, NLE essentials on the real timeline widget: multi-select (Ctrl click, rubber band,
Ctrl+A), cut/copy/paste/duplicate, markers, In/Out, Home/End, track switches, clip gain, the
refused-drag message, and the shortcut sheet read from the actions."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from studio.layout.storyboard import rebuild
from studio.model import TrackRole
from tests.ui.conftest import add_take_file
from ui import menus


@pytest.fixture
def cut(window):
    doc = window.doc
    for i, shot in enumerate(doc.project.shots):
        take = add_take_file(doc.bundle, shot, frames=96)
        doc.project.shots[i] = shot.model_copy(update={"current_take": take.id, "duration": 2.0})
    doc.apply(rebuild)
    doc.undo_stack.clear()
    window.timeline.refresh()
    window.timeline.fit()
    return window


def clips(window):
    return window.doc.project.track_with_role(TrackRole.STORYBOARD_VIDEO).sorted_clips()


def click(tl, clip_id, modifiers=Qt.KeyboardModifier.NoModifier, qtbot=None):
    item = tl.item(clip_id)
    pos = tl.mapFromScene(item.sceneBoundingRect().center())
    qtbot.mouseClick(tl.viewport(), Qt.MouseButton.LeftButton, modifiers, pos)


def test_ctrl_click_rubber_band_and_select_all(cut, qtbot):
    tl = cut.timeline
    a, b, c = clips(cut)
    click(tl, a.id, qtbot=qtbot)
    click(tl, c.id, Qt.KeyboardModifier.ControlModifier, qtbot)
    assert tl.editing.selected == [a.id, c.id] and tl.item(c.id).selected
    click(tl, a.id, Qt.KeyboardModifier.ShiftModifier, qtbot)
    assert tl.editing.selected == [c.id]
    # a rubber band from empty space below the tracks up over the first two clips
    ra, rb = tl.item(a.id).sceneBoundingRect(), tl.item(b.id).sceneBoundingRect()
    start = tl.mapFromScene(QPointF(ra.left() + 2, rb.bottom() + 30))
    end = tl.mapFromScene(QPointF(rb.center().x(), ra.center().y()))
    qtbot.mousePress(tl.viewport(), Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(tl.viewport(), end)
    qtbot.mouseRelease(tl.viewport(), Qt.MouseButton.LeftButton, pos=end)
    assert sorted(tl.editing.selected) == sorted([a.id, b.id])
    tl.editing.action_select_all.trigger()
    assert set(tl.editing.selected) >= {a.id, b.id, c.id}


def test_copy_paste_duplicate_cut_each_one_undo_step(cut, qtbot):
    tl, doc = cut.timeline, cut.doc
    a, b, _c = clips(cut)
    tl.editing.set_selection([a.id, b.id])
    tl.editing.action_copy.trigger()
    end = max(c.end for c in clips(cut))
    tl.setPlayhead(end + 24)
    n = doc.undo_stack.count()
    tl.editing.action_paste.trigger()
    assert doc.undo_stack.count() == n + 1
    pasted = tl.editing.selected
    assert len(pasted) == 2
    # clips from the storyboard track land on a hand-made video track, spacing kept
    track, first = doc.project.find_clip(pasted[0])
    _, second = doc.project.find_clip(pasted[1])
    assert track.role is None and first.start == end + 24 and second.start - first.start == 48
    assert (first.take_id, first.duration) == (a.take_id, a.duration)
    # pasting again at the same place is refused with a message, nothing changes
    failed = []
    tl.editFailed.connect(failed.append)
    tl.editing.action_paste.trigger()
    assert failed and "no room" in failed[-1] and doc.undo_stack.count() == n + 1
    tl.editing.action_duplicate.trigger()
    assert doc.undo_stack.count() == n + 2 and len(track.clips) == 4
    tl.editing.set_selection([a.id, b.id])
    tl.editing.action_cut.trigger()
    assert doc.undo_stack.count() == n + 3
    assert {a.id, b.id}.isdisjoint(c.id for c in clips(cut))
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert all(t.id != track.id for t in doc.project.tracks)  # the paste made it
    assert [c.id for c in clips(cut)][:2] == [a.id, b.id]


def test_markers_in_out_home_end(cut, qtbot):
    tl, doc = cut.timeline, cut.doc
    tl.setFocus()
    tl.setPlayhead(30)
    tl.editing.action_marker.trigger()
    tl.setPlayhead(10)
    tl.editing.action_in.trigger()
    tl.setPlayhead(60)
    tl.editing.action_out.trigger()
    p = doc.project
    assert [m.frame for m in p.markers] == [30]
    assert (p.in_point, p.out_point) == (10, 60)
    tl.editing.action_end.trigger()
    assert tl.playhead == p.duration_frames - 1
    tl.editing.action_home.trigger()
    assert tl.playhead == 0
    doc.undo_stack.undo()  # Out
    assert (p.in_point, p.out_point) == (10, None)
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert p.markers == [] and p.in_point is None
    assert doc.undo_stack.undoText() == ""


def test_track_switches_and_lock_refuses_edits(cut, qtbot):
    tl, doc = cut.timeline, cut.doc
    track = doc.project.track_with_role(TrackRole.STORYBOARD_VIDEO)
    row = tl.layout.by_track[track.id]
    headers = tl.headers
    top = tl.verticalScrollBar().value()
    lock = headers.switch_rect(row, 2, row.y - top).center().toPoint()
    qtbot.mouseClick(headers, Qt.MouseButton.LeftButton, pos=QPoint(lock.x(), lock.y()))
    locked = doc.project.track_with_role(TrackRole.STORYBOARD_VIDEO)
    assert locked.locked and doc.undo_stack.undoText() == "Change track"
    failed = []
    tl.editFailed.connect(failed.append)
    tl.select(clips(cut)[0].id)
    tl.delete_selected()
    assert "locked" in failed[-1] and len(clips(cut)) == 3
    doc.undo_stack.undo()
    assert not doc.project.track_with_role(TrackRole.STORYBOARD_VIDEO).locked
    tl.editing.toggle_track(locked.id, "muted")
    assert doc.project.track_with_role(TrackRole.STORYBOARD_VIDEO).muted


def test_clip_gain_from_the_clip_menu(cut):
    a = clips(cut)[0]
    menu = cut.timeline.clip_menu(a.id)
    gain = next(x.menu() for x in menu.actions() if x.text() == "Clip gain")
    next(x for x in gain.actions() if x.text() == "-6 dB").trigger()
    assert clips(cut)[0].gain_db == -6.0


def test_refused_drag_says_why(cut, qtbot):
    tl = cut.timeline
    a, b, _ = clips(cut)
    failed = []
    tl.editFailed.connect(failed.append)
    tl.begin_drag(b.id, "body", tl.layout.x(b.start + 4))
    for f in (a.start + 10, a.start + 12):
        tl.drag_to(QPointF(tl.layout.x(f), tl.layout.by_track[tl.video_rows()[0]].y + 5), False)
    tl.end_drag()
    assert len(failed) == 1 and "neighbouring clip is in the way" in failed[0]


def test_shortcut_sheet_and_tooltips_come_from_the_actions(cut, qtbot):
    rows = menus.shortcut_rows(cut)
    keys = {(action, key) for _menu, action, key in rows}
    assert ("Copy clips", "Ctrl+C") in keys and ("Add marker", "M") in keys
    assert ("Set In point", "I") in keys and ("Save", "Ctrl+S") in keys
    menus.show_shortcuts(cut)
    assert cut.shortcuts_dialog.findChild(type(cut.shortcuts_dialog.children()[-1]))
    for act in cut.toolbar.actions():
        if act.text() and act.shortcut().toString():
            assert act.shortcut().toString() in act.toolTip(), act.text()
