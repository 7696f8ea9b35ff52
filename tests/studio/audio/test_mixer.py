"""Mixing math on synthetic signals: placement, gains, fades, pan, mute/solo, ducking, limiter."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.signal import resample_poly

from studio.audio.dynamics import limit, pan_gains, true_peak_db
from studio.audio.mixer import MixOptions, render_project_audio
from studio.errors import InputError
from studio.model import Clip, Project, Track, TrackKind, Transition
from tests.studio.audio.conftest import SR, audio_project, place, tone

RAW = MixOptions(limiter=False, ducking=False)


def rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64))))


def test_clip_lands_at_its_frame_with_its_source_offset(media):
    ramp = np.repeat(np.linspace(0, 0.5, SR * 2, dtype=np.float32)[:, None], 2, axis=1)
    p = audio_project(fps=25)
    place(p, media.wav("ramp.wav", ramp), start=25, duration=20, source_in=10)  # 1.0 s → 1.8 s
    mix = render_project_audio(p, media.resolve, duration_s=2.5, options=RAW)
    assert mix.shape == (int(2.5 * SR), 2) and mix.dtype == np.float32
    assert not mix[:SR].any() and not mix[int(1.8 * SR) :].any()
    # frame 10 at 25 fps = 0.4 s into the source plays at 1.0 s on the timeline
    assert mix[SR, 0] == pytest.approx(ramp[int(0.4 * SR), 0], abs=1e-4)
    assert mix[SR + 100, 1] == pytest.approx(ramp[int(0.4 * SR) + 100, 1], abs=1e-4)
    assert mix[int(1.8 * SR) - 1, 0] == pytest.approx(ramp[int(1.2 * SR) - 1, 0], abs=1e-4)
    assert render_project_audio(p, media.resolve, options=RAW).shape == (int(1.8 * SR), 2)


@pytest.mark.parametrize("clip_db,track_db", [(-6.0, 0.0), (0.0, -12.0), (3.0, -9.0)])
def test_gain_in_db_adds_clip_and_track(media, clip_db, track_db):
    p = audio_project(gain_db=track_db)
    place(p, media.wav("t.wav", tone(1.0, amp=0.25)), start=0, duration=24, gain_db=clip_db)
    mix = render_project_audio(p, media.resolve, options=RAW)
    ratio_db = 20 * np.log10(rms(mix) / rms(tone(1.0, amp=0.25)))
    assert ratio_db == pytest.approx(clip_db + track_db, abs=0.05)


def test_fades_are_silent_at_the_edges_and_full_in_the_middle(media):
    p = audio_project()
    place(
        p,
        media.wav("dc.wav", np.full((SR * 2, 2), 0.5, np.float32)),
        start=0,
        duration=48,
        fade_in=0.5,
        fade_out=0.25,
    )
    env = render_project_audio(p, media.resolve, options=RAW)[:, 0] / 0.5
    assert env[0] == pytest.approx(0.0, abs=1e-3)
    assert env[SR // 4] == pytest.approx(np.sin(np.pi / 4), abs=1e-3)  # equal power: −3 dB halfway
    assert env[SR // 2 : SR + SR // 2].min() == pytest.approx(1.0, abs=1e-4)
    assert env[-1] == pytest.approx(0.0, abs=1e-3)
    assert env[2 * SR - SR // 8] == pytest.approx(np.sin(np.pi / 4), abs=2e-3)
    assert np.all(np.diff(env[: SR // 2]) >= -1e-6)


def test_overlapping_clips_crossfade_with_constant_power(media):
    rng = np.random.default_rng(0)
    a = (rng.standard_normal((SR * 2, 2)) * 0.1).astype(np.float32)
    b = (rng.standard_normal((SR * 2, 2)) * 0.1).astype(np.float32)
    p = audio_project()
    place(p, media.wav("a.wav", a), start=0, duration=36)
    place(p, media.wav("b.wav", b), start=24, duration=24, transition_in=Transition(duration=12))
    mix = render_project_audio(p, media.resolve, options=RAW)
    middle = mix[SR + SR // 8 : SR + 3 * SR // 8]  # inside the 0.5 s overlap
    assert rms(middle) == pytest.approx(rms(a), rel=0.12)


def test_constant_power_pan():
    for pan in np.linspace(-1, 1, 9):
        left, right = pan_gains(pan)
        assert left**2 + right**2 == pytest.approx(2.0)
    assert pan_gains(0.0) == pytest.approx((1.0, 1.0))
    assert pan_gains(-1.0)[1] == pytest.approx(0.0, abs=1e-9)


def test_pan_moves_a_clip_between_channels(media):
    p = audio_project()
    place(p, media.wav("t.wav", tone(1.0, amp=0.3)), start=0, duration=24, pan=-1.0)
    mix = render_project_audio(p, media.resolve, options=RAW)
    assert rms(mix[:, 1]) < 1e-6
    assert rms(mix[:, 0]) == pytest.approx(rms(tone(1.0, amp=0.3)[:, 0]) * np.sqrt(2), rel=1e-3)


def test_mute_and_solo(media):
    name = media.wav("t.wav", tone(1.0, amp=0.2))
    p = Project(fps=24, tracks=[Track(kind=TrackKind.AUDIO, name=f"A{i}") for i in range(3)])
    for i in range(3):
        place(p, name, start=0, duration=24, track=i)
    one = rms(render_project_audio(p, media.resolve, options=RAW)) / 3
    p.tracks[0].muted = True
    assert rms(render_project_audio(p, media.resolve, options=RAW)) == pytest.approx(
        2 * one, rel=1e-3
    )
    p.tracks[2].solo = True
    assert rms(render_project_audio(p, media.resolve, options=RAW)) == pytest.approx(one, rel=1e-3)
    p.tracks[0].solo = True  # muted wins over solo
    assert rms(render_project_audio(p, media.resolve, options=RAW)) == pytest.approx(one, rel=1e-3)


def test_a_window_is_the_same_as_that_part_of_the_whole_mix(media):
    p = audio_project()
    rng = np.random.default_rng(3)
    place(
        p,
        media.wav("n.wav", (rng.standard_normal((SR * 3, 2)) * 0.6).astype(np.float32)),
        start=0,
        duration=72,
        fade_in=0.3,
    )
    whole = render_project_audio(p, media.resolve)
    part = render_project_audio(p, media.resolve, start_s=1.25, duration_s=0.5)
    assert part.shape == (SR // 2, 2)
    assert np.abs(part - whole[int(1.25 * SR) : int(1.75 * SR)]).max() < 0.02


def fs4_over() -> np.ndarray:
    """A sine at fs/4 with 45° phase: samples at ±0.85 but a true peak of 1.2 (+1.6 dBTP)."""
    t = np.arange(SR) / SR
    x = (1.2 * np.sin(2 * np.pi * SR / 4 * t + np.pi / 4)).astype(np.float32)
    return np.stack([x, x * 0.5], axis=1)


def test_limiter_holds_the_true_peak_ceiling_including_inter_sample_peaks():
    x = fs4_over()
    assert np.abs(x).max() < 0.9 and true_peak_db(x) > 1.0  # sample peaks would miss it
    y = limit(x, SR, ceiling_dbtp=-1.0)
    assert true_peak_db(y) <= -1.0 + 1e-3
    eight_x = np.abs(resample_poly(y, 8, 1, axis=0)).max()  # an independent, finer meter
    assert 20 * np.log10(eight_x) <= -0.9


def test_limiter_leaves_quiet_sound_untouched_and_keeps_loud_music_under_the_ceiling():
    quiet = tone(0.5, amp=0.3)
    assert np.array_equal(limit(quiet, SR), quiet)
    rng = np.random.default_rng(1)
    t = np.arange(SR * 2) / SR
    hits = (np.sin(2 * np.pi * 60 * t) * (t % 0.5 < 0.05) * 3.0).astype(np.float32)
    music = np.stack([hits, hits], 1) + (rng.standard_normal((SR * 2, 2)) * 0.2).astype(np.float32)
    y = limit(music, SR, ceiling_dbtp=-1.0)
    assert true_peak_db(y) <= -1.0 + 1e-3
    between = t % 0.5 > 0.3  # away from the hits the gain has recovered
    assert rms(y[between]) == pytest.approx(rms(music[between]), rel=0.05)


def test_mix_never_exceeds_the_ceiling_when_tracks_pile_up(media):
    name = media.wav("hot.wav", fs4_over() * 0.8)
    p = Project(fps=24, tracks=[Track(kind=TrackKind.AUDIO, name=f"A{i}") for i in range(4)])
    for i in range(4):
        place(p, name, start=0, duration=24, track=i, gain_db=6.0)
    mix = render_project_audio(p, media.resolve)
    assert true_peak_db(mix) <= -1.0 + 1e-3
    assert np.abs(mix).max() <= 1.0


def test_music_ducks_under_speech(media):
    p = Project(
        fps=24,
        tracks=[
            Track(kind=TrackKind.AUDIO, name="Music"),
            Track(kind=TrackKind.AUDIO, name="Voice-over"),
        ],
    )
    place(p, media.wav("music.wav", tone(4.0, 220, 0.2)), start=0, duration=96, track=0)
    speech = tone(1.0, 700, 0.3)
    place(p, media.wav("vo.wav", speech), start=36, duration=24, track=1)  # 1.5 s → 2.5 s
    ducked = render_project_audio(p, media.resolve, options=MixOptions(limiter=False))
    music_only = ducked[:SR]  # before the speech: untouched
    under = ducked[int(1.8 * SR) : int(2.4 * SR)]
    assert rms(music_only) == pytest.approx(rms(tone(1.0, 220, 0.2)), rel=0.02)
    # under the speech the music is ~10 dB down: measure the 220 Hz part alone
    spec = np.abs(np.fft.rfft(under[:, 0]))
    freqs = np.fft.rfftfreq(under.shape[0], 1 / SR)
    music_level = spec[np.argmin(np.abs(freqs - 220))] / (0.2 * under.shape[0] / 2)
    assert 20 * np.log10(music_level) == pytest.approx(-10.0, abs=1.5)
    recovered = ducked[int(3.5 * SR) :]
    assert rms(recovered) == pytest.approx(rms(tone(0.5, 220, 0.2)), rel=0.05)
    plain = render_project_audio(p, media.resolve, options=RAW)
    assert rms(plain[int(1.8 * SR) : int(2.4 * SR)]) > rms(under) * 1.02


def test_missing_file_names_the_file_and_the_clip(media):
    p = audio_project()
    place(p, "gone.wav", start=0, duration=24)
    with pytest.raises(InputError) as err:
        render_project_audio(p, media.resolve)
    assert "gone.wav" in str(err.value) and "tracks[0].clips[0]" in str(err.value)
    silent = render_project_audio(p, media.resolve, options=MixOptions(strict=False))
    assert not silent.any()


def test_unknown_take_is_reported(media):
    p = audio_project()
    p.tracks[0].clips.append(Clip(take_id="nope", start=0, duration=24))
    with pytest.raises(InputError, match="nope"):
        render_project_audio(p, media.resolve)
