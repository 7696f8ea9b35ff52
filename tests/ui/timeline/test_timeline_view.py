"""TimelineView driven like a user would: keys, mouse drags, context menu, undo/redo."""

from __future__ import annotations

import time
import wave
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QUndoStack

from studio.media.video import write_video
from studio.model import Clip, Project, Shot, Take, TakeKind, TrackKind, TransitionKind, edits
from ui.timeline import TimelineView


def make_project(n: int = 3, dur: int = 48, frames: int = 96) -> Project:
    p = Project(fps=24)
    p.shots = [Shot(id=f"s{i}", prompt=f"shot {i}", current_take=f"t{i}") for i in range(n)]
    track = p.ensure_track(TrackKind.VIDEO)
    for i in range(n):
        p.takes[f"t{i}"] = Take(
            id=f"t{i}",
            shot_id=f"s{i}",
            path=f"takes/t{i}.mp4",
            engine="animatic",
            fps=24,
            frames=frames,
        )
        track.clips.append(
            Clip(id=f"c{i}", take_id=f"t{i}", shot_id=f"s{i}", start=i * dur, duration=dur)
        )
    return p


@pytest.fixture
def view(qtbot):
    stack = QUndoStack()
    v = TimelineView(make_project(), stack)
    v._stack_ref = stack  # keep the stack alive with the view
    v.resize(900, 300)
    qtbot.addWidget(v)
    v.show()
    qtbot.waitExposed(v)
    return v


def spans(p: Project, track: int = 0) -> list[tuple[int, int]]:
    return [(c.start, c.duration) for c in p.tracks[track].sorted_clips()]


def clip_point(view: TimelineView, clip_id: str, frac: float = 0.5) -> QPoint:
    item = view.item(clip_id)
    r = item.sceneBoundingRect()
    return view.mapFromScene(QPointF(r.left() + r.width() * frac, r.center().y()))


def test_split_with_S_at_playhead_then_undo_redo(view, qtbot):
    p, stack = view.project, view.undo_stack
    before = p.model_dump()
    view.setPlayhead(60)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_S)
    assert spans(p) == [(0, 48), (48, 12), (60, 36), (96, 48)]
    assert view.item_count == 4 and stack.count() == 1 and stack.undoText() == "Split clip"
    after = p.model_dump()
    stack.undo()
    assert p.model_dump() == before and view.item_count == 3
    stack.redo()
    assert p.model_dump() == after and view.item_count == 4


def test_drag_move_is_one_undo_entry(view, qtbot):
    p, stack = view.project, view.undo_stack
    view.set_zoom(4.0)
    view.snapping = False
    before = p.model_dump()
    view.select("c2")
    start = clip_point(view, "c2")
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=start)
    for dx in range(10, 130, 10):  # 12 mouse-move steps, 4 px per frame
        qtbot.mouseMove(view.viewport(), start + QPoint(dx, 0))
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=start + QPoint(120, 0))
    assert spans(p)[2] == (96 + 30, 48)
    assert stack.count() == 1 and stack.undoText() == "Move clip"
    after = p.model_dump()
    stack.undo()
    assert p.model_dump() == before
    assert view.item("c2").pos().x() == pytest.approx(96 * 4.0)
    stack.redo()
    assert p.model_dump() == after
    # a second drag is a second undo entry
    view.begin_drag("c2", "body", view.item("c2").sceneBoundingRect().center().x())
    view.drag_to(view.item("c2").sceneBoundingRect().center() + QPointF(40, 0), snap=False)
    view.end_drag()
    assert stack.count() == 2


def test_drag_snaps_to_playhead_and_hops_over_clips(view):
    p = view.project
    view.set_zoom(4.0)
    view.setPlayhead(200)
    x = view.item("c0").sceneBoundingRect().center().x()
    y = view.item("c0").sceneBoundingRect().center().y()
    view.begin_drag("c0", "body", x)
    view.drag_to(QPointF(x + 4 * 150, y))  # start 150, end 198: end snaps to the playhead (200)
    view.end_drag()
    assert spans(p)[-1] == (152, 48)
    assert view.undo_stack.count() == 1


def test_drag_to_other_video_track(view):
    p = view.project
    v2 = p.ensure_track(TrackKind.VIDEO, 1)
    view.refresh()
    row = view.layout.by_track[v2.id]
    x = view.item("c1").sceneBoundingRect().center().x()
    view.begin_drag("c1", "body", x)
    view.drag_to(QPointF(x, row.y + row.h / 2), snap=False)
    view.end_drag()
    assert [c.id for c in v2.clips] == ["c1"] and view.item("c1").row.track_id == v2.id
    view.undo_stack.undo()
    assert v2.clips == [] and view.item("c1").row.track_id == p.tracks[0].id


def test_trim_by_handle_is_one_entry_and_bounded_by_take(view):
    p, stack = view.project, view.undo_stack
    view.set_zoom(4.0)
    ppf = view.layout.ppf
    # the last clip can grow only to its take's 96 frames
    x = view.item("c2").sceneBoundingRect().right()
    view.begin_drag("c2", "out", x)
    for k in range(1, 8):
        view.drag_to(QPointF(x + k * 10 * ppf, 10), snap=False)
    view.end_drag()
    assert spans(p)[2] == (96, 96) and stack.count() == 1 and stack.undoText() == "Trim clip"
    x = view.item("c1").sceneBoundingRect().left()
    view.begin_drag("c1", "in", x)
    view.drag_to(QPointF(x + 12 * ppf, 10), snap=False)
    view.end_drag()
    _, c1 = p.find_clip("c1")
    assert (c1.start, c1.source_in, c1.duration) == (60, 12, 36)
    stack.undo()
    stack.undo()
    assert spans(p) == [(0, 48), (48, 48), (96, 48)]


