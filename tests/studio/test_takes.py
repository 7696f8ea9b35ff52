"""Variations and retakes through the render service and the CLI (real engine, animatic, real
files), and the take edits behind the takes browser: pick, delete, undo, files kept safe."""

from __future__ import annotations

import numpy as np
import pytest

from studio.bundle import Bundle
from studio.cli.main import main
from studio.engine.events import JobFinished
from studio.media.video import load_frames
from studio.model import Clip, MediaItem, MediaKind, Operation, Project, Shot, Take, TakeKind
from studio.model.edit import EditError
from studio.model.take_edits import delete_other_takes, delete_takes, in_use, shot_takes
from studio.render_service import GenerationSettings, land_in_bundle, make_engine
from studio.render_service.takes import (
    land_variation,
    plan_retake,
    plan_variations,
    variation_seeds,
)
from studio.take_files import TRASH, discard, restore

SMALL = GenerationSettings(size=(96, 160))


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return 99.0 if mse == 0 else 10 * np.log10(255.0**2 / mse)


@pytest.fixture
def bundle(tmp_path) -> Bundle:
    shot = Shot(name="1A", prompt="a runner crosses a bridge at dawn", duration=1.0, seed=11)
    return Bundle.create(tmp_path / "film.sbproj", Project(fps=24, shots=[shot]))


def run_jobs(bundle: Bundle, jobs, land) -> list[Take]:
    engine = make_engine(autostart=True)
    try:
        ids = [engine.submit(job.request, job.backend) for job in jobs]
        out = []
        for job_id in ids:
            event = engine.wait(job_id, timeout=120)
            assert isinstance(event, JobFinished), getattr(event, "reason", event)
            out.append(land(bundle, event.take))
        return out
    finally:
        engine.shutdown()


def test_n_variations_are_one_batch_of_distinct_seeds_landed_beside_the_current_take(bundle):
    shot = bundle.project.shots[0]
    jobs = plan_variations(bundle, shot, SMALL, 3)
    assert len({job.request.batch for job in jobs}) == 1
    assert [job.request.seed for job in jobs] == [11, 12, 13]  # from the shot's own seed
    assert jobs[1].request.label == "Shot 1A · variation 2/3"
    takes = run_jobs(bundle, jobs, land_variation)
    project = bundle.project
    assert len(takes) == 3 and {t.id for t in takes} <= set(project.takes)
    assert len({t.seed for t in takes}) == 3
    assert {t.batch for t in takes} == {jobs[0].request.batch}
    assert all(t.shot_id == shot.id and t.operation == Operation.GENERATE for t in takes)
    # the first lands as the shot's take (it had none); the others wait in the browser
    assert project.shots[0].current_take == takes[0].id
    assert [t.id for t in shot_takes(project, shot.id)] == [t.id for t in takes]
    pictures = [load_frames(bundle.path / t.path) for t in takes]
    assert psnr(pictures[0][5], pictures[1][5]) < 30  # distinct seeds, distinct takes


def test_variation_seeds_are_distinct_and_wrap():
    assert variation_seeds(2**32 - 1, 3) == [2**32 - 1, 0, 1]
    with pytest.raises(Exception, match="between 1 and 16"):
        plan_variations(None, None, SMALL, 17)  # refused before anything is looked at


def test_retake_through_the_service_keeps_lineage_and_becomes_current(bundle):
    shot = bundle.project.shots[0]
    (first,) = run_jobs(bundle, plan_variations(bundle, shot, SMALL, 1), land_variation)
    job = plan_retake(bundle, first, 0.25, 0.5, SMALL)
    assert job.request.operation == Operation.RETAKE
    assert job.request.sources[0].take_id == first.id and job.request.seed != first.seed
    (new,) = run_jobs(bundle, [job], land_in_bundle)
    assert new.retake_of == first.id and new.retake_range == (0.25, 0.5)
    assert bundle.project.shots[0].current_take == new.id
    before, after = load_frames(bundle.path / first.path), load_frames(bundle.path / new.path)
    assert min(psnr(before[i], after[i]) for i in [*range(6), *range(12, 24)]) > 40
    assert max(psnr(before[i], after[i]) for i in range(6, 12)) < 30


