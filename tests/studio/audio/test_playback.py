"""The player against a fake output stream (no sound card in CI): the audio clock is the
master, a click placed at 10 s is heard when the clock says 10 s, and no device means a
silent player that says so once."""

from __future__ import annotations

import time
from types import SimpleNamespace

import numpy as np
import pytest

from studio.audio.playback import NO_DEVICE, AudioPlayer, NoAudioDevice
from tests.studio.audio.conftest import SR, audio_project, place


class FakeStream:
    """A sound card: pulls blocks through the callback, stamps each with its DAC time, and
    plays `skew` faster than the system clock (a crystal that is off, as real ones are)."""

    latency = 0.02

    def __init__(self, samplerate, channels, dtype, blocksize, callback, skew=0.0):
        self.rate, self.block, self.callback = samplerate, blocksize, callback
        self.time = 100.0
        self.skew = skew
        self.blocks: list[tuple[float, np.ndarray]] = []  # (dac time, samples)
        self.started = False

    def start(self):
        self.started = True

    def stop(self):
        self.started = False

    def close(self):
        pass

    def pump(self, player: AudioPlayer, seconds: float) -> None:
        for _ in range(int(seconds * self.rate / self.block)):
            assert player.wait_buffered(self.block / self.rate, timeout=10)
            out = np.zeros((self.block, 2), np.float32)
            dac = self.time + self.latency
            self.callback(
                out,
                self.block,
                SimpleNamespace(outputBufferDacTime=dac, currentTime=self.time),
                None,
            )
            self.blocks.append((dac, out))
            self.time += self.block / (self.rate * (1 + self.skew))

    def heard_at(self, sample_index: int) -> float:
        """The system time at which the n-th pumped sample comes out of the speaker."""
        dac, _ = self.blocks[sample_index // self.block]
        return dac + (sample_index % self.block) / (self.rate * (1 + self.skew))

    def output(self) -> np.ndarray:
        return np.concatenate([b for _, b in self.blocks])


def fake_factory(holder: list, skew: float = 0.0):
    def factory(**kwargs):
        holder.append(FakeStream(**kwargs, skew=skew))
        return holder[-1]

    return factory


@pytest.fixture
def click_project(media):
    click = np.zeros((SR // 10, 2), np.float32)
    click[0] = 0.9
    project = audio_project()
    place(project, media.wav("click.wav", click), start=240, duration=2)  # frame 240 = 10.000 s
    project.tracks[0].clips.append(
        project.tracks[0]
        .clips[0]
        .model_copy(update={"id": "pad", "start": 1440, "media": "click.wav"})
    )  # project runs to 60 s
    return project


@pytest.mark.parametrize("skew", [0.0, 2e-4])
def test_the_click_at_10s_is_heard_when_the_clock_says_10s(click_project, media, skew):
    streams: list[FakeStream] = []
    player = AudioPlayer(click_project, media.resolve, stream_factory=fake_factory(streams, skew))
    fake = streams[0]
    try:
        player.play(9.5)
        assert player.clock() == pytest.approx(9.5)
        fake.pump(player, 1.0)
        heard = fake.output()
        index = int(np.argmax(np.abs(heard[:, 0]) > 0.5))
        assert heard[index, 0] > 0.5
        fake.time = fake.heard_at(index)
        assert player.clock() == pytest.approx(10.0, abs=0.001)
        assert player.underruns == 0
    finally:
        player.close()


def test_no_drift_after_a_minute_even_when_the_sound_card_runs_fast(click_project, media):
    streams: list[FakeStream] = []
    player = AudioPlayer(click_project, media.resolve, stream_factory=fake_factory(streams, 3e-4))
    fake = streams[0]
    try:
        player.play(0.0)
        fake.pump(player, 60.0)
        last = len(fake.blocks) * fake.block - 1
        fake.time = fake.heard_at(last)
        drift = player.clock() - last / SR
        assert abs(drift) < 0.001  # a wall-clock player would be 18 ms off by now
    finally:
        player.close()


def test_pause_seek_and_scrub(click_project, media):
    streams: list[FakeStream] = []
    player = AudioPlayer(click_project, media.resolve, stream_factory=fake_factory(streams))
    fake = streams[0]
    try:
        player.play(2.0)
        fake.pump(player, 0.5)
        last = len(fake.blocks) * fake.block - 1
        fake.time = fake.heard_at(last)
        player.pause()
        assert player.clock() == pytest.approx(2.0 + last / SR, abs=0.001)
        assert not player.playing
        player.scrub(9.99)  # a grain holding the click, while paused
        assert player.clock() == pytest.approx(9.99)
        for _ in range(200):
            if player._grain is not None:  # the render thread made it
                break
            time.sleep(0.01)
        fake.blocks.clear()
        for _ in range(10):
            out = np.zeros((fake.block, 2), np.float32)
            fake.callback(out, fake.block, SimpleNamespace(outputBufferDacTime=0.0), None)
            fake.blocks.append((0.0, out))
        grain = fake.output()
        assert np.argmax(np.abs(grain[:, 0])) == int(0.01 * SR)
        assert np.abs(grain).max() > 0.5 and player.clock() == pytest.approx(9.99)
        assert not grain[int(0.09 * SR) :].any()  # a short grain, then silence
    finally:
        player.close()


def test_without_a_device_it_plays_silently_and_says_so_once(click_project, media):
    notices = []
    now = [50.0]

    def no_device(**_kw):
        raise NoAudioDevice(NO_DEVICE + " (PortAudio library not found)")

    player = AudioPlayer(
        click_project,
        media.resolve,
        stream_factory=no_device,
        now=lambda: now[0],
        on_notice=notices.append,
    )
    assert not player.available and "PortAudio" in player.status_message
    assert player.reason == player.status_message and len(notices) == 1
    player.play(3.0)
    now[0] += 1.25
    assert player.clock() == pytest.approx(4.25)
    player.pause()
    now[0] += 5
    assert player.clock() == pytest.approx(4.25)
    player.seek(1.0)
    player.play()
    now[0] += 0.5
    assert player.clock() == pytest.approx(1.5)
    player._notice("again")
    assert len(notices) == 1
    player.close()


def test_a_driver_that_fails_to_open_is_a_silent_player_too():
    def broken(**_kw):
        raise RuntimeError("device busy")

    player = AudioPlayer(None, None, stream_factory=broken)
    assert not player.available and "device busy" in player.status_message
    player.close()
