"""Sound in the preview player, with the audio clock as the master the picture follows.

The output device pulls samples in its callback; the position the listener hears is the
number of samples handed to the device, placed in time by the device's own DAC timestamps,
so the picture can never drift from the sound however the sound card's crystal runs. A
render thread mixes ahead of the device in half-second chunks (decoding is cached, so this
is cheap) and makes short grains for scrubbing.

No device (PortAudio missing, no output, a driver error) is a normal state: the player runs
silent on a monotonic clock and says so once in `status_message` (and `on_notice`).
Tests inject a fake output stream; nothing here needs Qt.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from studio.model import Project

SAMPLE_RATE = 48_000
NO_DEVICE = "No audio output device: playing silently"

log = logging.getLogger(__name__)

Source = Callable[[float, float], np.ndarray]  # (start_s, duration_s) -> (N, 2) float32


class OutputStream(Protocol):
    """The part of sounddevice.OutputStream the player uses (a fake one in tests)."""

    time: float  # the stream's clock, seconds, same time base as the callback's DAC times

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def close(self) -> None: ...


StreamFactory = Callable[..., OutputStream]  # (samplerate, channels, dtype, blocksize, callback)


class NoAudioDevice(RuntimeError):
    """There is no way to make sound here; the message says why, for the user."""


def sounddevice_factory(device: int | str | None = None) -> StreamFactory:
    """A factory for real output streams, or NoAudioDevice if PortAudio or an output is missing."""
    try:
        import sounddevice as sd
    except OSError as exc:  # 'PortAudio library not found'
        raise NoAudioDevice(f"{NO_DEVICE} ({exc})") from None
    except ImportError as exc:
        raise NoAudioDevice(f"{NO_DEVICE} (sounddevice is not installed: {exc})") from None
    try:
        sd.query_devices(device, kind="output")
    except (sd.PortAudioError, ValueError) as exc:
        raise NoAudioDevice(f"{NO_DEVICE} ({exc})") from None

    def factory(**kwargs: Any) -> OutputStream:
        return sd.OutputStream(device=device, latency="low", **kwargs)

    return factory


def mix_source(
    project: Project | Callable[[], Project | None] | None,
    resolve: Callable[[str], Path] | None,
    sample_rate: int = SAMPLE_RATE,
) -> Source:
    """A Source over the project's mix; pass a callable to always play the current edit."""
    from studio.audio.mixer import MixOptions, render_project_audio

    options = MixOptions(strict=False)  # a missing file is skipped, never stops playback

    def render(start_s: float, duration_s: float) -> np.ndarray:
        current = project() if callable(project) else project
        n = int(round(duration_s * sample_rate))
        if current is None or resolve is None:
            return np.zeros((n, 2), np.float32)
        return render_project_audio(
            current, resolve, sample_rate, start_s, duration_s, options=options
        )

    return render


