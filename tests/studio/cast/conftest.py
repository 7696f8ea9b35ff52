"""A tiny Wan VACE pipeline (built once), pictures for a cast, and people with cameos."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.studio.cameo.conftest import People, write_face


@pytest.fixture(scope="session")
def tiny_vace_models(tmp_path_factory) -> Path:
    """A folder holding tiny-vace/ (WanVACEPipeline) and tiny-wan/ (no reference support)."""
    from studio.models.testing import build_tiny_wan, build_tiny_wan_vace

    root = tmp_path_factory.mktemp("cast-models")
    build_tiny_wan_vace(root / "tiny-vace")
    build_tiny_wan(root / "tiny-wan")
    return root


@pytest.fixture(scope="session")
def cast_registry(tiny_vace_models):
    from studio.models import ModelRegistry

    return ModelRegistry([tiny_vace_models], include_hf_cache=False)


def picture(path: Path, colour: tuple[int, int, int], size=(40, 32)) -> Path:
    """A flat picture with a darker square: distinct pictures, distinct bytes."""
    img = np.zeros((size[1], size[0], 3), np.uint8)
    img[:] = colour
    img[8:20, 10:22] = [c // 3 for c in colour]
    Image.fromarray(img).save(path)
    return path


@pytest.fixture
def people(tmp_path, monkeypatch) -> People:
    return People(tmp_path / "homes", monkeypatch)


@pytest.fixture
def face(tmp_path) -> Path:
    return write_face(tmp_path / "face.png")
