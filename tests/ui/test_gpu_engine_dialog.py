"""Settings → GPU engine: the status from this machine, install arguments, use-existing."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ui.dialogs.gpu_engine import GpuEngineDialog, cli_command


def test_dialog_shows_the_status_and_builds_the_install_command(qtbot, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no nvidia-smi: a machine without a GPU
    dialog = GpuEngineDialog()
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.status.text().startswith("GPU:"), timeout=60000)
    assert "GPU: none" in dialog.status.text() and "fits: cpu" in dialog.status.text()
    dialog.path.setText(str(tmp_path / "env"))
    dialog.build.setCurrentIndex(dialog.build.findData("12.8"))
    assert dialog.install_arguments() == [
        "engine",
        "install",
        "--path",
        str(tmp_path / "env"),
        "--cuda",
        "12.8",
    ]
    dialog.build.setCurrentIndex(dialog.build.findData("cpu"))
    program, args = cli_command(*dialog.install_arguments())
    assert program == sys.executable and args[:3] == ["-m", "studio", "engine"]
    assert args[-1] == "--cpu"


def test_use_existing_environment_records_it(qtbot, studio_home):
    """This venv has torch and diffusers: pointing the dialog at it sets the engine up."""
    dialog = GpuEngineDialog()
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.status.text().startswith("GPU:"), timeout=60000)
    assert not dialog.use_environment(Path(sys.prefix) / "nowhere")
    assert "Cannot use" in dialog.log.toPlainText()
    assert dialog.use_environment(Path(sys.prefix))
    saved = json.loads((studio_home / "data" / "engine.json").read_text())
    assert saved["kind"] == "existing" and Path(saved["python"]).parent.parent == Path(sys.prefix)
    with qtbot.waitSignal(dialog.statusShown, timeout=120000) as shown:
        pass  # use_environment refreshed the status
    assert f"engine environment: {Path(sys.prefix)}" in shown.args[0]
