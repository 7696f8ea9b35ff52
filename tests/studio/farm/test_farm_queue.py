"""The queue pieces the farm needs: a lost job goes back in its place; a dispatcher skips jobs
no free worker can take. No Ray needed."""

from __future__ import annotations

import threading

from studio.engine.jobs import Job, JobQueue, JobState
from studio.engine.request import GenerationRequest


def job(prompt: str, priority: int = 0, backend: str = "animatic") -> Job:
    return Job(
        backend=backend,
        request=GenerationRequest(prompt=prompt, duration=1.0),
        priority=priority,
    )


def test_a_requeued_job_keeps_its_place_and_is_saved_as_pending(tmp_path):
    path = tmp_path / "queue.json"
    queue = JobQueue(path)
    first, second = job("first"), job("second")
    queue.add(first)
    queue.add(second)
    stop = threading.Event()
    taken = queue.take_next(stop)
    assert taken.id == first.id and taken.state == JobState.RUNNING
    assert not queue.requeue(second.id)  # only a running job can go back
    assert queue.requeue(first.id)
    assert [j.id for j in queue.pending()] == [first.id, second.id]
    assert [j.id for j in JobQueue(path).pending()] == [first.id, second.id]  # a restart sees it


def test_take_next_skips_jobs_the_dispatcher_cannot_place_now():
    queue = JobQueue()
    heavy, light = job("heavy", priority=5, backend="diffusers"), job("light")
    queue.add(heavy)
    queue.add(light)
    stop = threading.Event()
    taken = queue.take_next(stop, accept=lambda j: j.backend != "diffusers")
    assert taken.id == light.id
    assert [j.id for j in queue.pending()] == [heavy.id]
    stop.set()
    assert queue.take_next(stop, accept=lambda j: False) is None
