"""Any timeline the model allows composes without error: every frame has the output shape."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studio.compose import Compositor
from studio.model import Clip, FitMode, Transition, TransitionKind
from tests.studio.compose.factory import BLUE, RED, add_take, new_project, resolver

transitions = st.none() | st.builds(
    Transition, kind=st.sampled_from(list(TransitionKind)), duration=st.integers(0, 8)
)
clips = st.builds(
    lambda take, start, duration, source_in, fit, tin, tout, track: (
        track,
        Clip(
            take_id=take,
            start=start,
            duration=duration,
            source_in=source_in,
            fit=fit,
            transition_in=tin,
            transition_out=tout,
        ),
    ),  # fmt: skip
    take=st.sampled_from(["a", "b"]),
    start=st.integers(0, 30),
    duration=st.integers(1, 16),
    source_in=st.integers(0, 20),
    fit=st.none() | st.sampled_from(list(FitMode)),
    tin=transitions,
    tout=transitions,
    track=st.integers(0, 1),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    placed=st.lists(clips, min_size=1, max_size=5),
    fps=st.sampled_from([None, 24, 30]),
    muted=st.booleans(),
)
def test_random_timelines_compose(placed, fps, muted):
    folder = Path(tempfile.mkdtemp())
    try:
        project = new_project(fps=25)
        add_take(folder, project, "a", RED, frames=12, size=(16, 28))
        add_take(folder, project, "b", BLUE, frames=9, fps=30, size=(28, 16))
        for track, clip in placed:
            project.ensure_track("video", track).clips.append(clip)
        project.tracks[-1].muted = muted
        with Compositor(project, resolver(folder), size=(18, 32), fps=fps) as comp:
            frames = list(comp.frames())
            assert len(frames) == comp.frame_count >= project.duration_frames * (fps or 25) // 25
            for f in frames:
                assert f.shape == (32, 18, 3) and f.dtype == "uint8" and f.flags.writeable
            assert comp.frame(comp.frame_count // 2).shape == (32, 18, 3)
    finally:
        shutil.rmtree(folder)
