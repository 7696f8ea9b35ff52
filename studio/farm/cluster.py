"""Connecting to a Ray cluster and reading what it has: nodes, GPUs, farm workers.

Ray is imported here, inside functions, and only when a cluster is used. A cluster address is
what `ray start --head` prints (HEAD:6379), `auto` for a cluster started on this machine, or a
Ray Client address (ray://HEAD:10001).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from studio.errors import EngineFailure
from studio.farm import NAMESPACE
from studio.farm.messages import WorkerInfo

INSTALL_HINT = "pip install 'storyboard-studio[farm]'"


def ray_module():
    """Ray, or an EngineFailure that says how to install it."""
    try:
        import ray
    except ImportError:
        raise EngineFailure(f"the render farm needs Ray: {INSTALL_HINT}") from None
    return ray


def connect(address: str) -> None:
    """Join the cluster at `address` as a driver (once per process)."""
    ray = ray_module()
    if ray.is_initialized():
        return
    try:
        ray.init(
            address=address,
            namespace=NAMESPACE,
            logging_level=logging.WARNING,
            log_to_driver=False,
        )
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise EngineFailure(
            f"cannot reach the Ray cluster at '{address}': {exc}. Start one with "
            "`ray start --head` on the head machine (and `ray start --address HEAD:6379` on "
            "the others), then pass --cluster HEAD:6379 (or auto on the head machine)"
        ) from None


def start_local(num_gpus: int = 2, num_cpus: int = 2, object_store_mb: int = 256) -> None:
    """A throwaway cluster inside this process (tests, benches): logical GPUs, no dashboard."""
    ray = ray_module()
    ray.init(
        num_gpus=num_gpus,
        num_cpus=num_cpus,
        include_dashboard=False,
        namespace=NAMESPACE,
        object_store_memory=object_store_mb * 1024 * 1024,
        logging_level=logging.WARNING,
        log_to_driver=False,
    )


@dataclass
class NodeStatus:
    address: str
    alive: bool
    gpus: float
    cpus: float
    head: bool = False


@dataclass
class FarmStatus:
    nodes: list[NodeStatus] = field(default_factory=list)
    workers: list[WorkerInfo] = field(default_factory=list)
    unreachable: list[str] = field(default_factory=list)  # workers that did not answer

    def lines(self) -> list[str]:
        """The report `farm status` prints."""
        out = [f"nodes: {sum(n.alive for n in self.nodes)} alive of {len(self.nodes)}"]
        for n in self.nodes:
            state = "alive" if n.alive else "dead"
            head = " (head)" if n.head else ""
            out.append(f"  {n.address}{head}: {state}, {n.gpus:g} GPU, {n.cpus:g} CPU")
        out.append(f"workers: {len(self.workers)}")
        for w in self.workers:
            gpus = ",".join(w.gpus) if w.gpus else "none"
            loaded = ", ".join(w.loaded) if w.loaded else "nothing"
            out.append(f"  {w.name} on {w.node}: GPU {gpus}; loaded: {loaded}")
            out.extend(f"    running {job}" for job in w.running)
        out.extend(f"  {name}: not answering" for name in self.unreachable)
        running = sum(len(w.running) for w in self.workers)
        out.append(f"running jobs: {running}")
        return out


def farm_status(timeout: float = 10.0) -> FarmStatus:
    """Nodes, GPUs and each worker's loaded models and running job (needs connect first)."""
    from studio.farm.pool import find_workers

    ray = ray_module()
    status = FarmStatus()
    for node in ray.nodes():
        res = node.get("Resources", {})
        status.nodes.append(
            NodeStatus(
                address=str(node.get("NodeManagerAddress", "?")),
                alive=bool(node.get("Alive")),
                gpus=float(res.get("GPU", 0)),
                cpus=float(res.get("CPU", 0)),
                head="node:__internal_head__" in res,
            )
        )
    for name, handle in find_workers():
        try:
            status.workers.append(ray.get(handle.info.remote(), timeout=timeout))
        except Exception:
            status.unreachable.append(name)
    return status
