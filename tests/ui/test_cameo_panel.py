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


def test_new_cameo_dialog_keeps_its_input_on_an_error(qtbot, tmp_path):
    """Issue 14 (7): the dialog stays open with the typed handle and name, and says why;
    a text file named .png is refused when picked, naming the file."""
    panel = CameoPanel()
    qtbot.addWidget(panel)
    fake = tmp_path / "notes.png"
    fake.write_text("not a picture")
    dialog = panel.add_dialog()
    qtbot.addWidget(dialog)
    dialog.handle.setText("@maya")
    dialog.name.setText("Maya Lin")
    dialog.pick([str(fake)])
    assert "notes.png" in dialog.error.text() and dialog.images == []
    dialog.try_accept()  # no image: refused
    assert dialog.result() != dialog.DialogCode.Accepted
    assert "image" in dialog.error.text()
    assert dialog.handle.text() == "@maya" and dialog.name.text() == "Maya Lin"
    dialog.pick([str(_face(tmp_path / "f.png")), str(fake)])
    assert dialog.images == [str(tmp_path / "f.png")] and "notes.png" in dialog.error.text()
    dialog.try_accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert panel.table.rowCount() == 1 and CameoStore().get("maya") is not None
