"""The editor on the render farm: its engine built on a Ray cluster, and the farm in the toolbar.

With `gui --cluster ADDRESS` (or STUDIO_CLUSTER) the editor's engine is a FarmEngine: the same
queue file, events and render queue, the jobs run on the cluster's workers. The Engine combo then
starts with a "Render farm" entry naming the cluster's workers and GPUs (its tooltip lists each
worker's loaded models and running job); the animatic / diffusion entries below it choose what the
farm generates with. Ray is imported only when a cluster is configured.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

from studio.farm import cluster_from_env
from studio.paths import user_data_dir


def farm_engine_from_env():
    """A started FarmEngine when a cluster is configured, else None (the local engine is used)."""
    address = cluster_from_env()
    if not address:
        return None
    from studio.render_service import make_farm_engine

    engine = make_farm_engine(address, queue_path=user_data_dir() / "queue.json")
    engine.start()
    return engine


def farm_summary(engine) -> tuple[str, str] | None:
    """("Render farm: N workers, M GPUs", the status report) for a farm engine, else None."""
    farm = sys.modules.get("studio.farm.engine")
    if farm is None or not isinstance(engine, farm.FarmEngine):
        return None
    from studio.farm.cluster import farm_status

    status = farm_status()
    gpus = sum(n.gpus for n in status.nodes if n.alive)
    text = f"Render farm: {len(status.workers)} workers, {gpus:g} GPUs"
    return text, "\n".join(status.lines())


def add_farm_item(combo: QComboBox, engine) -> None:
    """Head the Engine combo with the farm (not selectable: every choice below runs on it)."""
    summary = farm_summary(engine)
    if summary is None:
        return
    text, report = summary
    combo.insertItem(0, text, None)
    combo.model().item(0).setEnabled(False)
    combo.setItemData(0, report, Qt.ItemDataRole.ToolTipRole)
    combo.setToolTip(report)
    combo.setCurrentIndex(1)
