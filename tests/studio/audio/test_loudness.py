"""Loudness: BS.1770 measurement and normalisation to the export target, then limiting."""

from __future__ import annotations

import numpy as np
import pytest

from studio.audio.dynamics import true_peak_db
from studio.audio.loudness import integrated_loudness, normalise
from studio.audio.mixer import render_export_audio
from tests.studio.audio.conftest import SR, audio_project, place, tone


def test_reference_sine_measures_as_bs1770_says():
    # a 1 kHz sine at −20 dBFS in both channels reads −20 LUFS (K-weighting is ~0 dB at 1 kHz)
    assert integrated_loudness(tone(5.0, 1000, 0.1), SR) == pytest.approx(-20.0, abs=0.1)
    assert integrated_loudness(np.zeros((SR, 2), np.float32), SR) is None


def signals():
    rng = np.random.default_rng(7)
    t = np.arange(SR * 6) / SR
    yield "quiet noise", (rng.standard_normal((SR * 6, 2)) * 0.01).astype(np.float32)
    yield "loud sine", tone(6.0, 220, 0.95)
    bursts = np.sin(2 * np.pi * 300 * t) * (np.sin(2 * np.pi * 2 * t) > 0.3)  # speech-like
    yield "bursts", np.stack([bursts, bursts * 0.6], 1).astype(np.float32) * 0.3
    kick = np.sin(2 * np.pi * 50 * t) * np.exp(-((t % 0.5) * 20))  # peaky: the limiter works
    yield "kicks", np.stack([kick, kick], 1).astype(np.float32)


@pytest.mark.parametrize("target", [-14.0, -23.0])
def test_normalise_hits_the_target_within_half_a_lu(target):
    for name, x in signals():
        y, measured = normalise(x, SR, target, ceiling_dbtp=-1.0)
        assert measured == pytest.approx(target, abs=0.5), name
        assert integrated_loudness(y, SR) == pytest.approx(measured, abs=1e-6)
        assert true_peak_db(y) <= -1.0 + 1e-3, name


def test_export_audio_reports_loudness_after_normalisation(media):
    p = audio_project()
    place(p, media.wav("t.wav", tone(3.0, 500, 0.05)), start=0, duration=72)
    samples, lufs = render_export_audio(p, media.resolve)
    assert samples.shape == (3 * SR, 2)
    assert lufs == pytest.approx(-14.0, abs=0.5)
    assert integrated_loudness(samples, SR) == pytest.approx(lufs, abs=1e-6)
    untouched, measured = render_export_audio(p, media.resolve, target_lufs=None)
    assert measured == pytest.approx(integrated_loudness(tone(3.0, 500, 0.05), SR), abs=0.1)
    empty = audio_project()
    place(empty, media.wav("z.wav", np.zeros((SR, 2), np.float32)), start=0, duration=24)
    silent, none = render_export_audio(empty, media.resolve)
    assert none is None and not silent.any()
