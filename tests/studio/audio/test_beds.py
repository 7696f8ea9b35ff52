"""Procedural sound beds and the "soundbed" backend: deterministic, description-driven, honest."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from studio.audio.beds import RECIPES, layers_for, render_bed
from studio.audio.decode import decode_file, probe_audio
from studio.engine.backend import JobContext
from studio.engine.events import JobFinished, StepProgress
from studio.engine.request import GenerationRequest
from studio.engine.sound import SoundBedBackend, pick_sound_engine, sound_request
from studio.engine.worker import Engine
from studio.errors import Cancelled
from studio.model import Project, Shot, TakeKind
from studio.models import ModelRegistry
from tests.studio.audio.conftest import SR


def centroid(x: np.ndarray) -> float:
    spec = np.abs(np.fft.rfft(x.mean(axis=1)))
    return float((spec * np.fft.rfftfreq(x.shape[0], 1 / SR)).sum() / spec.sum())


def envelope_variation(x: np.ndarray) -> float:
    """How much the level moves over 100 ms blocks (waves swell, rain is steady)."""
    m = np.abs(x.mean(axis=1))
    blocks = m[: m.size // 4800 * 4800].reshape(-1, 4800).mean(axis=1)
    return float(blocks.std() / blocks.mean())


def test_same_description_and_seed_give_the_same_sound():
    a = render_bed("Rain on a tin roof", 2.0, seed=5)
    assert np.array_equal(a, render_bed("rain on a  tin roof!", 2.0, seed=5))
    assert not np.array_equal(a, render_bed("rain on a tin roof", 2.0, seed=6))


def test_length_is_exact_and_nothing_clips():
    for seconds in (0.05, 1 / 24, 2.5):
        for name in RECIPES:
            x = render_bed(name, seconds, seed=1)
            assert x.shape == (round(seconds * SR), 2) and x.dtype == np.float32
            assert np.isfinite(x).all() and np.abs(x).max() <= 0.9


def test_descriptions_sound_different():
    rain, wind = render_bed("rain", 4.0), render_bed("wind", 4.0)
    waves, hum = render_bed("ocean waves", 8.0), render_bed("room tone hum", 4.0)
    assert centroid(rain) > 2 * centroid(wind)  # hiss vs. rumble
    assert centroid(hum) < 1000 < centroid(rain)
    assert envelope_variation(waves) > 3 * envelope_variation(rain)  # swells vs. steady
    steps = render_bed("footsteps on gravel", 4.0)
    assert envelope_variation(steps) > 3 * envelope_variation(hum)
    pairs = [(a, b) for a in RECIPES for b in RECIPES if a < b]
    sounds = {name: render_bed(name, 2.0) for name in RECIPES}
    for a, b in pairs:  # every recipe is its own sound
        corr = np.corrcoef(sounds[a][:, 0], sounds[b][:, 0])[0, 1]
        assert abs(corr) < 0.5, (a, b)
        assert abs(centroid(sounds[a]) - centroid(sounds[b])) > 20 or (
            abs(envelope_variation(sounds[a]) - envelope_variation(sounds[b])) > 0.05
        ), (a, b)


def test_keywords_and_levels_come_from_the_words():
    layers = layers_for("Heavy rain on the street, distant thunder")
    assert [lay.recipe for lay in layers] == ["rain", "traffic", "thunder"]
    assert layers[0].level > 1 > layers[2].level
    assert [lay.recipe for lay in layers_for("a wordless, indescribable moment")] == ["hum"]


def _ctx(tmp_path, events, cancel=None):
    return JobContext("job1", tmp_path, events.append, cancel)


def test_backend_writes_a_48k_stereo_wav_of_the_requested_length(tmp_path):
    events = []
    result = SoundBedBackend().generate(
        GenerationRequest(prompt="crowd chatter in a cafe", duration=1.5, seed=3, fps=30),
        _ctx(tmp_path, events),
    )
    assert result.path.suffix == ".wav" and result.path.parent == tmp_path
    assert result.model == "procedural-draft" and result.engine == "soundbed"
    assert result.frames == 45 and result.fps == 30
    info = probe_audio(result.path)
    assert info.sample_rate == SR and info.channels == 2
    assert decode_file(result.path).shape == (int(1.5 * SR), 2)
    assert any(isinstance(e, StepProgress) for e in events)


def test_backend_stops_when_cancelled(tmp_path):
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        SoundBedBackend().generate(
            GenerationRequest(prompt="wind", duration=1.0), _ctx(tmp_path, [], cancel)
        )
    assert not list(tmp_path.iterdir())


def test_engine_turns_a_shots_sound_into_an_audio_take(tmp_path):
    project = Project(fps=24)
    shot = Shot(prompt="a lighthouse at night", audio="waves and wind", duration=2.0)
    project.shots.append(shot)
    engine = Engine({"soundbed": SoundBedBackend()}, queue_path=tmp_path / "q.json")
    try:
        job = engine.submit(sound_request(project, shot, seed=1, bundle=str(tmp_path)), "soundbed")
        event = engine.wait(job, timeout=60)
    finally:
        engine.shutdown()
    assert isinstance(event, JobFinished)
    take = event.take
    assert take.kind == TakeKind.AUDIO and take.model == "procedural-draft"
    assert take.duration == pytest.approx(shot.duration)
    assert decode_file(tmp_path / take.path).shape[0] == 2 * SR


def test_without_a_model_the_procedural_bed_is_picked(tmp_path):
    registry = ModelRegistry(search_dirs=[tmp_path], include_hf_cache=False)
    assert pick_sound_engine(registry=registry) == "soundbed"
