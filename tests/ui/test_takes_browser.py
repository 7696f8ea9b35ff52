"""The takes browser and the retake dialog in the editor, with the real animatic engine and
real take files: play, pick current, delete others, undo restores takes and files."""

from __future__ import annotations

import numpy as np

from studio.layout.landing import switch_take
from studio.media.video import load_frames
from studio.model import Operation, TrackKind
from studio.take_files import TRASH
from tests.ui.conftest import add_take_file

WAIT = 90_000


def clip_takes(project) -> list[str]:
    return [c.take_id for t in project.tracks_of(TrackKind.VIDEO) for c in t.clips]


def three_takes(window):
    doc = window.doc
    shot = doc.project.shots[0]
    takes = [add_take_file(doc.bundle, shot, frames=12) for _ in range(3)]
    doc.apply(switch_take, shot.id, takes[0].id)
    doc.undo_stack.clear()
    return shot, takes


def open_browser(window, qtbot, shot):
    window.storyboard.select([shot.id])
    browser = window.storyboard._takes()
    qtbot.addWidget(browser)
    qtbot.waitUntil(browser.strips_loaded, timeout=WAIT)
    return browser


def test_browser_plays_picks_and_deletes_with_undo(window, qtbot):
    doc = window.doc
    shot, takes = three_takes(window)
    browser = open_browser(window, qtbot, shot)
    assert list(browser.rows) == [t.id for t in takes]
    assert browser.rows[takes[0].id].label.text().startswith("★ current")

    # play: the preview flips through the take's filmstrip, then stops
    browser.rows[takes[1].id].btn_play.click()
    assert browser.playing == takes[1].id
    qtbot.waitUntil(lambda: browser.playing is None, timeout=WAIT)
    assert browser.frames_shown == len(browser.rows[takes[1].id].strip.images) > 1
    assert not browser.preview.pixmap().isNull()

    # pick take 2 as current: the shot and its clip switch; undo switches back
    browser.rows[takes[1].id].btn_pick.click()
    assert doc.project.shot(shot.id).current_take == takes[1].id
    assert clip_takes(doc.project) == [takes[1].id]
    assert browser.rows[takes[1].id].label.text().startswith("★ current")  # rebuilt
    doc.undo_stack.undo()
    assert doc.project.shot(shot.id).current_take == takes[0].id
    assert clip_takes(doc.project) == [takes[0].id]

    # the current take cannot be deleted: said in the dialog, nothing changed
    count = doc.undo_stack.count()
    browser.rows[takes[0].id].btn_delete.click()
    assert "current take" in browser.message.text()
    assert doc.undo_stack.count() == count and len(doc.project.takes) == 3

    # keep take 3, delete the unchecked others: take 2 goes, its file to the trash
    browser.rows[takes[2].id].keep.setChecked(True)
    browser.btn_delete_unchecked.click()
    assert browser.message.text() == ""
    assert set(doc.project.takes) == {takes[0].id, takes[2].id}
    assert list(browser.rows) == [takes[0].id, takes[2].id]
    gone = doc.bundle.path / takes[1].path
    assert not gone.exists() and (doc.bundle.path / TRASH / takes[1].path).is_file()
    assert window.act_undo.text() == "Undo Delete other takes"

    # undo brings back the take and its file exactly; redo deletes again
    window.act_undo.trigger()
    assert set(doc.project.takes) == {t.id for t in takes}
    assert doc.project.takes[takes[1].id] == takes[1]
    assert gone.is_file() and len(browser.rows) == 3
    window.act_redo.trigger()
    assert takes[1].id not in doc.project.takes and not gone.exists()


def test_a_file_shared_with_another_take_is_never_trashed(window, qtbot):
    doc = window.doc
    shot, takes = three_takes(window)
    twin = takes[1].model_copy(update={"id": "twin0000"})
    doc.project.takes[twin.id] = twin  # two takes, one file
    browser = open_browser(window, qtbot, shot)
    browser.delete(takes[1].id)
    assert takes[1].id not in doc.project.takes
    assert (doc.bundle.path / takes[1].path).is_file()


def test_variations_from_the_editor_land_as_one_batch_beside_the_current_take(window, qtbot):
    doc = window.doc
    shot, takes = three_takes(window)
    browser = open_browser(window, qtbot, shot)
    window.storyboard.select([shot.id])  # the inspector shows the shot: N and its button
    inspector = window.inspector.shot
    assert inspector.shot_id == shot.id
    inspector.variation_count.setValue(2)
    submitted = []
    window.ctx.generator.submitted.connect(lambda job, _label: submitted.append(job))
    inspector.btn_variations.click()
    assert len(submitted) == 2
    qtbot.waitUntil(lambda: len(doc.project.takes) == 5, timeout=WAIT)
    new = [t for t in doc.project.takes.values() if t.batch]
    assert len({t.batch for t in new}) == 1 and len({t.seed for t in new}) == 2
    assert doc.project.shot(shot.id).current_take == takes[0].id  # unchanged
    assert len(browser.rows) == 5
    window.act_undo.trigger()  # each landing is one undo step
    assert len(doc.project.takes) == 4


def test_retake_dialog_queues_a_retake_that_keeps_the_rest(window, qtbot):
    from ui.takes.retake_dialog import RetakeDialog, span_from_in_out

    doc = window.doc
    shot, takes = three_takes(window)
    source = takes[0]
    # In/Out on the clip showing the take pre-fill the span (frames 3..9 of 12 at 24 fps)
    clip = next(c for t in doc.project.tracks for c in t.clips if c.take_id == source.id)
    doc.project.in_point, doc.project.out_point = clip.start + 3, clip.start + 9
    assert span_from_in_out(doc.project, source) == (0.125, 0.375)
    dialog = RetakeDialog(window.ctx, source, window)
    qtbot.addWidget(dialog)
    assert (dialog.start.value(), dialog.end.value()) == (0.125, 0.375)
    dialog.accept()
    assert dialog.job_id
    qtbot.waitUntil(lambda: doc.project.shot(shot.id).current_take != source.id, timeout=WAIT)
    new = doc.project.takes[doc.project.shot(shot.id).current_take]
    assert new.operation == Operation.RETAKE and new.retake_of == source.id
    assert new.retake_range == (0.125, 0.375)
    before = load_frames(doc.resolve(source.path)).astype(np.float64)
    after = load_frames(doc.resolve(new.path)).astype(np.float64)
    assert after.shape == before.shape
    kept = [i for i in range(12) if not 3 <= i < 9]
    assert np.abs(after[kept] - before[kept]).mean() < 1.5
    assert np.abs(after[3:9] - before[3:9]).mean() > 10