def _project_with_takes(tmp_path) -> tuple[Bundle, list[Take]]:
    shot = Shot(prompt="a quay", duration=0.5)
    bundle = Bundle.create(tmp_path / "p.sbproj", Project(shots=[shot]))
    takes = []
    for i in range(3):
        rel = f"takes/t{i}.mp4"
        (bundle.path / rel).write_bytes(b"take %d" % i)
        take = Take(shot_id=shot.id, path=rel, engine="animatic", fps=24, frames=12, seed=i)
        bundle.project.takes[take.id] = take
        takes.append(take)
    from studio.layout.landing import switch_take

    switch_take(bundle.project, shot.id, takes[0].id)  # the shot shows take 0
    return bundle, takes


def test_delete_is_refused_for_a_take_in_use_and_undo_restores_exactly(tmp_path):
    bundle, takes = _project_with_takes(tmp_path)
    project = bundle.project
    before = project.model_copy(deep=True)
    with pytest.raises(EditError, match="current take"):
        delete_takes(project, [takes[0].id])
    assert project == before  # a refused edit changes nothing
    edit = delete_other_takes(project, project.shots[0].id, keep=[takes[1].id])
    assert set(project.takes) == {takes[0].id, takes[1].id}  # in use, kept
    edit.undo(project)
    assert project == before
    edit.redo(project)
    assert takes[2].id not in project.takes


def test_deleting_a_picture_takes_its_linked_sound_unless_used(tmp_path):
    bundle, takes = _project_with_takes(tmp_path)
    project = bundle.project
    sound = Take(shot_id=takes[1].shot_id, kind=TakeKind.AUDIO, path="takes/s.wav", engine="x")
    project.takes[sound.id] = sound
    project.takes[takes[1].id] = takes[1].model_copy(update={"linked": sound.id})
    delete_takes(project, [takes[1].id])
    assert sound.id not in project.takes and takes[1].id not in project.takes
    assert takes[0].id in in_use(project)


def test_a_retake_carries_the_takes_linked_sound(tmp_path):
    """An LTX-2 retake keeps the source's sound outside the span: the job names that file."""
    bundle, takes = _project_with_takes(tmp_path)
    project = bundle.project
    sound = Take(shot_id=takes[1].shot_id, kind=TakeKind.AUDIO, path="takes/s.wav", engine="x")
    project.takes[sound.id] = sound
    project.takes[takes[1].id] = takes[1].model_copy(update={"linked": sound.id})
    job = plan_retake(bundle, project.takes[takes[1].id], 0.1, 0.3, SMALL)
    assert job.request.sources[0].sound == str(bundle.take_file(sound.id))
    assert plan_retake(bundle, takes[2], 0.1, 0.3, SMALL).request.sources[0].sound is None


def test_a_deleted_takes_file_goes_to_the_trash_only_when_nothing_uses_it(tmp_path):
    bundle, takes = _project_with_takes(tmp_path)
    project = bundle.project
    # take 2's file is also an imported clip's media: it must stay where it is
    project.media.append(MediaItem(path=takes[2].path, kind=MediaKind.VIDEO))
    delete_takes(project, [takes[1].id, takes[2].id])
    moved = discard(bundle.path, project, [takes[1].path, takes[2].path])
    assert moved == [takes[1].path]
    assert not (bundle.path / takes[1].path).exists()
    assert (bundle.path / TRASH / takes[1].path).read_bytes() == b"take 1"
    assert (bundle.path / takes[2].path).is_file()
    assert restore(bundle.path, moved) == moved  # Undo brings the file back
    assert (bundle.path / takes[1].path).read_bytes() == b"take 1"


