"""The project mixer: renders all audio of a project to 48 kHz stereo float32.

TEMPORARY: returns silence until the sound work (issue #7) lands; the exporter already calls it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from studio.model import Project

SAMPLE_RATE = 48_000


def render_project_audio(
    project: Project,
    resolve: Callable[[str], Path],
    sample_rate: int = SAMPLE_RATE,
    start_s: float = 0.0,
    duration_s: float | None = None,
) -> np.ndarray:
    """Mix the project's audio tracks; returns an (N, 2) float32 array in [-1, 1]."""
    total = project.duration if duration_s is None else duration_s
    n = int(round(total * sample_rate))
    return np.zeros((n, 2), dtype=np.float32)


def render_export_audio(
    project: Project,
    resolve: Callable[[str], Path],
    sample_rate: int = SAMPLE_RATE,
    duration_s: float | None = None,
    target_lufs: float | None = -14.0,
) -> tuple[np.ndarray, float | None]:
    """The export's soundtrack: the mix, loudness-normalised to target_lufs (None: untouched).

    Returns (samples (N, 2) float32, measured integrated loudness in LUFS or None if silent).
    """
    return render_project_audio(project, resolve, sample_rate, 0.0, duration_s), None
