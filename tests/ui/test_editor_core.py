"""Issue 11, across widgets: every edit through the timeline rules, one change signal, explicit
wiring, inspector input and autosave. Each test names the defect it pins down."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QKeySequence, QWheelEvent
from PySide6.QtWidgets import QApplication

from studio.layout.storyboard import rebuild
from studio.model import Project, TrackRole, TransitionKind
from studio.model import edits as E
from tests.ui.conftest import add_take_file


@pytest.fixture
def cut(window):
    """Three 2 s shots with 4 s takes, laid on the storyboard track: clips of 48 frames."""
    doc = window.doc
    for i, shot in enumerate(doc.project.shots):
        take = add_take_file(doc.bundle, shot, frames=96)
        doc.project.shots[i] = shot.model_copy(update={"current_take": take.id, "duration": 2.0})
    doc.apply(rebuild)
    doc.undo_stack.clear()
    doc.save()
    window.timeline.refresh()
    return window


def video(window):
    return window.doc.project.track_with_role(TrackRole.STORYBOARD_VIDEO)


def spans(window) -> list[tuple[int, int]]:
    return [(c.start, c.duration) for c in video(window).sorted_clips()]


def select_clip(window, index: int):
    clip = video(window).sorted_clips()[index]
    window.timeline.select(clip.id)
    return clip


def commit(spin, text: str, qtbot) -> None:
    """Type into a spin box and press Enter, like a user."""
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, text)
    qtbot.keyClick(spin, Qt.Key_Return)


# --- defect 2: the inspector goes through the timeline rules ---------------------------------


def test_inspector_length_never_overlaps_the_next_clip_and_split_still_works(cut, qtbot):
    """Defect 2: lengthening a clip in the inspector made it overlap its neighbour, and then
    unrelated edits on the track were refused."""
    select_clip(cut, 0)
    page = cut.inspector.clip
    page.duration.setValue(100)  # as an arrow-key hold or a typed value would
    E.check_track(video(cut))  # the track rules still hold
    assert spans(cut)[0][1] <= 48  # bounded by the next clip, as a trim drag is
    cut.timeline.setPlayhead(60)
    assert cut.timeline.split_at_playhead() is not None  # a split is not refused


def test_inspector_crossfade_overlaps_exactly_like_the_clip_menu(cut, qtbot):
    """Defect 2: a crossfade set in the inspector left the clips touching (a fade from black);
    the clip menu's overlaps them by 12 frames. Both are now the same operation."""
    clip = select_clip(cut, 1)
    page = cut.inspector.clip
    page.transition_len.setValue(12)
    page.transition.setCurrentIndex(page.transition.findData(TransitionKind.CROSSFADE))
    page.transition.activated.emit(page.transition.currentIndex())
    from_inspector = spans(cut)
    cut.act_undo.trigger()
    cut.timeline.push(E.set_transition, clip.id, TransitionKind.CROSSFADE, 12)
    assert spans(cut) == from_inspector == [(0, 48), (36, 48), (84, 48)]


# --- defect 3: one change signal ---------------------------------------------------------------


def test_a_timeline_trim_shows_in_the_inspector_and_after_undo(cut, qtbot):
    """Defect 3: timeline edits notified only the player; the inspector kept showing 48 after
    a trim to 24 (and after Undo), and ▼ on the stale value made a 47-frame clip."""
    clip = select_clip(cut, 0)
    page = cut.inspector.clip
    assert page.duration.value() == 48
    cut.timeline.push(E.trim_clip, clip.id, "out", 24)
    assert page.duration.value() == 24
    page.duration.stepDown()
    assert spans(cut)[0] == (0, 23)
    cut.act_undo.trigger()
    assert page.duration.value() == 24
    cut.act_undo.trigger()
    assert page.duration.value() == 48 and spans(cut)[0] == (0, 48)


def test_storyboard_duration_reaches_a_hand_edited_timeline(cut, qtbot):
    """Defect 4: a shot's duration change never reached a hand-edited timeline; now it ripples
    the clips after it and keeps the hand edit (a split)."""
    first = select_clip(cut, 0)
    cut.timeline.push(E.split_clip, first.id, 20)
    assert "differs" in _storyboard_state(cut, qtbot)
    shot = cut.doc.project.shots[1]
    cut.storyboard.select([shot.id])
    commit(cut.inspector.shot.duration, "1.5", qtbot)
    assert spans(cut) == [(0, 20), (20, 28), (48, 36), (84, 48)]
    cut.act_undo.trigger()
    assert spans(cut) == [(0, 20), (20, 28), (48, 48), (96, 48)]


def _storyboard_state(window, qtbot) -> str:
    qtbot.waitUntil(lambda: not window._state_timer.isActive(), timeout=2000)
    return window.storyboard_state.text()


def test_timeline_shows_when_it_differs_from_the_storyboard(cut, qtbot):
    assert "follows" in _storyboard_state(cut, qtbot)
    cut.timeline.push(E.split_clip, select_clip(cut, 0).id, 20)
    assert "differs" in _storyboard_state(cut, qtbot)
    cut.act_undo.trigger()
    assert "follows" in _storyboard_state(cut, qtbot)


# --- defect 7: no connection to a closed project's views --------------------------------------


def _play_a_little(window, qtbot) -> None:
    for _ in range(6):
        window.player.step(1)
        window.timeline.user_seek(window.player.position + 1)
    qtbot.wait(30)


