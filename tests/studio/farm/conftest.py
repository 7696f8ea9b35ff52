"""One local Ray cluster for all farm tests: 2 logical GPUs, 2 CPUs, two worker actors.

The cluster lives in this test process (ray.init), is shared by the package's tests (starting
Ray takes seconds), and is always shut down at the end, leaving no raylet behind.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from studio.engine.events import EngineEvent
from studio.engine.request import GenerationRequest


@dataclass
class Cluster:
    workers: list[tuple[str, object]]
    models: Path  # tiny-ltx/ and tiny-wan/ diffusers folders
    address: str  # the GCS address another driver (a CLI subprocess) connects to


@pytest.fixture(scope="package")
def cluster(tmp_path_factory):
    import ray

    from studio.farm.cluster import start_local
    from studio.farm.pool import start_worker
    from studio.models.testing import build_tiny_ltx, build_tiny_wan

    models = tmp_path_factory.mktemp("farm-models")
    build_tiny_ltx(models / "tiny-ltx")
    build_tiny_wan(models / "tiny-wan")
    saved = os.environ.get("STUDIO_HOME")
    os.environ["STUDIO_HOME"] = str(tmp_path_factory.mktemp("worker-home"))  # the workers' own
    start_local(num_gpus=2, num_cpus=2)
    try:
        workers = [
            start_worker(f"test-{i}", model_dirs=[str(models)], include_hf_cache=False)
            for i in range(2)
        ]
        infos = ray.get([w.ping.remote() for w in workers], timeout=300)
        address = ray.get_runtime_context().gcs_address
        yield Cluster([(i.name, w) for i, w in zip(infos, workers, strict=True)], models, address)
    finally:
        ray.shutdown()
        if saved is None:
            os.environ.pop("STUDIO_HOME", None)
        else:
            os.environ["STUDIO_HOME"] = saved


@pytest.fixture
def pool(cluster):
    from studio.farm.pool import WorkerPool

    pool = WorkerPool(cluster.workers)
    pool.learn_loaded()
    return pool


@pytest.fixture
def farm(pool, tmp_path):
    """A running FarmEngine over the two test workers, its queue saved in tmp_path and its
    finished takes staged in the test's bundle folder (the `bundle` fixture)."""
    from studio.farm.engine import FarmEngine

    engine = FarmEngine(
        pool, queue_path=tmp_path / "queue.json", staging_dir=tmp_path / "film.sbproj"
    )
    yield engine
    engine.shutdown()


@pytest.fixture
def bundle(tmp_path) -> Path:
    path = tmp_path / "film.sbproj"
    path.mkdir(exist_ok=True)
    return path


def animatic(bundle: Path, prompt: str, seconds: float = 1.0, side: int = 96, **kw):
    return GenerationRequest(
        prompt=prompt,
        duration=seconds,
        fps=24,
        size=(side, side),
        seed=kw.pop("seed", 7),
        bundle=str(bundle),
        **kw,
    )


class Recorder:
    """Every engine event with the driver's clock, for order and overlap checks."""

    def __init__(self):
        import time

        self._time = time.monotonic
        self.events: list[tuple[float, EngineEvent]] = []

    def __call__(self, event: EngineEvent) -> None:
        self.events.append((self._time(), event))

    def of(self, job_id: str) -> list[EngineEvent]:
        return [e for _, e in self.events if e.job_id == job_id]

    def when(self, job_id: str, kind: type) -> list[float]:
        return [t for t, e in self.events if e.job_id == job_id and isinstance(e, kind)]


def take_files(staging: Path) -> list[Path]:
    """The finished take files an engine staged in `staging` (before a project adopts them)."""
    return sorted(p for p in staging.iterdir() if p.is_file()) if staging.is_dir() else []
