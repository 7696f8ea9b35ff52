"""Decoding real files written by PyAV: every format a creator brings, to 48 kHz stereo."""

from __future__ import annotations

import os

import numpy as np
import pytest

from studio.audio.decode import DecodeCache, decode_file, probe_audio
from studio.errors import InputError
from studio.media.video import write_video
from tests.studio.audio.conftest import SR, tone, write_encoded

FORMATS = [  # name, codec, rate, layout, options
    ("a.wav", "pcm_s16le", 44_100, "mono", None),
    ("a.flac", "flac", 44_100, "stereo", None),
    ("a.ogg", "vorbis", 44_100, "stereo", {"strict": "experimental"}),
    ("a.mp3", "libmp3lame", 44_100, "stereo", None),
    ("a.m4a", "aac", 48_000, "stereo", None),
]


@pytest.mark.parametrize("name,codec,rate,layout,options", FORMATS)
def test_decodes_to_48k_stereo_float(tmp_path, name, codec, rate, layout, options):
    source = tone(1.0, 440, 0.5, sr=rate)
    path = write_encoded(tmp_path / name, source, codec, rate, layout, options)
    info = probe_audio(path)
    assert info is not None and info.sample_rate == rate
    x = decode_file(path)
    assert x.dtype == np.float32 and x.shape[1] == 2
    assert abs(x.shape[0] - SR) < 0.06 * SR  # codecs pad a frame or two
    body = x[SR // 4 : 3 * SR // 4]
    assert np.sqrt(np.mean(body**2)) == pytest.approx(
        0.5 / np.sqrt(2), rel=0.05
    )  # mono: full level
    assert np.allclose(body[:, 0], body[:, 1], atol=0.02)
    spectrum = np.abs(np.fft.rfft(body[:, 0]))
    peak_hz = np.fft.rfftfreq(body.shape[0], 1 / SR)[np.argmax(spectrum)]
    assert peak_hz == pytest.approx(440, abs=3)  # resampled, not sped up


def test_video_sound_and_silent_video(tmp_path):
    frames = [np.zeros((32, 32, 3), np.uint8)] * 6
    silent = tmp_path / "silent.mp4"
    write_video(silent, frames, 24)
    assert probe_audio(silent) is None and decode_file(silent) is None
    with_sound = write_encoded(tmp_path / "sound.m4a", tone(0.5), "aac")
    assert decode_file(with_sound).shape[0] > SR // 3


def test_cache_reuses_and_notices_edits(tmp_path):
    cache = DecodeCache()
    path = write_encoded(tmp_path / "c.wav", tone(0.5, amp=0.1), "pcm_s16le")
    first = cache.get(path)
    assert cache.get(path) is first and not first.flags.writeable
    write_encoded(path, tone(0.5, amp=0.4), "pcm_s16le")
    os.utime(path, ns=(1, 10**18))
    again = cache.get(path)
    assert again is not first and np.abs(again).max() > 0.3


def test_cache_is_bounded(tmp_path):
    cache = DecodeCache(max_bytes=SR * 2 * 4 * 3 // 2)  # room for 1.5 s of sound
    paths = [write_encoded(tmp_path / f"{i}.wav", tone(1.0), "pcm_s16le") for i in range(3)]
    for p in paths:
        cache.get(p)
    assert cache.nbytes <= cache.max_bytes


def test_bad_files_name_the_file(tmp_path):
    with pytest.raises(InputError, match="missing.wav"):
        decode_file(tmp_path / "missing.wav")
    junk = tmp_path / "junk.mp3"
    junk.write_bytes(b"not a sound file at all" * 20)
    with pytest.raises(InputError, match="junk.mp3"):
        decode_file(junk)
