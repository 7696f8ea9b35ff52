"""Fixtures for the editor tests: a real engine, a small project bundle and the main window."""

from __future__ import annotations

import numpy as np
import pytest

from studio.bundle import Bundle
from studio.media.video import write_video
from studio.model import OutputFormat, Project, Shot, Take


def small_project(n: int = 3) -> Project:
    project = Project(title="Test film", format=OutputFormat.VERTICAL, fps=24)
    for i in range(n):
        project.shots.append(Shot(prompt=f"shot number {i} in a red room", duration=0.5, seed=i))
    return project


def add_take_file(bundle: Bundle, shot: Shot, frames: int = 6, size=(72, 128)) -> Take:
    """A real tiny H.264 take of a shot (coloured frames), registered in the project."""
    w, h = size
    rng = np.random.default_rng(len(bundle.project.takes))
    pixels = [np.full((h, w, 3), rng.integers(0, 255, 3), np.uint8) for _ in range(frames)]
    take = Take(
        shot_id=shot.id,
        path="",
        engine="test",
        width=w,
        height=h,
        fps=24,
        frames=frames,
        duration=frames / 24,
        seed=shot.seed,
    )
    take.path = f"takes/{take.id}.mp4"
    (bundle.path / "takes").mkdir(parents=True, exist_ok=True)
    write_video(bundle.path / take.path, pixels, 24)
    bundle.project.takes[take.id] = take
    return take


@pytest.fixture
def bundle(tmp_path) -> Bundle:
    return Bundle.create(tmp_path / "film.sbproj", small_project())


@pytest.fixture
def engine():
    from ui.generation import make_engine

    eng = make_engine()
    yield eng
    eng.shutdown(timeout=10)


@pytest.fixture
def window(qtbot, bundle, engine):
    from ui.document import Document
    from ui.main_window import MainWindow

    win = MainWindow(Document.open(bundle.path), engine)
    win.offer_recovery_on_show = False
    win.show()
    yield win
    win.doc.undo_stack.setClean()  # never ask to save while tearing down
    win.close()
    win.deleteLater()