class AudioPlayer:
    """Plays the project's mix from a position; `clock()` is where the listener is, in seconds."""

    def __init__(
        self,
        project: Project | Callable[[], Project | None] | None = None,
        resolve: Callable[[str], Path] | None = None,
        *,
        source: Source | None = None,
        sample_rate: int = SAMPLE_RATE,
        stream_factory: StreamFactory | None = None,
        block_size: int = 512,
        chunk_s: float = 0.5,
        ahead_s: float = 1.0,
        grain_s: float = 0.08,
        now: Callable[[], float] = time.monotonic,
        on_notice: Callable[[str], None] | None = None,
    ):
        self.sample_rate = sample_rate
        self._source = source or mix_source(project, resolve, sample_rate)
        self._block = block_size
        self._chunk = max(block_size, int(chunk_s * sample_rate))
        self._ahead = max(self._chunk, int(ahead_s * sample_rate))
        self._grain_n = int(grain_s * sample_rate)
        self._now = now
        self._on_notice = on_notice
        self.status_message: str | None = None
        self.underruns = 0
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._playing = False
        self._origin = 0  # sample where the current play started (or the paused position)
        self._pos = 0  # next sample the device will get
        self._render_pos = 0  # next sample the render thread will mix
        self._chunks: deque[np.ndarray] = deque()
        self._buffered = 0
        self._generation = 0  # bumped on seek/invalidate: stale chunks are dropped
        self._anchor: tuple[int, float] | None = None  # (sample at block start, its DAC time)
        self._silent_since: float | None = None
        self._grain_at: float | None = None
        self._grain: np.ndarray | None = None
        self._closed = False
        self._stream = self._open_stream(stream_factory)
        self._thread = None
        if self._stream is not None:
            self._thread = threading.Thread(
                target=self._render_loop, name="audio-render", daemon=True
            )
            self._thread.start()

    # --- state --------------------------------------------------------------------------
    @property
    def available(self) -> bool:
        """False when playing silently (no device); `reason` / `status_message` say why."""
        return self._stream is not None

    @property
    def reason(self) -> str | None:
        return self.status_message

    @property
    def playing(self) -> bool:
        return self._playing

    def _open_stream(self, factory: StreamFactory | None) -> OutputStream | None:
        try:
            factory = factory or sounddevice_factory()
            stream = factory(
                samplerate=self.sample_rate,
                channels=2,
                dtype="float32",
                blocksize=self._block,
                callback=self._callback,
            )
            stream.start()
            return stream
        except NoAudioDevice as exc:
            self._notice(str(exc))
        except Exception as exc:  # a driver that fails to open: the picture still plays
            self._notice(f"{NO_DEVICE} ({exc})")
        return None

    def _notice(self, message: str) -> None:
        if self.status_message is not None:
            return  # said once
        self.status_message = message
        log.info(message)
        if self._on_notice:
            self._on_notice(message)

    # --- transport ----------------------------------------------------------------------
    def play(self, position_s: float | None = None) -> None:
        with self._wake:
            if position_s is not None:
                self._jump(position_s)
            elif not self._playing:
                self._jump(self._origin / self.sample_rate)
            self._playing = True
            self._silent_since = self._now()
            self._wake.notify_all()

    def pause(self) -> None:
        with self._wake:
            if self._playing:
                self._origin = int(round(self.clock() * self.sample_rate))
            self._playing = False
            self._jump(self._origin / self.sample_rate)

    def seek(self, position_s: float) -> None:
        with self._wake:
            self._jump(position_s)
            self._silent_since = self._now()
            self._wake.notify_all()

    def invalidate(self) -> None:
        """The edit changed: drop what was mixed ahead and mix it again from the clock."""
        with self._wake:
            if self._playing:
                self._jump(self.clock())
            self._wake.notify_all()

    def scrub(self, position_s: float) -> None:
        """Move to a position and play a short grain of sound there (latest request wins)."""
        with self._wake:
            if not self._playing:
                self._jump(position_s)
            self._grain_at = max(0.0, position_s)
            self._wake.notify_all()

    def _jump(self, position_s: float) -> None:
        sample = max(0, int(round(position_s * self.sample_rate)))
        self._origin = self._pos = self._render_pos = sample
        self._chunks.clear()
        self._buffered = 0
        self._anchor = None
        self._generation += 1

    def clock(self) -> float:
        """Where the listener is, in seconds: the master clock the picture follows."""
        sr = self.sample_rate
        if not self._playing:
            return self._origin / sr
        if self._stream is None:
            return self._origin / sr + (self._now() - (self._silent_since or self._now()))
        anchor = self._anchor
        if anchor is None:
            return self._origin / sr
        sample, dac_time = anchor
        heard = sample + (self._stream_time() - dac_time) * sr
        return max(self._origin, min(heard, self._pos)) / sr

    def _stream_time(self) -> float:
        try:
            return float(self._stream.time)
        except Exception:
            return self._now()

    def buffered_seconds(self) -> float:
        return self._buffered / self.sample_rate

    def wait_buffered(self, seconds: float, timeout: float = 5.0) -> bool:
        """Block until `seconds` of sound are mixed ahead (tests, benches, pre-roll)."""
        want = int(seconds * self.sample_rate)
        with self._wake:
            return self._wake.wait_for(lambda: self._buffered >= want or self._closed, timeout)

    def close(self) -> None:
        with self._wake:
            self._closed = True
            self._playing = False
            self._wake.notify_all()
        if self._stream is not None:
            for step in (self._stream.stop, self._stream.close):
                try:
                    step()
                except Exception:
                    log.debug("closing the audio stream failed", exc_info=True)
        if self._thread is not None:
            self._thread.join(2.0)

    # --- the device callback (audio thread: no allocation-heavy work, no rendering) ----
    def _callback(self, outdata, frames: int, time_info, status) -> None:
        out = np.zeros((frames, 2), np.float32)
        dac = getattr(time_info, "outputBufferDacTime", None)
        with self._wake:
            if self._playing:
                got = self._pull(out, frames)
                if got < frames:
                    self.underruns += 1
                block_start = self._pos
                self._pos += got
                if dac is not None and got:
                    self._anchor = (block_start, float(dac))
                self._wake.notify_all()
            if self._grain is not None:
                take = min(frames, self._grain.shape[0])
                out[:take] += self._grain[:take]
                self._grain = self._grain[take:] if take < self._grain.shape[0] else None
        outdata[:] = out

    def _pull(self, out: np.ndarray, frames: int) -> int:
        got = 0
        while got < frames and self._chunks:
            chunk = self._chunks[0]
            take = min(frames - got, chunk.shape[0])
            out[got : got + take] = chunk[:take]
            got += take
            if take == chunk.shape[0]:
                self._chunks.popleft()
            else:
                self._chunks[0] = chunk[take:]
        self._buffered -= got
        return got

    # --- the render thread --------------------------------------------------------------
    def _render_loop(self) -> None:
        while True:
            with self._wake:
                self._wake.wait_for(self._has_work, timeout=0.25)
                if self._closed:
                    return
                grain_at, self._grain_at = self._grain_at, None
                job = None
                if self._playing and self._buffered < self._ahead:
                    job = (self._render_pos, self._generation)
            if grain_at is not None:
                self._make_grain(grain_at)
            if job is not None:
                self._render_chunk(*job)

    def _has_work(self) -> bool:
        return (
            self._closed
            or self._grain_at is not None
            or (self._playing and self._buffered < self._ahead)
        )

    def _render_chunk(self, start: int, generation: int) -> None:
        sr = self.sample_rate
        try:
            chunk = self._source(start / sr, self._chunk / sr)
        except Exception as exc:  # never kill playback over one bad block
            log.warning("mixing for playback failed: %s", exc)
            chunk = np.zeros((self._chunk, 2), np.float32)
        chunk = np.ascontiguousarray(chunk[: self._chunk], dtype=np.float32)
        with self._wake:
            if generation != self._generation:
                return
            self._chunks.append(chunk)
            self._buffered += chunk.shape[0]
            self._render_pos += chunk.shape[0]
            self._wake.notify_all()

    def _make_grain(self, position_s: float) -> None:
        try:
            grain = np.array(self._source(position_s, self._grain_n / self.sample_rate), np.float32)
        except Exception as exc:
            log.warning("scrub grain failed: %s", exc)
            return
        edge = min(grain.shape[0] // 2, self.sample_rate // 200)  # 5 ms: no clicks
        if edge:
            ramp = np.linspace(0, 1, edge, dtype=np.float32)[:, None]
            grain[:edge] *= ramp
            grain[-edge:] *= ramp[::-1]
        with self._wake:
            self._grain = grain
