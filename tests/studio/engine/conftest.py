"""Tiny random-weight LTX and Wan pipelines, built once per test session and saved to disk."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory):
    """A folder holding tiny-ltx/ and tiny-wan/ diffusers pipelines (safetensors)."""
    from studio.models.testing import build_tiny_ltx, build_tiny_wan

    root = tmp_path_factory.mktemp("models")
    build_tiny_ltx(root / "tiny-ltx")
    build_tiny_wan(root / "tiny-wan")
    return root


@pytest.fixture(scope="session")
def registry(tiny_models):
    from studio.models import ModelRegistry

    return ModelRegistry([tiny_models], include_hf_cache=False)


@pytest.fixture(scope="session")
def ltx_backend(registry):
    """One loaded LTX backend for the session (loading is the slow part)."""
    from studio.engine.diffusion import make_backend

    backend = make_backend("tiny-ltx", "cpu", 2, registry=registry)
    yield backend
    backend.release()


@pytest.fixture(scope="session")
def wan_backend(registry):
    from studio.engine.diffusion import make_backend

    backend = make_backend("tiny-wan", "cpu", 2, registry=registry)
    yield backend
    backend.release()


@pytest.fixture(scope="session")
def cogvideox_backend(tmp_path_factory):
    """A tiny CogVideoX backend (DDIM scheduler, frames-first latents), built on first use."""
    from studio.engine.diffusion import make_backend
    from studio.models import ModelRegistry
    from studio.models.testing import build_tiny_cogvideox

    root = tmp_path_factory.mktemp("cogvideox")
    build_tiny_cogvideox(root / "tiny-cogvideox")
    registry = ModelRegistry([root], include_hf_cache=False)
    backend = make_backend("tiny-cogvideox", "cpu", 2, registry=registry)
    yield backend
    backend.release()


@pytest.fixture
def engine():
    """A running engine with the animatic backend."""
    from studio.engine.animatic import AnimaticBackend
    from studio.engine.worker import Engine

    eng = Engine({"animatic": AnimaticBackend()})
    yield eng
    eng.shutdown()


@pytest.fixture
def bundle(tmp_path):
    path = tmp_path / "film.sbproj"
    path.mkdir()
    return path
