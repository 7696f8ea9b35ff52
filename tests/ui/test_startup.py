"""Start-up: the window appears without importing torch, the CLI takes a screenshot."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import sys
from ui.app import build_window
app, window = build_window()
window.offer_recovery_on_show = False
window.show()
app.processEvents()
print("TORCH", "torch" in sys.modules, "DIFFUSERS", "diffusers" in sys.modules)
window.doc.undo_stack.setClean()
window.close()
window.ctx.bridge.engine.shutdown()
"""


def _env(home) -> dict:
    return {**os.environ, "STUDIO_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}


def test_window_opens_without_torch(studio_home):
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=_env(studio_home),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert "TORCH False DIFFUSERS False" in out.stdout


def test_gui_screenshot_command(studio_home, tmp_path, bundle):
    png = tmp_path / "shot.png"
    out = subprocess.run(
        [sys.executable, "-m", "studio", "gui", str(bundle.path), "--screenshot", str(png)],
        cwd=ROOT,
        env=_env(studio_home),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    from PySide6.QtGui import QImage

    image = QImage(str(png))
    assert image.width() >= 800 and image.height() >= 500
    # a dark theme: the window's background pixels are dark
    assert image.pixelColor(image.width() // 2, image.height() // 2).lightness() < 80


def test_gui_bad_project_is_a_clear_error(studio_home, tmp_path):
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "studio",
            "gui",
            str(tmp_path / "nope.sbproj"),
            "--screenshot",
            str(tmp_path / "x.png"),
        ],
        cwd=ROOT,
        env=_env(studio_home),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 2
    assert "project.json is missing" in out.stderr and "Traceback" not in out.stderr
