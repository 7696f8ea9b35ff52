"""The cameo manager panel: real widgets over real profiles in a temp STUDIO_HOME."""

from __future__ import annotations

import numpy as np
from PIL import Image

from studio.cameo.guard import check_request
from studio.cameo.store import CameoStore
from studio.engine.request import GenerationRequest
from ui.cameo_panel import CameoPanel


def _face(path):
    Image.fromarray(np.full((16, 16, 3), 90, np.uint8)).save(path)
    return path


def test_panel_manages_cameos_and_shows_uses(qtbot, tmp_path):
    panel = CameoPanel()
    qtbot.addWidget(panel)
    assert panel.me.user_id in panel.identity_label.text()
    assert panel.table.rowCount() == 0
    assert panel.add_cameo("@maya", "Maya Lin", [_face(tmp_path / "f.png")])
    assert panel.table.rowCount() == 1 and panel.table.item(0, 0).text() == "@maya"
    assert not panel.add_cameo("@maya", "Again", [tmp_path / "f.png"])
    assert "already exists" in panel.status.text()

    panel.select("maya")
    assert panel.consent_box.isEnabled()
    panel.user_field.setText("u-friend")
    panel.grant_button.click()
    record = CameoStore().get("maya").record
    assert record.policy.mode.value == "approved" and record.policy.allow[0].user_id == "u-friend"
    panel.revoke_all_button.click()
    assert CameoStore().get("maya").record.policy.mode.value == "withdrawn"
    assert panel.set_policy("everyone")
    assert "everyone" in panel.table.item(0, 3).text()

    check_request(GenerationRequest(prompt="@maya dancing", duration=1), project="film")
    panel.refresh()
    assert panel.notifications.count() == 1
    assert (
        "@maya" in panel.notifications.item(0).text()
        and "film" in panel.notifications.item(0).text()
    )

    out = tmp_path / "maya.cameo"
    assert panel.export_file(out) and out.exists()
