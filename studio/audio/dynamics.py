"""Level control: dB conversion, true-peak metering, the true-peak limiter, music ducking.

Everything works on whole arrays (numpy / scipy), never sample by sample in Python: the mixer
renders minutes of sound at once for an export and half-second blocks for the player.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy.ndimage import convolve1d, minimum_filter1d, uniform_filter1d
from scipy.signal import firwin, lfilter

OVERSAMPLE = 4  # ITU-R BS.1770-4 true-peak meter: 4x oversampling at 48 kHz
_MARGIN = 0.995  # aim 0.04 dB under the ceiling so smoothing never needs a second pass


def db_to_gain(db: float) -> float:
    return float(10.0 ** (db / 20.0))


def gain_to_db(gain: float) -> float:
    return float(20.0 * np.log10(max(gain, 1e-12)))


@lru_cache(maxsize=8)
def _phase_filters(oversample: int) -> tuple[np.ndarray, ...]:
    """Fractional-delay FIRs for the in-between positions p/oversample (p = 1..oversample-1),
    cut from one linear-phase interpolation low-pass (12 taps per phase at 4x, like the
    BS.1770 reference meter)."""
    half = 6 * oversample
    h = firwin(2 * half + 1, 1.0 / oversample, window=("kaiser", 7.0)) * oversample
    phases = []
    for p in range(1, oversample):
        taps = [
            h[oversample * i + p + half] if 0 <= oversample * i + p + half <= 2 * half else 0.0
            for i in range(-6, 7)
        ]
        phases.append(np.asarray(taps, dtype=np.float32))
    return tuple(phases)


def true_peak_envelope(samples: np.ndarray, oversample: int = OVERSAMPLE) -> np.ndarray:
    """Per sample, the highest absolute level of the reconstructed (oversampled) waveform
    between this sample and the next, over all channels; shape (N,).

    Sample peaks miss the overs a DAC or an AAC decoder produces between samples; this is
    what a true-peak meter sees. Polyphase: one short convolution per in-between phase.
    """
    x = np.asarray(samples, dtype=np.float32)
    channels = [x] if x.ndim == 1 else [np.ascontiguousarray(x[:, c]) for c in range(x.shape[1])]
    env = np.zeros(x.shape[0], np.float32)
    for ch in channels:  # per channel: reductions across a 2-wide axis are slow in numpy
        np.maximum(env, np.abs(ch), out=env)
        for taps in _phase_filters(oversample):
            np.maximum(env, np.abs(convolve1d(ch, taps, mode="constant")), out=env)
    return env


def true_peak_db(samples: np.ndarray, oversample: int = OVERSAMPLE) -> float:
    """True peak in dBTP (−inf-safe: silence gives −240)."""
    env = true_peak_envelope(samples, oversample)
    return gain_to_db(float(env.max()) if env.size else 0.0)


def limit(
    samples: np.ndarray,
    sample_rate: int,
    ceiling_dbtp: float = -1.0,
    lookahead_ms: float = 5.0,
    release_ms: float = 120.0,
) -> np.ndarray:
    """A look-ahead true-peak limiter: the result's true peak never exceeds `ceiling_dbtp`.

    The gain needed at each sample is spread over a short look-ahead window so peaks are
    caught without clicks (a minimum filter then a box filter of the same half-width stays
    at or below the needed gain everywhere), and recovers with a smooth release. A final
    check re-measures the output and corrects what the smoothing left.
    """
    x = np.asarray(samples, dtype=np.float32)
    if x.size == 0:
        return x.copy()
    ceiling = db_to_gain(ceiling_dbtp)
    half = max(1, int(sample_rate * lookahead_ms / 1000))
    alpha = float(np.exp(-1.0 / max(1.0, sample_rate * release_ms / 1000)))
    y = x
    for _ in range(3):
        env = true_peak_envelope(y)
        if float(env.max()) <= ceiling:
            return y if y is not x else x.copy()
        need = np.minimum(1.0, ceiling * _MARGIN / np.maximum(env, 1e-12))
        smooth = uniform_filter1d(minimum_filter1d(need, 2 * half + 1), 2 * half + 1)
        smooth = np.minimum(smooth, need)  # float rounding in the box filter
        released, _ = lfilter([1 - alpha], [1, -alpha], smooth, zi=[alpha * smooth[0]])
        gain = np.minimum(smooth, released).astype(np.float32)
        y = x * gain[:, None] if x.ndim == 2 else x * gain
        x = y
    peak = float(true_peak_envelope(y).max())
    if peak > ceiling:  # pathological input: scale the rest down rather than clip
        y = y * np.float32(ceiling / peak * 0.999)
    return y


def duck_gain(
    key: np.ndarray,
    sample_rate: int,
    depth_db: float = -10.0,
    threshold_db: float = -45.0,
    attack_s: float = 0.08,
    release_s: float = 0.45,
    hold_s: float = 0.25,
) -> np.ndarray:
    """The gain (N,) to apply to music so it dips under the `key` signal (speech).

    Works on 10 ms blocks: a block is "speech" when its RMS is above the threshold; short
    pauses are held over so music does not pump between words, and because the mix is
    rendered ahead of time the dip starts `attack_s` before the speech does.
    """
    n = key.shape[0]
    if n == 0:
        return np.ones(0, np.float32)
    block = max(1, sample_rate // 100)
    nb = -(-n // block)
    mono = np.abs(key).astype(np.float32) if key.ndim == 1 else np.abs(key).max(axis=1)
    padded = np.zeros(nb * block, np.float32)
    padded[:n] = mono
    rms = np.sqrt(np.mean(padded.reshape(nb, block) ** 2, axis=1))
    active = rms > db_to_gain(threshold_db)
    if not active.any():
        return np.ones(n, np.float32)
    lead = int(round(attack_s * 100))
    hold = int(round(hold_s * 100))
    csum = np.concatenate([[0], np.cumsum(active)])
    idx = np.arange(nb)
    extended = csum[np.minimum(nb, idx + lead + 1)] - csum[np.maximum(0, idx - hold)] > 0
    target = np.where(extended, db_to_gain(depth_db), 1.0)
    gain_blocks = _attack_release(target, attack_s * 100, release_s * 100)
    centres = (idx + 0.5) * block
    return np.interp(np.arange(n), centres, gain_blocks).astype(np.float32)


def _attack_release(target: np.ndarray, attack_blocks: float, release_blocks: float) -> np.ndarray:
    """One-pole smoothing with separate fall (attack) and rise (release) times, per block."""
    a_down = float(np.exp(-1.0 / max(attack_blocks / 3.0, 1e-3)))
    a_up = float(np.exp(-1.0 / max(release_blocks / 3.0, 1e-3)))
    out = np.empty_like(target)
    g = float(target[0])
    for i, t in enumerate(target.tolist()):  # a few thousand blocks a minute: cheap
        a = a_down if t < g else a_up
        g = t + (g - t) * a
        out[i] = g
    return out


def pan_gains(pan: float) -> tuple[float, float]:
    """Constant-power pan, 0 dB in the centre: L² + R² stays 2 at every position."""
    theta = (float(np.clip(pan, -1.0, 1.0)) + 1.0) * np.pi / 4.0
    return float(np.sqrt(2.0) * np.cos(theta)), float(np.sqrt(2.0) * np.sin(theta))


def apply_fades(seg: np.ndarray, offset: int, length: int, fade_in: int, fade_out: int) -> None:
    """Equal-power fades, in place, on `seg` = samples [offset, offset + len(seg)) of a clip
    `length` samples long. Only the samples inside a fade are touched. Equal-power keeps
    crossfades between unrelated sounds from dipping in the middle."""
    if fade_in + fade_out > length > 0:  # fades longer than the clip share it
        k = length / (fade_in + fade_out)
        fade_in, fade_out = int(fade_in * k), int(fade_out * k)
    n = seg.shape[0]
    if fade_in > 0 and offset < fade_in:
        end = min(n, fade_in - offset)
        pos = np.arange(offset, offset + end, dtype=np.float64)
        env = np.sin(pos / fade_in * (np.pi / 2)).astype(np.float32)
        seg[:end] *= env[:, None] if seg.ndim == 2 else env
    tail = length - fade_out
    if fade_out > 0 and offset + n > tail:
        start = max(0, tail - offset)
        pos = np.arange(offset + start, offset + n, dtype=np.float64)
        env = np.sin(np.clip((length - pos) / fade_out, 0.0, 1.0) * (np.pi / 2)).astype(np.float32)
        seg[start:] *= env[:, None] if seg.ndim == 2 else env
