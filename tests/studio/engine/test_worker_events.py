"""Engine event order and takes that finish for a project that is not open."""

from __future__ import annotations

from studio.bundle import Bundle
from studio.engine.animatic import AnimaticBackend
from studio.engine.events import JobFailed, JobFinished, JobQueued, JobStarted
from studio.engine.request import GenerationRequest
from studio.engine.worker import Engine
from studio.model import OutputFormat, Project, Shot
from studio.render_service import keep_in_closed_project


def test_queued_always_comes_before_started(tmp_path):
    engine = Engine({"animatic": AnimaticBackend()})
    events = []
    engine.subscribe(lambda e: events.append(e))
    ids = [
        engine.submit(
            GenerationRequest(
                prompt=f"a boat {i}",
                duration=0.1,
                fps=24,
                format=OutputFormat.SQUARE,
                size=(32, 32),
                bundle=str(tmp_path),
            )
        )
        for i in range(3)
    ]
    for job_id in ids:
        assert isinstance(engine.wait(job_id, timeout=60), JobFinished)
        assert engine.job_of(job_id).request.bundle == str(tmp_path)
    engine.shutdown()
    for job_id in ids:
        kinds = [type(e) for e in events if e.job_id == job_id]
        assert kinds.index(JobQueued) < kinds.index(JobStarted)


def test_take_of_a_closed_project_is_recorded_beside_the_others(tmp_path):
    shot = Shot(prompt="a lighthouse")
    bundle = Bundle.create(tmp_path / "p.sbproj", Project(shots=[shot]))
    engine = Engine({"animatic": AnimaticBackend()})
    job = engine.submit(
        GenerationRequest(
            prompt="a lighthouse",
            duration=0.1,
            shot_id=shot.id,
            size=(32, 32),
            project_id=bundle.project.id,
            bundle=str(bundle.path),
        )
    )
    event = engine.wait(job, timeout=60)
    engine.shutdown()
    keep_in_closed_project(bundle.path, event.take, bundle.project.id)
    loaded = Bundle.load(bundle.path)
    assert event.take.id in loaded.project.takes and loaded.take_file(event.take.id).is_file()
    assert loaded.project.shots[0].current_take is None  # kept beside, not swapped in silently


class RaisingBackend(AnimaticBackend):
    """The animatic backend, except that a prompt naming an exception raises it (the way a
    library deep inside a backend may call sys.exit() or raise KeyboardInterrupt)."""

    RAISES = {"exit": SystemExit(3), "interrupt": KeyboardInterrupt(), "genexit": GeneratorExit()}

    def generate(self, request, ctx):
        if request.prompt in self.RAISES:
            raise self.RAISES[request.prompt]
        return super().generate(request, ctx)


def test_a_backend_raising_a_base_exception_fails_only_that_job(tmp_path):
    engine = Engine({"animatic": RaisingBackend()}, queue_path=tmp_path / "queue.json")

    def submit(prompt: str) -> str:
        request = GenerationRequest(
            prompt=prompt, duration=0.1, size=(32, 32), bundle=str(tmp_path), previews=False
        )
        return engine.submit(request)

    try:
        for prompt, name in [
            ("exit", "SystemExit: 3"),
            ("interrupt", "KeyboardInterrupt"),
            ("genexit", "GeneratorExit"),
        ]:
            bad, good = submit(prompt), submit("a boat at dawn")
            failed = engine.wait(bad, timeout=60)
            assert isinstance(failed, JobFailed) and name in failed.reason
            assert isinstance(engine.wait(good, timeout=60), JobFinished)  # the next job runs
    finally:
        engine.shutdown()
