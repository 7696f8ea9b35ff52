"""Tiny real projects for compositor and export tests: takes written with write_video into a
temp bundle, clips placed by hand."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from studio.media.video import write_video
from studio.model import Clip, FitMode, OutputFormat, Project, Take, TrackKind, Transition

RED, GREEN, BLUE, GREY = (200, 40, 40), (40, 190, 60), (40, 60, 210), (128, 128, 128)


def frames_of(colour, n: int, size: tuple[int, int], ramp: bool = True) -> list[np.ndarray]:
    """n frames of a colour; with ramp, a bright bar whose position encodes the frame index."""
    w, h = size
    out = []
    for i in range(n):
        f = np.empty((h, w, 3), np.uint8)
        f[:] = colour
        if ramp:
            x = (i * 4) % max(1, w - 4)
            f[: h // 8, x : x + 4] = 255
        out.append(f)
    return out


def add_take(
    bundle: Path,
    project: Project,
    name: str,
    colour,
    frames: int = 12,
    fps: float = 24,
    size: tuple[int, int] = (64, 112),
) -> Take:
    rel = f"takes/{name}.mp4"
    (bundle / "takes").mkdir(parents=True, exist_ok=True)
    info = write_video(
        bundle / rel, frames_of(colour, frames, size), fps, crf=10, preset="ultrafast"
    )
    take = Take(
        id=name, path=rel, engine="test", width=info.width, height=info.height,
        fps=fps, frames=frames, duration=frames / fps,
    )  # fmt: skip
    project.takes[take.id] = take
    return take


def new_project(
    fps: int = 24, fmt: OutputFormat = OutputFormat.VERTICAL, fit=FitMode.COVER
) -> Project:
    return Project(title="Test film", fps=fps, format=fmt, fit=fit)


def place(project: Project, take_id: str, start: int, duration: int, track: int = 0, **kw) -> Clip:
    clip = Clip(take_id=take_id, start=start, duration=duration, **kw)
    project.ensure_track(TrackKind.VIDEO, track).clips.append(clip)
    return clip


def crossfade(frames: int, kind: str = "crossfade") -> Transition:
    return Transition(kind=kind, duration=frames)


def resolver(bundle: Path):
    def resolve(rel: str) -> Path:
        p = Path(rel)
        return p if p.is_absolute() else bundle / p

    return resolve
