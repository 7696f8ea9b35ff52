"""The editor on the farm: its engine from STUDIO_CLUSTER, the farm named in the Engine combo."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QComboBox

from studio.engine.events import JobFinished
from studio.engine.worker import Engine
from studio.farm.engine import FarmEngine
from tests.studio.farm.conftest import animatic
from ui.farm import add_farm_item, farm_engine_from_env

ray = pytest.importorskip("ray", reason="the render farm needs Ray: pip install -e '.[farm]'")


def test_the_editor_engine_comes_from_the_cluster_in_the_environment(
    cluster, monkeypatch, bundle, qtbot
):
    monkeypatch.delenv("STUDIO_CLUSTER", raising=False)
    assert farm_engine_from_env() is None  # no cluster: the editor keeps its local engine

    monkeypatch.setenv("STUDIO_CLUSTER", cluster.address)
    engine = farm_engine_from_env()
    try:
        assert isinstance(engine, FarmEngine)
        assert sorted(engine.pool.names()) == sorted(name for name, _ in cluster.workers)
        done = engine.wait(engine.submit(animatic(bundle, "a kite in the wind")), timeout=120)
        assert isinstance(done, JobFinished)

        combo = QComboBox()
        qtbot.addWidget(combo)
        combo.addItem("Animatic (no GPU)", ("animatic", None))
        add_farm_item(combo, engine)
        assert combo.count() == 2
        assert combo.itemText(0) == f"Render farm: {len(cluster.workers)} workers, 2 GPUs"
        assert not combo.model().item(0).isEnabled() and combo.currentIndex() == 1
        for name, _ in cluster.workers:
            assert name in combo.toolTip()
    finally:
        engine.shutdown()

    local = QComboBox()
    qtbot.addWidget(local)
    local.addItem("Animatic (no GPU)", ("animatic", None))
    add_farm_item(local, Engine(autostart=False))
    assert local.count() == 1 and local.toolTip() == ""
