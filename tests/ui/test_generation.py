"""Generation from the editor with the real animatic engine: takes land on the timeline,
jobs can be cancelled, paused, reordered and retried, previews are coalesced."""

from __future__ import annotations

import time

from PySide6.QtWidgets import QApplication

from studio.model import TrackKind

WAIT = 90_000


def video_clips(project):
    return [c for t in project.tracks_of(TrackKind.VIDEO) for c in t.clips]


def test_generate_shot_lands_on_timeline(window, qtbot):
    doc = window.doc
    shot = doc.project.shots[1]
    window.storyboard.select([shot.id])
    jobs = window.storyboard.generate_selected()
    assert len(jobs) == 1
    qtbot.waitUntil(lambda: window.doc.project.shot(shot.id).current_take is not None, timeout=WAIT)
    take = doc.project.takes[doc.project.shot(shot.id).current_take]
    assert take.engine == "animatic" and take.shot_id == shot.id
    assert doc.resolve(take.path).is_file()
    clips = video_clips(doc.project)
    assert [c.take_id for c in clips] == [take.id]
    assert window.timeline.item_count == 1  # the timeline widget shows it
    row = window.queue.rows[jobs[0]]
    assert row.state == "done" and row.bar.value() == 100
    assert window.ctx.generator.status[shot.id] == "ready"
    assert window.act_undo.text() == "Undo New take: Shot 2"

    # a second take is added beside the first; the clip switches to it, with an undo
    window.storyboard.reroll_selected()
    qtbot.waitUntil(lambda: len(doc.project.takes) == 2, timeout=WAIT)
    second = doc.project.shot(shot.id).current_take
    assert second != take.id and take.id in doc.project.takes
    assert [c.take_id for c in video_clips(doc.project)] == [second]
    window.act_undo.trigger()
    assert doc.project.shot(shot.id).current_take == take.id
    assert [c.take_id for c in video_clips(doc.project)] == [take.id]
    assert window.timeline.item_count == 1
    window.act_undo.trigger()
    assert doc.project.shot(shot.id).current_take is None and not video_clips(doc.project)
    assert window.timeline.item_count == 0
    window.act_redo.trigger()
    assert [c.take_id for c in video_clips(doc.project)] == [take.id]


def test_cancel_running_job(window, qtbot):
    doc = window.doc
    shot = doc.project.shots[0]
    shot.duration = 30.0  # long enough to still be running when we cancel
    job = window.ctx.generator.generate([shot.id])[0]
    row = window.queue.rows[job]
    qtbot.waitUntil(lambda: row.step >= 1, timeout=WAIT)
    assert row.state == "running" and row.btn_cancel.isVisible()
    row.btn_cancel.click()
    qtbot.waitUntil(lambda: row.state == "cancelled", timeout=WAIT)
    assert row.status.text() == "Cancelled" and row.btn_retry.isVisible()
    assert doc.project.takes == {} and doc.project.shot(shot.id).current_take is None
    assert not list((doc.bundle.path / "takes").glob("*.mp4"))  # nothing half-written kept
    assert doc.undo_stack.count() == 0


def test_pause_reorder_and_cancel_pending(window, qtbot):
    gen, queue = window.ctx.generator, window.queue
    queue.act_pause.trigger()
    qtbot.waitUntil(lambda: window.ctx.bridge.paused)
    jobs = gen.generate([s.id for s in window.doc.project.shots])
    pending = lambda: [j.id for j in window.ctx.bridge.engine.queue.pending()]  # noqa: E731
    assert pending() == jobs
    queue.rows[jobs[2]].btn_up.click()
    assert pending() == [jobs[0], jobs[2], jobs[1]]
    queue.rows[jobs[0]].btn_down.click()
    assert pending() == [jobs[2], jobs[0], jobs[1]]
    for j in jobs:
        queue.rows[j].btn_cancel.click()
    qtbot.waitUntil(lambda: all(queue.rows[j].state == "cancelled" for j in jobs), timeout=WAIT)
    assert pending() == []
    assert "paused" in queue.summary.text()