def test_new_open_and_recover_leave_no_stale_connection(cut, qtbot, tmp_path, capfd):
    """Defect 7: after New, Open or crash recovery every playback frame printed
    "Internal C++ object (TimelineView) already deleted"."""
    path = cut.doc.bundle.path
    timeline = cut.timeline
    cut.files.new(Project())
    qtbot.wait(20)  # deleteLater of the closed document runs
    _play_a_little(cut, qtbot)
    assert cut.files.open_path(path, ask_recovery=False)
    qtbot.wait(20)
    _play_a_little(cut, qtbot)
    cut.doc.bundle.autosave()
    cut.doc.recover()
    qtbot.wait(20)
    _play_a_little(cut, qtbot)
    assert cut.timeline is timeline and cut.timeline.project is cut.doc.project
    err = capfd.readouterr().err
    assert "already deleted" not in err and "Traceback" not in err
    # the one timeline edits the open document, and the inspector follows it
    clip = select_clip(cut, 0)
    cut.timeline.push(E.trim_clip, clip.id, "out", 30)
    assert cut.inspector.clip.duration.value() == 30


# --- defect 8: explicit wiring ------------------------------------------------------------------


def test_menus_come_from_the_widgets_own_actions(cut):
    """Defect 8: the Safe-Area Overlay item never appeared; the clip menu had two Swap takes."""
    playback = [a.text() for a in cut.playback_menu.actions()]
    assert "Safe-Area Overlay" in playback
    assert set(cut.timeline.edit_actions()) <= set(cut.timeline_menu.actions())
    assert set(cut.player.transport_actions()) <= set(cut.playback_menu.actions())
    cut.playback_menu.actions()[playback.index("Safe-Area Overlay")].trigger()
    assert cut.player.screen.safe_area
    clip = select_clip(cut, 0)
    add_take_file(cut.doc.bundle, cut.doc.project.shot(clip.shot_id))
    menu = cut.timeline.clip_menu(clip.id)
    swaps = [a.text() for a in menu.actions() if a.text().lower() == "swap take"]
    assert swaps == ["Swap take"]


# --- defect 10: inspector input -----------------------------------------------------------------


def test_typing_a_duration_commits_once_on_enter(cut, qtbot):
    """Defect 10: typing "5.5" in Duration gave 5.0 (each keystroke committed and reformatted)."""
    shot = cut.doc.project.shots[0]
    cut.storyboard.select([shot.id])
    count = cut.doc.undo_stack.count()
    commit(cut.inspector.shot.duration, "5.5", qtbot)
    assert cut.doc.project.shot(shot.id).duration == 5.5
    assert cut.doc.undo_stack.count() == count + 1


def test_wheel_over_an_unfocused_combo_scrolls_instead_of_editing(cut, qtbot):
    """Defect 10: scrolling the panel over a closed combo box changed the shot's camera."""
    shot = cut.doc.project.shots[0]
    cut.storyboard.select([shot.id])
    combo = cut.inspector.shot.camera
    cut.storyboard.view.setFocus()
    assert not combo.hasFocus()
    for _ in range(4):
        pos = QPointF(combo.width() / 2, combo.height() / 2)
        wheel = QWheelEvent(
            pos,
            combo.mapToGlobal(pos),
            QPoint(0, 0),
            QPoint(0, -120),
            Qt.NoButton,
            Qt.NoModifier,
            Qt.NoScrollPhase,
            False,
        )
        QApplication.sendEvent(combo, wheel)
    assert cut.doc.project.shot(shot.id).camera.value == "static"
    assert cut.doc.undo_stack.count() == 0


def test_undo_works_from_a_focused_field(cut, qtbot):
    """Defect 10: Ctrl+Z did nothing while a field had focus."""
    shot = cut.doc.project.shots[0]
    cut.storyboard.select([shot.id])
    page = cut.inspector.shot
    commit(page.duration, "3", qtbot)
    assert cut.doc.project.shot(shot.id).duration == 3.0
    page.seed.setFocus()
    seq = QKeySequence(QKeySequence.StandardKey.Undo)[0]
    qtbot.keyClick(page.seed, seq.key(), seq.keyboardModifiers())
    assert cut.doc.project.shot(shot.id).duration == 2.0
    assert page.duration.value() == 2.0


# --- defect 11: autosave cannot starve ------------------------------------------------------


def test_continuous_editing_is_still_autosaved(cut, qtbot):
    """Defect 11: the autosave timer restarted on every edit with no cap."""
    doc = cut.doc
    doc.autosave_timer.setInterval(300)  # 30 s in the product
    doc._autosave_cap.setInterval(600)  # 120 s in the product
    saved = []
    doc.autosaved.connect(saved.append)
    shot = doc.project.shots[0]
    for i in range(12):  # an edit every 100 ms for 1.2 s: never a 300 ms pause
        from studio.model.shot_edits import set_shot_fields

        doc.apply(set_shot_fields, shot.id, prompt=f"typing {i}")
        qtbot.wait(100)
    assert saved


# --- defect 12: edits record only what they touch ---------------------------------------------


def test_storyboard_edits_do_not_copy_the_project(cut):
    """Defect 12: each storyboard command deep-copied every shot, take and track twice. An edit
    now records only what it touched: other shots, takes and clips stay the same objects."""
    doc = cut.doc
    shots, takes = list(doc.project.shots), dict(doc.project.takes)
    clips = list(video(cut).clips)
    from studio.model import Shot
    from studio.model.shot_edits import add_shots

    doc.apply(add_shots, [Shot(prompt="new")], 1)
    cut.act_undo.trigger()
    cut.act_redo.trigger()
    cut.act_undo.trigger()
    assert all(a is b for a, b in zip(doc.project.shots, shots, strict=True))
    assert all(doc.project.takes[k] is v for k, v in takes.items())
    assert all(a is b for a, b in zip(video(cut).clips, clips, strict=True))
    assert 0 < doc.undo_stack.undoLimit() <= 1000
