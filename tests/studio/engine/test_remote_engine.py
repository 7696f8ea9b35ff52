"""The diffusion engine in a worker process (the desktop bundle's way, when the editor's own
Python has no torch), on the tiny random-weight pipelines. The "separate environment" here is
this venv's Python, started as a child process that speaks the engine's events over a pipe."""

from __future__ import annotations

import os
import signal
import sys

import numpy as np
import pytest

from studio.engine.events import JobCancelled, JobFailed, JobFinished, PreviewFrame, StepProgress
from studio.engine.remote.backend import RemoteDiffusersBackend
from studio.engine.request import GenerationRequest
from studio.engine.worker import Engine
from studio.media.video import probe

SIZE = (96, 64)


@pytest.fixture(scope="module")
def remote(tiny_models):
    """One worker-process backend for the module (starting a worker imports torch: slow)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("STUDIO_MODEL_PATH", str(tiny_models))
        backend = RemoteDiffusersBackend(sys.executable, "tiny-ltx", "cpu", 2)
        yield backend
        backend.release()


def engine_with(backend, tmp_path, events):
    engine = Engine({"diffusers": backend}, queue_path=tmp_path / "queue.json")
    engine.subscribe(events.append)
    return engine


def run(engine, **kw):
    kw.setdefault("duration", 0.5)
    kw.setdefault("size", SIZE)
    job = engine.submit(GenerationRequest(**kw), backend="diffusers")
    event = engine.wait(job, timeout=240)
    assert event is not None, "job did not end"
    return job, event


def sampling_steps(events, job):
    return [
        e.step
        for e in events
        if isinstance(e, StepProgress) and e.job_id == job and e.phase == "sampling"
    ]


def test_progress_and_previews_come_from_the_worker(remote, tmp_path):
    events = []
    engine = engine_with(remote, tmp_path, events)
    try:
        job, event = run(engine, prompt="a lighthouse at dusk", steps=3, seed=4)
    finally:
        engine.shutdown()
    assert isinstance(event, JobFinished), getattr(event, "reason", event)
    assert remote.worker_info["pid"] != os.getpid()  # generated in another process
    assert sampling_steps(events, job) == [1, 2, 3]
    previews = [e for e in events if isinstance(e, PreviewFrame) and e.job_id == job]
    steps = [p.step for p in previews]
    # previews are made within a time budget (a loaded machine skips some); every one the
    # worker made arrives here, in step order
    assert steps and steps[0] == 1 and steps == sorted(set(steps)) and set(steps) <= {1, 2, 3}
    assert len(previews) == event.take.params["previews"]
    img = previews[-1].image
    assert img.dtype == np.uint8 and img.ndim == 3 and img.shape[2] == 3 and img.shape[0] >= 32
    take = event.take
    info = probe(take.path)
    assert (info.width, info.height) == SIZE and info.frames == take.frames == 13
    assert take.engine == "diffusers" and take.params["pipeline"] == "LTXPipeline"
    assert take.params["steps"] == 3 and take.params["seed"] == 4


def test_cancel_stops_the_worker_within_a_step_and_it_goes_on(remote, tmp_path):
    events = []
    engine = engine_with(remote, tmp_path, events)
    cancelled: list[str] = []

    def cancel_on_first_step(event):
        if isinstance(event, StepProgress) and event.phase == "sampling" and event.step == 1:
            if not cancelled:
                cancelled.append(event.job_id)
                engine.cancel(event.job_id)

    engine.subscribe(cancel_on_first_step)
    try:
        job, event = run(engine, prompt="slow one", steps=12)
        pid = remote.pid
        assert isinstance(event, JobCancelled)
        assert max(sampling_steps(events, job)) <= 2
        assert not any(
            isinstance(e, StepProgress) and e.phase == "decoding" and e.job_id == job
            for e in events
        )
        _, after = run(engine, prompt="next one")
    finally:
        engine.shutdown()
    assert isinstance(after, JobFinished), getattr(after, "reason", after)
    assert pid is not None and remote.worker_info["pid"] == pid  # cancel did not kill it


def test_a_killed_worker_fails_only_its_job_and_the_next_job_runs(remote, tmp_path):
    events = []
    engine = engine_with(remote, tmp_path, events)
    killed: list[int] = []

    def kill_on_first_step(event):
        if isinstance(event, StepProgress) and event.phase == "sampling" and not killed:
            killed.append(remote.pid)
            os.kill(remote.pid, signal.SIGKILL)

    engine.subscribe(kill_on_first_step)
    try:
        first = engine.submit(
            GenerationRequest(prompt="doomed", duration=0.5, size=SIZE, steps=12),
            backend="diffusers",
        )
        second = engine.submit(
            GenerationRequest(prompt="survivor", duration=0.5, size=SIZE), backend="diffusers"
        )
        a, b = engine.wait(first, timeout=240), engine.wait(second, timeout=240)
    finally:
        engine.shutdown()
    assert isinstance(a, JobFailed) and "stopped" in a.reason and "signal 9" in a.reason
    assert isinstance(b, JobFinished), getattr(b, "reason", b)
    assert b.take.path and probe(b.take.path).frames == b.take.frames
    assert remote.worker_info["pid"] != killed[0]  # a fresh worker ran the next job


def test_consent_is_checked_in_the_worker(remote, tmp_path, studio_home):
    """The engine here has no preflight at all: only the worker can refuse the cameo."""
    from studio.cameo.guard import refusals_log

    remote.release()  # the next worker starts with this test's user folder
    events = []
    engine = engine_with(remote, tmp_path, events)
    try:
        job, event = run(engine, prompt="@nobody_granted dances on a roof")
    finally:
        engine.shutdown()
    assert isinstance(event, JobFailed)
    assert "refused" in event.reason and "nobody_granted" in event.reason
    assert not any(isinstance(e, StepProgress) and e.phase == "sampling" for e in events)
    stages = [e.stage for e in refusals_log().entries()]
    assert stages == ["worker"]


def test_the_service_engine_uses_a_worker_only_without_torch_here(monkeypatch, tmp_path):
    from studio.engine.diffusion.backend import DiffusersBackend
    from studio.errors import EngineFailure
    from studio.render_service import make_engine

    engine = make_engine(autostart=False)
    assert isinstance(engine.backend("diffusers"), DiffusersBackend)  # torch here: in-process

    monkeypatch.setenv("STUDIO_ENGINE_PROCESS", "1")  # behave like the bundle (no torch)
    with pytest.raises(EngineFailure, match="engine install"):
        make_engine(autostart=False).backend("diffusers")
    monkeypatch.setenv("STUDIO_ENGINE_PYTHON", sys.executable)
    backend = make_engine(autostart=False).backend("diffusers")
    assert isinstance(backend, RemoteDiffusersBackend) and backend.pid is None  # starts lazily


def test_a_cast_warning_comes_from_the_worker(remote, tmp_path):
    """LTX-Video takes no reference pictures: the worker says so, and the character's first
    picture opens the shot (recorded by hash on the take)."""
    import hashlib

    from PIL import Image

    from studio.engine.events import JobWarning
    from studio.engine.request import CastReference

    picture = tmp_path / "oro.png"
    Image.new("RGB", (32, 24), (250, 120, 20)).save(picture)
    events = []
    engine = engine_with(remote, tmp_path, events)
    try:
        cast = [CastReference(key="Oro", description="an orange robot", images=[str(picture)])]
        job, event = run(engine, prompt="Oro waves", cast=cast, previews=False)
    finally:
        engine.shutdown()
    assert isinstance(event, JobFinished), getattr(event, "reason", event)
    warnings = [e.message for e in events if isinstance(e, JobWarning) and e.job_id == job]
    assert len(warnings) == 1 and "LTX-Video cannot take reference pictures" in warnings[0]
    take = event.take
    assert take.cast == ["Oro"] and take.params["first_frame"] == "oro.png"
    assert take.references == [hashlib.sha256(picture.read_bytes()).hexdigest()]
    assert "an orange robot" in take.prompt