def test_failure_shows_message_and_retry(window, qtbot):
    doc = window.doc
    shot = doc.project.shots[2]
    shot.image = "media/missing.png"  # the reference image is gone
    job = window.ctx.generator.generate([shot.id])[0]
    row = window.queue.rows[job]
    qtbot.waitUntil(lambda: row.state == "failed", timeout=WAIT)
    assert "missing.png" in row.status.text()
    assert row.btn_retry.isVisible()
    assert window.ctx.generator.status[shot.id].startswith("failed")
    shot.image = None
    window.ctx.generator.jobs[job].request.image = None  # the user fixed the cause
    row.btn_retry.click()
    assert job not in window.queue.rows and len(window.queue.rows) == 1
    qtbot.waitUntil(lambda: window.doc.project.shot(shot.id).current_take is not None, timeout=WAIT)


def test_previews_are_coalesced_while_the_gui_is_busy(window, qtbot):
    bridge = window.ctx.bridge
    shown = []
    bridge.preview.connect(lambda job, step, image: shown.append((job, step, image.size())))
    shot = window.doc.project.shots[0]
    shot.duration = 2.0
    job = window.ctx.generator.generate([shot.id])[0]
    engine = bridge.engine
    # keep the GUI thread busy (no event processing) until the job is done on its thread
    assert engine.wait(job, timeout=WAIT) is not None
    time.sleep(0.1)
    QApplication.processEvents()
    qtbot.waitUntil(lambda: window.doc.project.shot(shot.id).current_take is not None, timeout=WAIT)
    # at most one stale preview was delivered for the job: the rest were dropped, not queued
    assert len(shown) <= 1
    assert bridge.previews_dropped >= 1


def test_extend_and_loop_from_the_editor(window, qtbot):
    from studio.model import Operation

    doc, gen = window.doc, window.ctx.generator
    shot = doc.project.shots[0]
    gen.generate([shot.id])
    qtbot.waitUntil(lambda: window.doc.project.shot(shot.id).current_take is not None, timeout=WAIT)
    first = doc.project.shot(shot.id).current_take
    length_before = doc.project.duration_frames

    assert gen.continue_take(shot.id, Operation.EXTEND, 0.5)
    qtbot.waitUntil(lambda: doc.project.shot(shot.id).current_take != first, timeout=WAIT)
    shot = doc.project.shot(shot.id)
    longer = doc.project.takes[shot.current_take]
    assert longer.extend_of == first and longer.frames == 24  # 0.5 s take + 0.5 s more
    assert shot.duration == 1.0 and doc.project.duration_frames == length_before + 12

    assert gen.continue_take(shot.id, Operation.LOOP)
    qtbot.waitUntil(lambda: doc.project.shot(shot.id).current_take != longer.id, timeout=WAIT)
    loop = doc.project.takes[doc.project.shot(shot.id).current_take]
    assert loop.loop_of == longer.id and loop.frames == longer.frames
    window.act_undo.trigger()  # each landing is one undo step
    assert doc.project.shot(shot.id).current_take == longer.id


def test_an_engine_warning_shows_on_its_job_row(window, qtbot):
    """A JobWarning (e.g. "LTX-Video takes no reference pictures") reaches the queue row from
    the engine thread and stays visible after the job lands."""
    import threading

    from studio.engine.events import JobWarning

    shot = window.doc.project.shots[0]
    job = window.ctx.generator.generate([shot.id])[0]
    row = window.queue.rows[job]
    message = "ltx-video takes no reference pictures: Oro's first picture opens the shot"
    sender = threading.Thread(
        target=window.ctx.bridge._on_engine_thread, args=(JobWarning(job, message=message),)
    )
    sender.start()
    sender.join()
    qtbot.waitUntil(lambda: row.warning.isVisibleTo(row), timeout=WAIT)
    assert message in row.warning.text()
    qtbot.waitUntil(lambda: row.state == "done", timeout=WAIT)
    assert message in row.warning.text()
