"""The farm engine on a local Ray cluster: concurrency, affinity, events, cancel, lost workers,
a restarted driver. Real animatic and tiny random-weight diffusers pipelines on the workers."""

from __future__ import annotations

import time

import numpy as np
import pytest

from studio.engine.animatic import AnimaticBackend
from studio.engine.events import (
    JobCancelled,
    JobFailed,
    JobFinished,
    JobQueued,
    JobStarted,
    PreviewFrame,
    StepProgress,
)
from studio.engine.request import GenerationRequest
from studio.engine.worker import Engine
from studio.farm.engine import FarmEngine
from studio.farm.pool import WorkerPool, start_worker
from studio.media.video import load_frames
from tests.studio.farm.conftest import Recorder, animatic, take_files

ray = pytest.importorskip("ray", reason="the render farm needs Ray: pip install -e '.[farm]'")


def test_four_shots_on_two_workers_run_at_once_and_land_like_local_takes(farm, bundle, tmp_path):
    rec = Recorder()
    farm.subscribe(rec)
    requests = [animatic(bundle, f"a paper boat on a pond, shot {i}", seed=i) for i in range(4)]
    ids = [farm.submit(r) for r in requests]
    ends = [farm.wait(j, timeout=180) for j in ids]
    assert all(isinstance(e, JobFinished) for e in ends), ends
    workers = {e.take.params["farm"]["worker"] for e in ends}
    assert len(workers) == 2  # both workers were used
    spans = {
        j: (rec.when(j, JobStarted)[0], rec.when(j, JobFinished)[0], e.take.params["farm"])
        for j, e in zip(ids, ends, strict=True)
    }
    assert any(  # two jobs on different workers were running at the same time
        a[0] < b[1] and b[0] < a[1] and a[2]["worker"] != b[2]["worker"]
        for x, a in spans.items()
        for y, b in spans.items()
        if x < y
    )
    assert len(take_files(bundle)) == 4
    # the same request rendered locally gives the same frames (same seed, same engine)
    local = Engine({"animatic": AnimaticBackend()}, staging_dir=tmp_path / "local")
    try:
        mine = local.wait(local.submit(requests[0]))
    finally:
        local.shutdown()
    farm_frames = load_frames(bundle / ends[0].take.path)
    local_frames = load_frames(tmp_path / mine.take.path)
    assert farm_frames.shape == local_frames.shape
    assert np.array_equal(farm_frames, local_frames)
    assert ends[0].take.seed == mine.take.seed and ends[0].take.engine == "animatic"


def test_progress_and_previews_arrive_in_order(farm, bundle):
    rec = Recorder()
    farm.subscribe(rec)
    job = farm.submit(animatic(bundle, "a lighthouse at dusk", seconds=1.0))
    assert isinstance(farm.wait(job, timeout=120), JobFinished)
    events = rec.of(job)
    assert isinstance(events[0], JobQueued) and isinstance(events[1], JobStarted)
    assert isinstance(events[-1], JobFinished)
    steps = [e.step for e in events if isinstance(e, StepProgress)]
    assert steps == list(range(1, 9))
    previews = [e for e in events if isinstance(e, PreviewFrame)]
    assert [p.step for p in previews] == steps
    for p in previews:  # each preview follows the progress of its own step
        progress = next(
            i for i, e in enumerate(events) if isinstance(e, StepProgress) and e.step == p.step
        )
        assert events.index(p) > progress
        assert p.image.dtype == np.uint8 and p.image.ndim == 3 and p.image.shape[2] == 3


def test_cancel_reaches_the_worker_and_stops_at_the_next_step(farm, bundle):
    rec = Recorder()
    job_box: list[str] = []

    def cancel_on_first_step(event):
        rec(event)
        if isinstance(event, StepProgress) and event.job_id in job_box and event.step == 1:
            farm.cancel(event.job_id)

    farm.subscribe(cancel_on_first_step)
    request = animatic(bundle, "a long slow train through snow", seconds=8.0, side=192)
    job = farm.submit(request)
    job_box.append(job)
    assert isinstance(farm.wait(job, timeout=180), JobCancelled)
    attempt = farm.attempts(job)[-1]
    assert attempt.outcome == "cancelled"
    assert attempt.steps_at_cancel is not None
    assert attempt.steps_at_stop <= attempt.steps_at_cancel + 1  # within one step, on the worker
    assert attempt.steps_at_stop < 8
    assert not any(isinstance(e, JobFinished) for e in rec.of(job))
    assert take_files(bundle) == []