def test_delete_and_ripple_delete_keys(view, qtbot):
    p, stack = view.project, view.undo_stack
    view.select("c0")
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Delete, Qt.KeyboardModifier.ShiftModifier)
    assert spans(p) == [(0, 48), (48, 48)] and stack.undoText() == "Ripple delete"
    assert view.selected_clip is None
    view.select("c1")
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert spans(p) == [(48, 48)] and stack.undoText() == "Delete clip"
    stack.undo()
    stack.undo()
    assert spans(p) == [(0, 48), (48, 48), (96, 48)] and view.item_count == 3


def test_context_menu_transition_and_swap_take(view):
    p, stack = view.project, view.undo_stack
    p.takes["t1b"] = Take(
        id="t1b", shot_id="s1", path="takes/t1b.mp4", engine="x", fps=24, frames=30
    )
    menu = view.clip_menu("c1")
    titles = [a.text() for a in menu.actions()]
    assert "Transition from previous clip" in titles and "Swap take" in titles
    trans = next(a.menu() for a in menu.actions() if a.text() == "Transition from previous clip")
    next(a for a in trans.actions() if a.text() == "Crossfade 0.5 s").trigger()
    assert spans(p) == [(0, 48), (36, 48), (84, 48)]
    _, c1 = p.find_clip("c1")
    assert c1.transition_in.kind == TransitionKind.CROSSFADE and c1.transition_in.duration == 12
    swap = next(a.menu() for a in view.clip_menu("c1").actions() if a.text() == "Swap take")
    assert [a.data() for a in swap.actions()] == ["t1", "t1b"]
    next(a for a in swap.actions() if a.data() == "t1b").trigger()
    _, c1 = p.find_clip("c1")
    assert c1.take_id == "t1b" and c1.duration == 30 and p.shot("s1").current_take == "t1b"
    assert stack.undoText() == "Swap take"
    stack.undo()
    stack.undo()
    assert spans(p) == [(0, 48), (48, 48), (96, 48)] and p.shot("s1").current_take == "t1"


def test_refused_edit_reports_and_pushes_nothing(view):
    messages = []
    view.editFailed.connect(messages.append)
    view.setPlayhead(500)
    view.split_at_playhead()
    assert messages and view.undo_stack.count() == 0


def test_playhead_signal_only_from_user(view):
    got = []
    view.playheadMoved.connect(got.append)
    view.setPlayhead(40)
    assert got == []
    view.user_seek(12)
    assert got == [12] and view.playhead == 12


def test_zoom_keeps_anchor_and_fit(view):
    view.set_zoom(2.0)
    view.fit()
    assert view.layout.x(view.project.duration_frames) <= view.viewport().width()
    view.zoom_by(2.0)
    assert view.item("c1").pos().x() == pytest.approx(48 * view.layout.ppf)


def _write_wav(path: Path, seconds: float = 1.0, amp: float = 0.5) -> None:
    t = np.arange(int(48000 * seconds)) / 48000
    pcm = (np.sin(2 * np.pi * 440 * t) * amp * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(48000)
        w.writeframes(pcm.tobytes())


def test_filmstrip_and_waveform_are_decoded_off_thread_and_painted(qtbot, tmp_path):
    (tmp_path / "takes").mkdir()
    red = np.zeros((24, 64, 64, 3), np.uint8)
    red[..., 0] = 220
    write_video(tmp_path / "takes/t0.mp4", red, 24)
    _write_wav(tmp_path / "takes/a.wav")
    p = make_project(1)
    p.takes["a"] = Take(
        id="a", kind=TakeKind.AUDIO, path="takes/a.wav", engine="x", fps=0, duration=1.0
    )
    p.ensure_track(TrackKind.AUDIO).clips.append(Clip(id="ac", take_id="a", start=0, duration=24))
    v = TimelineView(p, QUndoStack(), resolve=lambda rel: tmp_path / rel)
    qtbot.addWidget(v)
    v.resize(600, 240)
    v.set_zoom(8.0)
    v.show()
    qtbot.waitExposed(v)
    qtbot.waitUntil(lambda: v.media.filmstrip(tmp_path / "takes/t0.mp4") is not None, timeout=5000)
    qtbot.waitUntil(lambda: v.media.peaks(tmp_path / "takes/a.wav") is not None, timeout=5000)
    peaks = v.media.peaks(tmp_path / "takes/a.wav")
    assert 0.45 < peaks.values.max() < 0.55 and len(peaks.values) == 100
    v.horizontalScrollBar().setValue(0)
    image = v.viewport().grab().toImage()
    item = v.item("c0").sceneBoundingRect()
    pt = v.mapFromScene(QPointF(item.left() + 20, item.bottom() - 10))
    colour = image.pixelColor(pt)
    assert colour.red() > 150 and colour.green() < 80  # the red take's thumbnail is drawn


def test_thousand_clip_project_builds_quickly(qtbot):
    p = make_project(1)
    track = p.tracks[0]
    track.clips = [
        Clip(id=f"k{i}", take_id="t0", shot_id="s0", start=i * 30, duration=30) for i in range(1000)
    ]
    audio = p.ensure_track(TrackKind.AUDIO)
    t0 = time.perf_counter()
    v = TimelineView(p, QUndoStack())
    build = time.perf_counter() - t0
    qtbot.addWidget(v)
    v.resize(1200, 300)
    v.show()
    qtbot.waitExposed(v)
    t0 = time.perf_counter()
    v.push(edits.ripple_delete, "k500")
    edit = time.perf_counter() - t0
    print(
        f"\n1,000 clips: build {build * 1000:.1f} ms, ripple delete {edit * 1000:.1f} ms (bench/timeline.py)"
    )
    assert v.item_count == 999 and audio.clips == []
