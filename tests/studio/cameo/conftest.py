"""Two people on one machine: each gets their own STUDIO_HOME (identity, cameos, logs)."""

from __future__ import annotations

import contextlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from studio.cameo.identity import load_identity


def write_face(path: Path, shade: int = 120) -> Path:
    img = np.zeros((48, 40, 3), np.uint8)
    img[..., 0] = shade
    img[10:30, 12:28] = (230, 190, 160)
    Image.fromarray(img).save(path)
    return path


class People:
    """Switch the active user by pointing STUDIO_HOME at their folder."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch):
        self.root = root
        self.mp = monkeypatch
        self.ids: dict[str, str] = {}

    @contextlib.contextmanager
    def acting_as(self, who: str):
        home = self.root / who
        home.mkdir(parents=True, exist_ok=True)
        self.mp.setenv("STUDIO_HOME", str(home))
        if who not in self.ids:
            self.ids[who] = load_identity(who.capitalize()).user_id
        yield load_identity()

    def id(self, who: str) -> str:
        with self.acting_as(who):
            return self.ids[who]


@pytest.fixture
def people(tmp_path, monkeypatch) -> People:
    return People(tmp_path / "homes", monkeypatch)


@pytest.fixture
def face(tmp_path) -> Path:
    return write_face(tmp_path / "face.png")
