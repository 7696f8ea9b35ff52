"""The farm's workers: starting them on the cluster, and the driver's view of which is free.

Workers are detached, named Ray actors in the "storyboard-studio" namespace, so they keep their
loaded models between renders and `farm status` can find them; Ray restarts one whose process
dies. The driver keeps, per worker, whether it is free, which models it holds and when it was
last used, and picks a worker for each job: one that has the job's model loaded, else the one
idle the longest; a worker that refused the job (no such model) is not asked again.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from studio.farm import NAMESPACE
from studio.farm.cluster import ray_module
from studio.farm.messages import WorkerInfo

log = logging.getLogger(__name__)

PREFIX = "studio-"
MAX_CONCURRENCY = 8  # run + status / cancel / ping calls answered alongside
READY_TIMEOUT_S = 120.0


def start_worker(
    name: str,
    *,
    num_gpus: float = 1,
    num_cpus: float = 0,
    model_dirs: list[str] | None = None,
    include_hf_cache: bool = True,
):
    """A worker actor named `name` (the running one if it exists already)."""
    ray = ray_module()
    from studio.farm.actor import FarmWorker

    actor = ray.remote(FarmWorker).options(
        name=PREFIX + name if not name.startswith(PREFIX) else name,
        namespace=NAMESPACE,
        get_if_exists=True,
        lifetime="detached",
        num_gpus=num_gpus,
        num_cpus=num_cpus,
        max_concurrency=MAX_CONCURRENCY,
        max_restarts=-1,
        max_task_retries=0,  # a lost job goes back to the queue, never re-run behind its back
        scheduling_strategy="SPREAD",
    )
    full = name if name.startswith(PREFIX) else PREFIX + name
    return actor.remote(full, model_dirs, include_hf_cache)


def find_workers() -> list[tuple[str, object]]:
    """(name, handle) of every farm worker on the cluster."""
    ray = ray_module()
    out = []
    for entry in ray.util.list_named_actors(all_namespaces=True):
        name = entry["name"] if isinstance(entry, dict) else entry
        namespace = entry.get("namespace") if isinstance(entry, dict) else NAMESPACE
        if namespace == NAMESPACE and name.startswith(PREFIX):
            try:
                out.append((name, ray.get_actor(name, namespace=NAMESPACE)))
            except ValueError:
                continue  # gone between the listing and the lookup
    return sorted(out, key=lambda nh: nh[0])


def ensure_workers(timeout: float = READY_TIMEOUT_S) -> list[tuple[str, object]]:
    """The cluster's workers, plus one more per GPU nobody holds yet (or per free CPU on a
    cluster without GPUs, for the animatic)."""
    ray = ray_module()
    gpu_cluster = int(ray.cluster_resources().get("GPU", 0)) > 0
    free = ray.available_resources()
    if gpu_cluster:
        kind, count, options = "gpu", int(free.get("GPU", 0)), {"num_gpus": 1, "num_cpus": 0}
    else:
        kind, count, options = "cpu", int(free.get("CPU", 0)), {"num_gpus": 0, "num_cpus": 1}
    existing = dict(find_workers())
    index = 0
    for _ in range(count):
        while f"{PREFIX}{kind}-{index}" in existing:
            index += 1
        name = f"{PREFIX}{kind}-{index}"
        existing[name] = start_worker(name, **options)
    ready = []
    for name, handle in sorted(existing.items()):
        try:
            ray.get(handle.ping.remote(), timeout=timeout)
            ready.append((name, handle))
        except Exception as exc:
            log.warning("farm worker %s is not ready: %s", name, exc)
    return ready


def stop_workers() -> list[str]:
    """Kill every farm worker (frees their GPUs and loaded models)."""
    ray = ray_module()
    names = []
    for name, handle in find_workers():
        ray.kill(handle, no_restart=True)
        names.append(name)
    return names


@dataclass
class Slot:
    """The driver's view of one worker."""

    name: str
    handle: object
    state: str = "idle"  # idle | busy | lost
    loaded: set[str] = field(default_factory=set)  # model keys, as jobs name them
    last_used: int = 0


class WorkerPool:
    """Free / busy / lost workers and the choice of one for a job (thread-safe)."""

    def __init__(self, workers: list[tuple[str, object]]):
        self._lock = threading.Lock()
        self._clock = itertools.count(1)
        self.slots = [Slot(name, handle) for name, handle in workers]
        self.on_change: Callable[[], None] = lambda: None

    @classmethod
    def from_cluster(cls) -> WorkerPool:
        return cls(ensure_workers())

    def learn_loaded(self, timeout: float = 30.0) -> None:
        """Ask each worker what it holds already (models from an earlier render)."""
        ray = ray_module()
        for slot in list(self.slots):
            try:
                info: WorkerInfo = ray.get(slot.handle.info.remote(), timeout=timeout)
            except Exception:
                continue
            slot.loaded = set(info.loaded)

    # --- queries ------------------------------------------------------------------------
    def names(self) -> list[str]:
        with self._lock:
            return [s.name for s in self.slots]

    def has_idle(self, refused: set[str]) -> bool:
        with self._lock:
            return any(s.state == "idle" and s.name not in refused for s in self.slots)

    def nobody_left(self, refused: set[str]) -> bool:
        """No worker that has not refused this job is left (idle, busy or being checked)."""
        with self._lock:
            return all(s.name in refused for s in self.slots)

    # --- changes ------------------------------------------------------------------------
    def take(self, key: str, refused: set[str], died_on: list[str]) -> Slot | None:
        """Mark the best idle worker for a job busy: its model loaded, else idle longest."""
        with self._lock:
            idle = [s for s in self.slots if s.state == "idle" and s.name not in refused]
            if not idle:
                return None
            best = min(
                idle,
                key=lambda s: (s.name in died_on, key not in s.loaded, s.last_used),
            )
            best.state = "busy"
            return best

    def release(self, slot: Slot, key: str | None = None) -> None:
        """The worker is free again; `key` is the model it ran (it now holds that one)."""
        with self._lock:
            if key:
                family = key.split(":", 1)[0]
                slot.loaded = {k for k in slot.loaded if k.split(":", 1)[0] != family}
                slot.loaded.add(key)
            slot.state = "idle"
            slot.last_used = next(self._clock)
        self.on_change()

    def lost(self, slot: Slot) -> None:
        """The worker died under a job: check in the background whether Ray brings it back."""
        with self._lock:
            slot.state = "lost"
            slot.loaded = set()
        threading.Thread(
            target=self._recheck, args=(slot,), name=f"farm-recheck-{slot.name}", daemon=True
        ).start()

    def _recheck(self, slot: Slot) -> None:
        """Back to idle once Ray has restarted it; dropped when it is dead for good."""
        ray = ray_module()
        from ray.exceptions import ActorDiedError

        deadline = time.monotonic() + READY_TIMEOUT_S
        alive = False
        while not alive and time.monotonic() < deadline:
            try:
                ray.get(slot.handle.ping.remote(), timeout=max(1.0, deadline - time.monotonic()))
                alive = True
            except ActorDiedError as exc:
                log.warning("farm worker %s is gone: %s", slot.name, exc)
                break
            except Exception:  # restarting, or its node is slow to answer: ask again
                time.sleep(0.5)
        with self._lock:
            if alive:
                slot.state = "idle"
                slot.last_used = next(self._clock)
            elif slot in self.slots:
                self.slots.remove(slot)
        self.on_change()
