"""Timeline figures at 1,000 clips: scene build, edit, zoom and scroll with painting.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python bench/timeline.py
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from PySide6.QtGui import QUndoStack  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from studio.model import Clip, Project, Shot, Take, TrackKind  # noqa: E402
from studio.model import edits as E  # noqa: E402
from ui.timeline import TimelineView  # noqa: E402


def project(n: int) -> Project:
    p = Project(fps=24)
    p.shots = [Shot(id="s", prompt="a shot")]
    p.takes["t"] = Take(id="t", shot_id="s", path="takes/t.mp4", engine="x", fps=24, frames=48)
    v1, v2 = p.ensure_track(TrackKind.VIDEO), p.ensure_track(TrackKind.VIDEO, 1)
    for i in range(n):
        track = v1 if i % 2 == 0 else v2
        track.clips.append(
            Clip(id=f"c{i}", take_id="t", shot_id="s", start=(i // 2) * 30, duration=30)
        )
    return p


def ms(t0: float, n: int = 1) -> str:
    return f"{(time.perf_counter() - t0) * 1000 / n:.2f} ms"


def main() -> None:
    app = QApplication.instance() or QApplication([])
    p = project(1000)
    t0 = time.perf_counter()
    view = TimelineView(p, QUndoStack())
    print("build 1,000 clips:", ms(t0))
    view.resize(1400, 360)
    view.show()
    app.processEvents()
    t0 = time.perf_counter()
    view.fit()
    view.viewport().repaint()
    print("zoom to fit + paint (all 1,000 visible):", ms(t0))
    t0 = time.perf_counter()
    for k in range(20):
        view.set_zoom(1.0 + k * 0.25)
        view.viewport().repaint()
    print("zoom step + paint:", ms(t0, 20))
    view.set_zoom(2.0)
    bar = view.horizontalScrollBar()
    t0 = time.perf_counter()
    for k in range(50):
        bar.setValue(k * 400)
        view.viewport().repaint()
    print("scroll step + paint:", ms(t0, 50))
    t0 = time.perf_counter()
    for k in range(50):
        view.setPlayhead(k * 3)
        app.processEvents()
    print("playhead step + repaint:", ms(t0, 50))
    t0 = time.perf_counter()
    view.push(E.ripple_delete, "c500")
    print("ripple delete (one track re-synced):", ms(t0))
    t0 = time.perf_counter()
    view.undo_stack.undo()
    print("undo:", ms(t0))
    t0 = time.perf_counter()
    view.refresh()
    print("full refresh (nothing changed):", ms(t0))


if __name__ == "__main__":
    main()
