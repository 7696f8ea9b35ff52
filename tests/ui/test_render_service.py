"""The editor on the render service (issue 11, defects 1 and 6), with the real animatic engine:
a Save As while jobs are queued, running and finishing keeps every take; the editor queues the
same requests as the CLI (seeds, sound); a take that cannot be kept is reported; the saved
queue still lands after a restart, wherever the project's folder went."""

from __future__ import annotations

import shutil
import threading
import zlib
from pathlib import Path

import pytest

from studio.bundle import Bundle
from studio.engine.events import JobFinished
from studio.model import Shot
from tests.ui.conftest import small_project

WAIT = 90_000


@pytest.fixture
def open_window(qtbot, engine):
    """Opens a MainWindow on a Document; closes every window it opened."""
    from ui.main_window import MainWindow

    windows = []

    def open_(doc, eng=None):
        win = MainWindow(doc, eng or engine)
        win.offer_recovery_on_show = False
        win.show()
        windows.append(win)
        return win

    yield open_
    for win in windows:
        win.doc.undo_stack.setClean()
        win.close()
        win.deleteLater()


def take_files(folder: Path, project) -> list[Path]:
    return [folder / project.takes[s.current_take].path for s in project.shots]


def test_save_as_keeps_the_takes_of_queued_running_and_finishing_jobs(
    open_window, engine, qtbot, tmp_path
):
    from ui.document import Document

    doc = Document.new(small_project(3))
    win = open_window(doc)
    gen, shots = win.ctx.generator, doc.project.shots
    scratch = doc.bundle.path
    gate, entered = threading.Event(), threading.Event()

    def hold_second_shot(request):  # a real preflight on the engine thread: the job is running
        if request.shot_id == shots[1].id:
            entered.set()
            gate.wait(60)

    engine.add_preflight(hold_second_shot)
    finishing, running, queued = (gen.generate([s.id])[0] for s in shots)
    # the first job ends while the GUI thread is busy: its JobFinished is not delivered yet
    assert isinstance(engine.wait(finishing, timeout=60), JobFinished)
    assert entered.wait(60)
    assert engine.running_job == running
    assert [j.id for j in engine.queue.pending()] == [queued]

    assert win.files.save_as(tmp_path / "Saved")  # the untitled project's folder moves
    saved = tmp_path / "Saved.sbproj"
    assert doc.bundle.path == saved and not scratch.exists()
    gate.set()

    qtbot.waitUntil(lambda: all(s.current_take for s in doc.project.shots), timeout=WAIT)
    assert all(f.is_file() and f.is_relative_to(saved) for f in take_files(saved, doc.project))
    assert [gen.status[s.id] for s in shots] == ["ready"] * 3
    assert all(win.queue.rows[j].state == "done" for j in (finishing, running, queued))
    assert not scratch.exists()  # nothing wrote into the old folder afterwards
    win.files.save()
    again = Bundle.load(saved)
    assert [s.current_take for s in again.project.shots] == [s.current_take for s in shots]
    assert all(f.is_file() for f in take_files(saved, again.project))


def project_with_sound():
    project = small_project(3)
    project.shots[0].seed = None  # its seed follows from the prompt
    project.shots[1].audio = "rain on a tin roof"
    project.shots[2].audio = "a distant train"
    project.shots.append(Shot(prompt="an empty platform", duration=0.5, name="4B"))
    return project


