"""Issue 14 (8): quitting the editor cancels the running job; the animatic engine stops after
the frame it is on (it checked once per eighth of the job, which held quitting up ~1 s), and
a cancelled job leaves no take file behind."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from studio.engine.animatic.backend import AnimaticBackend, _reported
from studio.engine.backend import Cancelled, JobContext
from studio.engine.request import GenerationRequest


def test_a_cancel_stops_after_the_current_frame(tmp_path):
    cancel = threading.Event()
    ctx = JobContext("job", tmp_path, lambda _e: None, cancel)
    pulled: list[int] = []

    def frames():
        for i in range(80):  # 8 chunks of 10 frames
            pulled.append(i)
            yield np.zeros((4, 4, 3), np.uint8)

    with pytest.raises(Cancelled):
        for i, _frame in enumerate(_reported(frames(), 80, ctx, previews=False)):
            if i == 2:
                cancel.set()
    assert len(pulled) == 3  # not the whole first chunk of 10


def test_a_cancelled_take_leaves_no_file(tmp_path):
    cancel = threading.Event()
    steps: list[object] = []

    def emit(event):
        steps.append(event)
        cancel.set()  # cancel at the first progress report

    ctx = JobContext("job", tmp_path, emit, cancel)
    request = GenerationRequest(prompt="a lighthouse at dusk", duration=2.0, fps=24)
    with pytest.raises(Cancelled):
        AnimaticBackend().generate(request, ctx)
    assert steps and not list(tmp_path.rglob("*.mp4"))
