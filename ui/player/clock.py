"""Playback clocks: where the transport is, in timeline seconds.

The picture always follows `clock.position()`. With sound, the audio device's clock is the
master (studio.audio.playback.AudioPlayer, when the sound work provides it); without a device,
or while shuttling at a speed other than 1x, a monotonic clock drives the picture silently.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from studio.model import Project

NO_DEVICE = "No audio device: playing silent"


class PlaybackClock(Protocol):
    """What the player needs from a clock; `notice` says once why sound is missing, if it is."""

    notice: str | None

    def start(self, position: float, rate: float = 1.0) -> None: ...

    def stop(self) -> None: ...

    def position(self) -> float: ...


class MonotonicClock:
    """A silent clock: position = start + rate * elapsed wall time (time source injectable)."""

    def __init__(self, now: Callable[[], float] = time.monotonic, notice: str | None = None):
        self._now = now
        self.notice = notice
        self._origin = 0.0
        self._started_at: float | None = None
        self._rate = 1.0

    def start(self, position: float, rate: float = 1.0) -> None:
        self._origin, self._rate, self._started_at = position, rate, self._now()

    def stop(self) -> None:
        self._origin = self.position()
        self._started_at = None

    def scrub(self, position: float) -> None:
        """Silent: nothing to play while scrubbing."""

    def position(self) -> float:
        if self._started_at is None:
            return self._origin
        return self._origin + self._rate * (self._now() - self._started_at)


class AudioClock:
    """Sound through studio.audio.playback.AudioPlayer, whose clock is the master at 1x.

    Any other rate (J/K/L shuttle) plays the picture silently on a monotonic clock."""

    def __init__(self, player, fallback: MonotonicClock):
        self._player = player
        self._silent = fallback
        self._audible = False
        self.notice = None

    def start(self, position: float, rate: float = 1.0) -> None:
        self._audible = rate == 1.0
        if self._audible:
            self._player.seek(position)
            self._player.play()
        else:
            self._silent.start(position, rate)

    def stop(self) -> None:
        if self._audible:
            self._player.pause()
        else:
            self._silent.stop()

    def scrub(self, position: float) -> None:
        """A short grain of sound at `position` (the scrub slider, while paused)."""
        self._player.scrub(position)

    def position(self) -> float:
        return float(self._player.clock()) if self._audible else self._silent.position()


def default_clock(project: Project | None, resolve: Callable[[str], Path] | None) -> PlaybackClock:
    """An audio-driven clock when a device and the sound player are there, else a silent one
    whose `notice` tells the user (once) that playback is silent."""
    try:
        from studio.audio.playback import AudioPlayer  # the sound engineer's module (issue #7)
    except ImportError:
        return MonotonicClock(notice=NO_DEVICE)
    try:
        player = AudioPlayer(project, resolve)
        if not getattr(player, "available", True):
            return MonotonicClock(notice=getattr(player, "reason", None) or NO_DEVICE)
    except Exception:  # no device, no driver: picture still plays
        return MonotonicClock(notice=NO_DEVICE)
    return AudioClock(player, MonotonicClock())