def test_the_second_job_of_a_model_goes_to_the_worker_that_has_it(farm, bundle, cluster):
    ltx, wan = str(cluster.models / "tiny-ltx"), str(cluster.models / "tiny-wan")
    order = [ltx, wan, wan, ltx]
    used = []
    for model in order:
        request = GenerationRequest(
            prompt="a red kite over a beach",
            duration=0.3,
            fps=24,
            size=(64, 64),
            steps=2,
            model=model,
            bundle=str(bundle),
        )
        end = farm.wait(farm.submit(request, backend="diffusers"), timeout=300)
        assert isinstance(end, JobFinished), getattr(end, "reason", end)
        assert end.take.engine == "diffusers"
        used.append(end.take.params["farm"]["worker"])
    # without affinity the idle-longest worker would alternate: X, Y, X, Y
    assert used[0] != used[1] and used[2] == used[1] and used[3] == used[0], used
    infos = {name: ray.get(handle.info.remote()) for name, handle in cluster.workers}
    assert any(k.endswith("tiny-ltx") for k in infos[used[0]].loaded), infos
    assert any(k.endswith("tiny-wan") for k in infos[used[1]].loaded), infos


def test_a_worker_without_the_model_refuses_and_the_job_goes_elsewhere(cluster, bundle, tmp_path):
    empty = start_worker(
        "test-empty", num_gpus=0, num_cpus=0, model_dirs=[], include_hf_cache=False
    )
    ray.get(empty.ping.remote(), timeout=120)

    def request():
        return GenerationRequest(
            prompt="a windmill in fog",
            duration=0.3,
            size=(64, 64),
            steps=2,
            model="tiny-ltx",  # by name: each worker looks it up in its own registry
            bundle=str(bundle),
        )

    alone = FarmEngine(WorkerPool([("studio-test-empty", empty)]))
    try:
        end = alone.wait(alone.submit(request(), backend="diffusers"), timeout=120)
    finally:
        alone.shutdown()
    assert isinstance(end, JobFailed)
    assert "studio-test-empty" in end.reason and "tiny-ltx" in end.reason
    assert "no farm worker can run this job" in end.reason

    both = FarmEngine(WorkerPool([("studio-test-empty", empty), cluster.workers[0]]))
    try:
        ids = [both.submit(request(), backend="diffusers") for _ in range(2)]
        ends = [both.wait(j, timeout=300) for j in ids]
        attempts = [both.attempts(j) for j in ids]
    finally:
        both.shutdown()
        ray.kill(empty, no_restart=True)
    assert all(isinstance(e, JobFinished) for e in ends), ends
    assert {e.take.params["farm"]["worker"] for e in ends} == {cluster.workers[0][0]}
    refusals = [a for tries in attempts for a in tries if a.outcome == "refused"]
    assert refusals and all("studio-test-empty" in a.detail for a in refusals)


def test_a_driver_restart_restores_the_pending_queue(cluster, bundle, tmp_path):
    path = tmp_path / "farm-queue.json"
    first = FarmEngine(WorkerPool(cluster.workers), queue_path=path, staging_dir=bundle)
    first.pause()
    ids = [first.submit(animatic(bundle, f"a cat on a roof {i}"), priority=i) for i in range(3)]
    first.shutdown()
    second = FarmEngine(WorkerPool(cluster.workers), queue_path=path, staging_dir=bundle)
    try:
        assert [j.id for j in second.queue.pending()] == ids[::-1]  # priorities kept
        assert second.queue.paused
        second.resume()
        ends = [second.wait(j, timeout=180) for j in ids]
    finally:
        second.shutdown()
    assert all(isinstance(e, JobFinished) for e in ends), ends
    assert len(take_files(bundle)) == 3 and second.queue.jobs() == []


def test_a_killed_worker_gives_its_job_to_another_and_the_take_lands_once(farm, bundle, cluster):
    rec = Recorder()
    killed: list[str] = []
    handles = dict(cluster.workers)

    def kill_on_first_step(event):
        rec(event)
        if isinstance(event, StepProgress) and event.step == 1 and not killed:
            name = farm.worker_of(event.job_id)
            killed.append(name)
            ray.kill(handles[name], no_restart=False)  # Ray restarts it, empty

    farm.subscribe(kill_on_first_step)
    job = farm.submit(animatic(bundle, "a storm over a harbour", seconds=10.0, side=256))
    end = farm.wait(job, timeout=300)
    assert isinstance(end, JobFinished), getattr(end, "reason", end)
    attempts = farm.attempts(job)
    assert [a.outcome for a in attempts] == ["lost", "done"]
    assert attempts[0].worker == killed[0] != attempts[1].worker
    assert end.take.params["farm"]["worker"] == attempts[1].worker
    assert sum(isinstance(e, JobFinished) for e in rec.of(job)) == 1
    assert len(take_files(bundle)) == 1
    assert any(isinstance(e, JobQueued) for e in rec.of(job)[2:])  # it went back to the queue
    # Ray brings the killed worker back; the farm uses it again
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and any(s.state != "idle" for s in farm.pool.slots):
        time.sleep(0.2)
    assert [s.state for s in farm.pool.slots] == ["idle", "idle"]
