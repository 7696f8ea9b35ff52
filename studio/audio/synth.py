"""Building blocks for procedural sound: coloured noise, filters, slow modulation, scattered
events. All vectorised; a minute of sound takes milliseconds, so drafts are instant."""

from __future__ import annotations

import numpy as np
from scipy.signal import butter, fftconvolve, sosfilt


def white(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.standard_normal(n).astype(np.float32)


def pink(rng: np.random.Generator, n: int) -> np.ndarray:
    """1/f noise by shaping white noise's spectrum (−3 dB / octave), unit RMS."""
    spec = np.fft.rfft(rng.standard_normal(n))
    f = np.arange(spec.size, dtype=np.float64)
    f[0] = 1.0
    x = np.fft.irfft(spec / np.sqrt(f), n)
    return _unit(x)


def brown(rng: np.random.Generator, n: int) -> np.ndarray:
    """1/f² noise (−6 dB / octave): rumbles, surf, wind."""
    spec = np.fft.rfft(rng.standard_normal(n))
    f = np.arange(spec.size, dtype=np.float64)
    f[0] = 1.0
    f = np.maximum(f, max(1.0, spec.size / 2400))  # keep below ~10 Hz flat: no DC drift
    return _unit(np.fft.irfft(spec / f, n))


def _unit(x: np.ndarray) -> np.ndarray:
    rms = float(np.sqrt(np.mean(x * x))) or 1.0
    return (x / rms).astype(np.float32)


def band(
    x: np.ndarray, sr: int, low: float | None, high: float | None, order: int = 2
) -> np.ndarray:
    """Butterworth high-pass (low), low-pass (high) or band-pass (both)."""
    nyq = sr / 2
    if low and high:
        sos = butter(order, [low / nyq, min(high / nyq, 0.99)], "bandpass", output="sos")
    elif low:
        sos = butter(order, low / nyq, "highpass", output="sos")
    elif high:
        sos = butter(order, min(high / nyq, 0.99), "lowpass", output="sos")
    else:
        return x
    return sosfilt(sos, x, axis=0).astype(np.float32)


def lfo(
    rng: np.random.Generator, n: int, sr: int, rate_hz: float, depth: float = 1.0
) -> np.ndarray:
    """A smooth random curve in [1 - depth, 1] wandering at about `rate_hz` (gusts, swells)."""
    points = max(4, int(n / sr * rate_hz) + 4)
    knots = rng.random(points)
    t = np.linspace(0, points - 3, n)
    i = np.floor(t).astype(int)
    frac = t - i
    smooth = frac * frac * (3 - 2 * frac)  # smoothstep between random knots
    curve = knots[i] * (1 - smooth) + knots[i + 1] * smooth
    return (1.0 - depth + depth * curve).astype(np.float32)


def events(
    rng: np.random.Generator,
    n: int,
    sr: int,
    per_second: float,
    jitter: float = 1.0,
    first_at: float | None = None,
) -> np.ndarray:
    """Sample positions of events at about `per_second` (Poisson when jitter=1, regular at 0)."""
    duration = n / sr
    if per_second <= 0 or duration <= 0:
        return np.zeros(0, dtype=int)
    period = 1.0 / per_second
    count = int(duration * per_second * 1.5) + 4
    gaps = period * ((1 - jitter) + jitter * rng.exponential(1.0, count))
    start = rng.uniform(0, period) if first_at is None else first_at
    times = start + np.concatenate([[0.0], np.cumsum(gaps)[:-1]])
    times = times[times < duration]
    return (times * sr).astype(int)


def scatter(n: int, positions: np.ndarray, amplitudes: np.ndarray, grain: np.ndarray) -> np.ndarray:
    """Place one grain at every position (scaled), by convolving a sparse impulse train."""
    impulses = np.zeros(n, np.float32)
    amps = np.resize(np.asarray(amplitudes, np.float32), positions.size)  # extra ones unused
    keep = positions < n
    np.add.at(impulses, positions[keep], amps[keep])
    if not impulses.any():
        return impulses
    return fftconvolve(impulses, grain.astype(np.float32))[:n].astype(np.float32)


def decay(sr: int, seconds: float, attack: float = 0.002) -> np.ndarray:
    """An envelope with a short linear attack and an exponential decay (−60 dB at `seconds`)."""
    n = max(2, int(round(seconds * sr)))
    t = np.arange(n) / sr
    env = np.exp(-6.9 * t / seconds)
    a = max(1, int(attack * sr))
    env[:a] *= np.linspace(0, 1, a)
    return env.astype(np.float32)


def burst(
    rng: np.random.Generator,
    sr: int,
    seconds: float,
    low: float | None,
    high: float | None,
    attack: float = 0.002,
) -> np.ndarray:
    """A short filtered-noise hit (a drop, a step, a crackle) decaying over `seconds`."""
    env = decay(sr, seconds, attack)
    return band(white(rng, env.size), sr, low, high) * env


def stereo(left: np.ndarray, right: np.ndarray | None = None, width: float = 1.0) -> np.ndarray:
    """Two channels from two (decorrelated) signals; width 0 is mono, 1 fully independent."""
    if right is None:
        return np.stack([left, left], axis=1)
    mid = (left + right) * 0.5
    side = (left - right) * 0.5 * width
    return np.stack([mid + side, mid - side], axis=1).astype(np.float32)


def panned(x: np.ndarray, position: np.ndarray | float) -> np.ndarray:
    """Constant-power pan of a mono signal; `position` in [-1, 1], may change over time."""
    theta = (np.clip(position, -1, 1) + 1) * np.pi / 4
    return np.stack([x * np.cos(theta), x * np.sin(theta)], axis=1).astype(np.float32)


def rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64)))) if x.size else 0.0
