"""A tiny Stable Audio pipeline (random weights, built from config, saved, loaded offline
through the model registry) makes a sound take of the shot's length through the engine."""

from __future__ import annotations

import numpy as np
import pytest

from studio.audio.decode import decode_file, probe_audio
from studio.engine.events import JobFinished, StepProgress
from studio.engine.sound import pick_sound_engine, sound_request
from studio.engine.sound.diffusers_audio import DiffusersAudioBackend, fit_length
from studio.engine.worker import Engine
from studio.model import Project, Shot, TakeKind
from studio.models import ModelRegistry

pytest.importorskip("torch")
pytest.importorskip("diffusers")


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    from studio.engine.sound.testing import build_tiny_stable_audio

    root = tmp_path_factory.mktemp("models")
    build_tiny_stable_audio(root / "tiny-stable-audio")
    return root


def test_registry_finds_it_and_sound_goes_to_the_model(tiny_model):
    registry = ModelRegistry(search_dirs=[tiny_model], include_hf_cache=False)
    [info] = registry.models("audio")
    assert info.family_name == "stable-audio" and info.complete, info.problems
    assert pick_sound_engine(registry=registry) == "diffusers-audio"


def test_generates_a_take_of_the_shots_length(tiny_model, tmp_path):
    registry = ModelRegistry(search_dirs=[tiny_model], include_hf_cache=False)
    project = Project(fps=24)
    shot = Shot(prompt="harbour at dawn", audio="gulls and waves", duration=2.5)  # > model max
    project.shots.append(shot)
    events = []
    engine = Engine(
        {"diffusers-audio": DiffusersAudioBackend(registry=registry, steps=2)},
        queue_path=tmp_path / "q.json",
    )
    engine.subscribe(events.append)
    try:
        job = engine.submit(
            sound_request(project, shot, seed=4, bundle=str(tmp_path)), "diffusers-audio"
        )
        event = engine.wait(job, timeout=240)
    finally:
        engine.shutdown()
    assert isinstance(event, JobFinished), event
    take = event.take
    assert take.kind == TakeKind.AUDIO and take.engine == "diffusers-audio"
    assert take.model.endswith("tiny-stable-audio") and take.params["steps"] == 2
    assert take.duration == pytest.approx(2.5)
    path = tmp_path / take.path
    info = probe_audio(path)
    assert info.sample_rate == 48_000 and info.channels == 2
    x = decode_file(path)
    assert x.shape == (int(2.5 * 48_000), 2) and np.abs(x).max() > 0
    assert [e.step for e in events if isinstance(e, StepProgress)][:2] == [1, 2]


def test_short_model_output_is_looped_seamlessly():
    x = np.ones((48_000, 2), np.float32) * 0.5
    y = fit_length(x, 130_000)
    assert y.shape == (130_000, 2)
    # equal-power seams: the level never drops to silence where pieces meet
    assert y[1000:-1000].min() > 0.3
    assert np.array_equal(fit_length(x, 100), x[:100])