def test_another_take_sharing_the_file_keeps_it(tmp_path):
    bundle, takes = _project_with_takes(tmp_path)
    project = bundle.project
    twin = takes[1].model_copy(update={"id": "twin"})
    project.takes["twin"] = twin
    delete_takes(project, [takes[1].id])
    assert discard(bundle.path, project, [takes[1].path]) == []
    assert (bundle.path / takes[1].path).is_file()


def test_opening_settles_the_trash_restoring_what_the_saved_project_uses(tmp_path):
    bundle, takes = _project_with_takes(tmp_path)
    bundle.save()  # saved with all three takes
    project = bundle.project
    # take 1 deleted but never saved (the editor was closed without saving): comes back
    delete_takes(project, [takes[1].id])
    assert discard(bundle.path, project, [takes[1].path]) == [takes[1].path]
    assert not (bundle.path / takes[1].path).exists()
    Bundle.load(bundle.path)
    assert (bundle.path / takes[1].path).read_bytes() == b"take 1"
    # take 2 deleted and saved: its file is removed on the next open, and the trash with it
    delete_takes(project, [takes[2].id])
    project.takes[takes[1].id] = takes[1]
    discard(bundle.path, project, [takes[2].path])
    bundle.save()
    assert (bundle.path / TRASH / takes[2].path).is_file()
    reopened = Bundle.load(bundle.path)
    assert not (bundle.path / takes[2].path).exists() and not (bundle.path / TRASH).exists()
    assert set(reopened.project.takes) == {takes[0].id, takes[1].id}


def test_a_link_in_the_trash_is_never_followed(tmp_path):
    bundle, _ = _project_with_takes(tmp_path)
    precious = tmp_path / "precious.txt"
    precious.write_text("mine")
    (bundle.path / TRASH / "takes").mkdir(parents=True)
    (bundle.path / TRASH / "takes" / "evil.mp4").symlink_to(precious)
    Bundle.load(bundle.path)
    assert precious.read_text() == "mine"


def test_cli_variations_and_retake(bundle, capsys):
    assert (
        main(["variations", str(bundle.path), "--shot", "1A", "-n", "2", "--size", "96x160"]) == 0
    )
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2 and "seed 11" in lines[0] and "seed 12" in lines[1]
    project = Bundle.load(bundle.path).project
    batch = {t.batch for t in project.takes.values()}
    assert len(project.takes) == 2 and len(batch) == 1 and None not in batch
    args = ["retake", str(bundle.path), "--shot", "1", "--start", "0.5", "--end", "0.75"]
    assert main([*args, "--size", "96x160"]) == 0
    out = capsys.readouterr().out
    project = Bundle.load(bundle.path).project
    current = project.takes[project.shots[0].current_take]
    assert current.retake_range == (0.5, 0.75) and f"retake of {current.retake_of}" in out


def test_cli_refuses_a_script_and_a_bad_range(bundle, tmp_path, capsys):
    script = tmp_path / "board.toml"
    script.write_text('[[shot]]\nprompt = "x"\nduration = 1.0\n')
    assert main(["variations", str(script), "--shot", "1"]) == 2
    assert "render" in capsys.readouterr().err
    assert main(["variations", str(bundle.path), "--shot", "9"]) == 2
    assert "no shot '9'" in capsys.readouterr().err
    assert main(["variations", str(bundle.path), "--shot", "1", "-n", "2", "--size", "96x160"]) == 0
    capsys.readouterr()
    args = ["retake", str(bundle.path), "--shot", "1", "--start", "0.9", "--end", "0.3"]
    assert main(args) == 2
    assert "retake_range" in capsys.readouterr().err


def test_a_clip_showing_a_take_protects_it(tmp_path):
    bundle, takes = _project_with_takes(tmp_path)
    project = bundle.project
    track = project.tracks[0] if project.tracks else None
    if track is None:
        pytest.skip("no track")
    track.clips.append(Clip(take_id=takes[2].id, start=10_000, duration=5))
    with pytest.raises(EditError, match="clip on the timeline"):
        delete_takes(project, [takes[2].id])
