"""Title clips (issue 14): drawn by the compositor inside the safe area, faded, and present in
the exported frames read back with PyAV."""

from __future__ import annotations

import av
import numpy as np

from studio.compose import Compositor
from studio.compose.titles import safe_area
from studio.export import ExportSettings, export_project
from studio.model import Title
from studio.model.media_edits import add_title
from tests.studio.compose.factory import add_take, new_project, place, resolver

SIZE = (216, 384)  # vertical


def _film(tmp_path, y=0.5):
    p = new_project(fps=24)
    add_take(tmp_path, p, "a", (20, 20, 120), frames=48)
    place(p, "a", 0, 48)
    edit = add_title(p, Title(text="HELLO", size=200, colour="#ffff00", y=y), 12, 1.0, 0.25, 0.25)
    return p, edit


def _yellow(frame) -> np.ndarray:
    r, g, b = (frame[..., i].astype(int) for i in range(3))
    return (r > 180) & (g > 180) & (b < 90)


def test_title_drawn_faded_and_undoable(tmp_path):
    p, edit = _film(tmp_path)
    comp = Compositor(p, resolver(tmp_path), SIZE, watermark=False)
    assert not _yellow(comp.frame(6)).any()  # before the title
    full = _yellow(comp.frame(24)).sum()
    assert full > 500  # the text is there at full strength
    assert _yellow(comp.frame(13)).sum() < full / 2  # fading in
    assert not _yellow(comp.frame(40)).any()  # after it
    edit.undo(p)
    comp.reload()
    assert not _yellow(comp.frame(24)).any()


def test_title_stays_in_the_safe_area(tmp_path):
    for y in (0.0, 1.0):
        p, _ = _film(tmp_path, y)
        comp = Compositor(p, resolver(tmp_path), SIZE, watermark=False)
        ys, xs = np.nonzero(_yellow(comp.frame(24)))
        left, top, right, bottom = safe_area(SIZE)
        assert ys.min() >= top - 2 and ys.max() <= bottom + 2
        assert xs.min() >= left - 2 and xs.max() <= right + 2


def test_title_in_the_export(tmp_path):
    p, _ = _film(tmp_path)
    settings = ExportSettings(size=SIZE, preset="superfast", video_bitrate=1_000_000)
    out = export_project(p, resolver(tmp_path), tmp_path / "t.mp4", settings).path
    with av.open(str(out)) as f:
        frames = [fr.to_ndarray(format="rgb24") for fr in f.decode(video=0)]
    assert _yellow(frames[24]).sum() > 300
    assert _yellow(frames[4]).sum() < 20