def test_editor_and_cli_queue_identical_requests(open_window, engine, tmp_path):
    from studio.pipeline import RenderOptions, plan
    from studio.render_service import check_consent
    from ui.document import Document

    bundle = Bundle.create(tmp_path / "film.sbproj", project_with_sound())
    win = open_window(Document.open(bundle.path))
    win.ctx.bridge.set_paused(True)
    assert len(win.ctx.generator.generate_all()) == 6  # four pictures, two sounds
    editor = [(j.backend, j.request.model_dump()) for j in engine.queue.pending()]

    cli_bundle = Bundle.load(bundle.path)
    jobs = plan(cli_bundle, RenderOptions(output=tmp_path / "out.mp4"))
    check_consent(jobs, cli_bundle.project)  # as `storyboard-studio render` does
    cli = [(j.backend, j.request.model_dump()) for j in jobs]
    assert editor == cli

    pictures = [r for b, r in editor if b == "animatic"]
    sounds = [r for b, r in editor if b != "animatic"]
    shots = bundle.project.shots
    assert [r["seed"] for r in pictures] == [
        zlib.crc32(shots[0].prompt.encode("utf-8")),
        1,
        2,
        zlib.crc32(shots[3].prompt.encode("utf-8")),
    ]
    assert [r["prompt"] for r in sounds] == ["rain on a tin roof", "a distant train"]
    assert {r["project_id"] for b, r in editor} == {bundle.project.id}

    # `--seed N` gives shot k the seed N+k in the CLI
    seeded = plan(cli_bundle, RenderOptions(output=tmp_path / "o.mp4", seed=100, sound=False))
    assert [j.request.seed for j in seeded] == [100, 101, 102, 103]


def test_sound_field_generates_a_sound_take_in_the_editor(window, qtbot):
    doc, gen = window.doc, window.ctx.generator
    shot = doc.project.shots[0]
    shot.audio = "wind in the trees"
    jobs = gen.generate([shot.id])
    assert len(jobs) == 2
    now = lambda: doc.project.shot(shot.id)  # noqa: E731 - landing replaces the shot object
    qtbot.waitUntil(lambda: bool(now().current_take and now().sound_take), timeout=WAIT)
    sound = doc.project.takes[now().sound_take]
    assert sound.kind == "audio" and doc.resolve(sound.path).is_file()
    assert sound.prompt == "wind in the trees"
    assert len(gen.generate([shot.id])) == 1  # the sound is current: only a new picture


def test_a_take_that_cannot_be_kept_is_reported(window, qtbot):
    doc, gen = window.doc, window.ctx.generator
    shot = doc.project.shots[0]
    takes = doc.bundle.path / "takes"
    shutil.rmtree(takes)
    takes.write_text("a file where the takes folder should be")
    messages = []
    gen.landingFailed.connect(lambda _job, message: messages.append(message))
    job = gen.generate([shot.id])[0]
    qtbot.waitUntil(lambda: bool(messages), timeout=WAIT)
    assert gen.status[shot.id].startswith("failed: take not kept")
    assert window.queue.rows[job].state == "failed"
    assert messages[0] in window.statusBar().currentMessage()
    kept = Path(messages[0].rsplit("kept at ", 1)[1])
    assert kept.is_file()  # the generated file is not lost
    assert doc.project.shot(shot.id).current_take is None and doc.undo_stack.count() == 0


def test_saved_queue_lands_after_a_restart_in_the_moved_project(open_window, qtbot, tmp_path):
    """Jobs queued, the app quits, the project's folder is moved; on the next start the restored
    jobs find the project by its id and land there."""
    from studio.render_service import GenerationSettings, plan_shots
    from ui.document import Document
    from ui.generation import make_engine

    bundle = Bundle.create(tmp_path / "before.sbproj", small_project(2))
    first = make_engine()
    first.pause()
    planned = plan_shots(
        bundle, bundle.project.shots, GenerationSettings(), redo_pictures=True, redo_sounds=False
    )
    ids = [first.submit(j.request, j.backend) for j in planned]
    first.shutdown()

    moved = tmp_path / "elsewhere" / "after.sbproj"
    moved.parent.mkdir()
    shutil.move(bundle.path, moved)
    second = make_engine()
    try:
        assert [j.id for j in second.queue.pending()] == ids
        win = open_window(Document.open(moved), second)
        doc = win.doc
        win.ctx.bridge.set_paused(False)
        qtbot.waitUntil(lambda: all(s.current_take for s in doc.project.shots), timeout=WAIT)
        assert all(f.is_file() and f.is_relative_to(moved) for f in take_files(moved, doc.project))
        assert not bundle.path.exists()
    finally:
        second.shutdown()
