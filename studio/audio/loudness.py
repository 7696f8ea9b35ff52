"""Loudness: integrated loudness (ITU-R BS.1770-4, gated, K-weighted) and normalisation to
the level social platforms play at (−14 LUFS), so an export is neither quieter than the
videos around it nor turned down (and squashed) by the platform.

Measurement uses pyloudnorm (MIT, numpy + scipy only), a reference implementation of
BS.1770 checked against the EBU conformance signals.
"""

from __future__ import annotations

import numpy as np
import pyloudnorm

from studio.audio.dynamics import db_to_gain, limit

DEFAULT_TARGET_LUFS = -14.0
MAX_BOOST_DB = 30.0  # never lift a near-silent mix (room tone) by more than this
_BLOCK_S = 0.4  # BS.1770 gating block
_SILENCE_LUFS = -70.0  # the absolute gate: anything below is silence


def integrated_loudness(samples: np.ndarray, sample_rate: int) -> float | None:
    """Integrated loudness in LUFS, or None for silence (nothing above the −70 LUFS gate)."""
    x = np.asarray(samples, dtype=np.float64)
    if x.size == 0 or not np.any(x):
        return None
    minimum = int(_BLOCK_S * sample_rate) + 1
    if x.shape[0] < minimum:  # shorter than one gating block: measure it looped
        reps = -(-minimum // x.shape[0])
        x = np.tile(x, (reps, 1) if x.ndim == 2 else reps)
    value = float(pyloudnorm.Meter(sample_rate).integrated_loudness(x))
    if not np.isfinite(value) or value < _SILENCE_LUFS:
        return None
    return value


def normalise(
    samples: np.ndarray,
    sample_rate: int,
    target_lufs: float = DEFAULT_TARGET_LUFS,
    ceiling_dbtp: float = -1.0,
) -> tuple[np.ndarray, float | None]:
    """Bring the mix to `target_lufs`, then true-peak limit it to `ceiling_dbtp`.

    Limiting lowers loudness a little when it has to work, so the gain is corrected once
    more from the limited result. Returns (samples, loudness measured on them).
    """
    x = np.asarray(samples, dtype=np.float32)
    measured = integrated_loudness(x, sample_rate)
    if measured is None:
        return limit(x, sample_rate, ceiling_dbtp), None
    gain_db = min(target_lufs - measured, MAX_BOOST_DB)
    out = limit(x * np.float32(db_to_gain(gain_db)), sample_rate, ceiling_dbtp)
    for _ in range(2):
        after = integrated_loudness(out, sample_rate)
        if after is None or abs(after - target_lufs) <= 0.2 or gain_db >= MAX_BOOST_DB:
            return out, after
        gain_db = min(gain_db + (target_lufs - after), MAX_BOOST_DB)
        out = limit(x * np.float32(db_to_gain(gain_db)), sample_rate, ceiling_dbtp)
    return out, integrated_loudness(out, sample_rate)
