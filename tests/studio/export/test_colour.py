"""Colour accuracy: exported frames, decoded back exactly, carry the compositor's colours
(the takes') within a level on average, on the fast YUV path and the composed RGB path alike."""

from __future__ import annotations

import av
import numpy as np
import pytest

from studio.compose import Compositor, Watermark
from studio.compose.fit import EXACT
from studio.export import ExportSettings, export_project
from studio.media.video import iter_frames, write_video
from studio.model import FitMode, Take
from tests.studio.compose.factory import crossfade, new_project, place, resolver

OUT = (108, 192)
PATCHES = [(200, 40, 40), (40, 190, 60), (40, 60, 210), (128, 128, 128), (235, 235, 235),
           (20, 20, 20), (230, 200, 30), (30, 200, 220)]  # fmt: skip


def chart(size: tuple[int, int], n: int, shift: int = 0) -> list[np.ndarray]:
    """A colour chart over smooth red/green/blue gradients, with a moving bright bar."""
    w, h = size
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    out = []
    for i in range(n):
        f = np.stack(
            [16 + 220 * xx / (w - 1), 16 + 220 * yy / (h - 1), 16 + 220 * (xx + yy) / (w + h)],
            axis=-1,
        ).astype(np.uint8)
        bw = w // 4
        for k, c in enumerate(PATCHES):
            x0, y0 = (k % 4) * bw, h // 3 + (k // 4) * (h // 6)
            f[y0 : y0 + h // 6, x0 : x0 + bw] = c
        x = (i * 4 + shift) % (w - 4)
        f[: h // 10, x : x + 4] = 250
        out.append(f)
    return out


def add_chart_take(folder, project, name, size, n=8, shift=0):
    (folder / "takes").mkdir(parents=True, exist_ok=True)
    info = write_video(folder / f"takes/{name}.mp4", chart(size, n, shift), 24, crf=8,
                       preset="ultrafast")  # fmt: skip
    project.takes[name] = Take(
        id=name, path=f"takes/{name}.mp4", engine="test", width=info.width,
        height=info.height, fps=24, frames=n, duration=n / 24,
    )  # fmt: skip


CASES = {  # name: (take size, fit, crossfade?)
    "fast path": ((108, 192), FitMode.COVER, False),
    "fast path, scaled": ((216, 384), FitMode.COVER, False),
    "cover": ((192, 108), FitMode.COVER, False),
    "contain": ((192, 108), FitMode.CONTAIN, False),
    "blur": ((192, 108), FitMode.BLUR, False),
    # a crossfade between two frames that only need scaling is blended in YUV (compose.yuv)
    "fast path, crossfade": ((216, 384), FitMode.COVER, True),
    "crossfade, contain": ((192, 108), FitMode.CONTAIN, True),
}


@pytest.mark.parametrize("case", list(CASES))
def test_export_keeps_the_takes_colours(tmp_path, case):
    take_size, fit, fade = CASES[case]
    p = new_project(fps=24, fit=fit)
    add_chart_take(tmp_path, p, "a", take_size)
    place(p, "a", 0, 8)
    if fade:
        add_chart_take(tmp_path, p, "b", take_size, shift=40)
        place(p, "b", 0, 8, transition_in=crossfade(8))
    resolve = resolver(tmp_path)
    with Compositor(p, resolve, OUT) as comp:
        fast = isinstance(comp.encoder_frame(3), av.VideoFrame)
        assert fast == case.startswith("fast path"), "the case takes the path it tests"
        reference = [comp.frame(i).astype(int) for i in range(comp.frame_count)]
    settings = ExportSettings(size=OUT, preset="superfast", crf=6, video_bitrate=None)
    result = export_project(p, resolve, tmp_path / "o.mp4", settings)
    with av.open(str(result.path)) as f:
        got = [fr.reformat(format="rgb24", interpolation=EXACT).to_ndarray().astype(int)
               for fr in f.decode(video=0)]  # fmt: skip
    assert len(got) == len(reference) == 8
    mark = Watermark(OUT)
    errors = []
    for i, (a, b) in enumerate(zip(got, reference, strict=True)):
        keep = np.ones(a.shape[:2], bool)
        x, y, w, h = mark.box(i / 24)
        keep[max(0, y - 2) : y + h + 2, max(0, x - 2) : x + w + 2] = False  # the watermark
        errors.append((a - b)[keep].mean(axis=0))
    bias = np.mean(errors, axis=0)
    assert np.all(np.abs(bias) < 1.0), f"{case}: mean signed error per channel {bias.round(2)}"
    assert np.abs(np.concatenate([g - r for g, r in zip(got, reference, strict=True)])).mean() < 4


def test_takes_are_tagged_bt709_and_read_back_in_their_colours(tmp_path):
    frames = chart((64, 112), 3)
    write_video(tmp_path / "t.mp4", frames, 24, crf=8, preset="ultrafast")
    with av.open(str(tmp_path / "t.mp4")) as f:
        ctx = f.streams.video[0].codec_context
        tags = (ctx.colorspace, ctx.color_primaries, ctx.color_trc, ctx.color_range)
        first = next(f.decode(video=0))
    assert tags == (1, 1, 1, 1), "BT.709, limited range, on the stream"
    assert (first.colorspace, first.color_range) == (1, 1)
    back = np.stack(list(iter_frames(tmp_path / "t.mp4"))).astype(int)
    bias = (back - np.stack(frames)).reshape(-1, 3).mean(axis=0)
    assert np.all(np.abs(bias) < 1.0), bias


def test_write_video_is_deterministic(tmp_path):
    frames = chart((64, 112), 4)
    write_video(tmp_path / "a.mp4", frames, 24, preset="ultrafast")
    write_video(tmp_path / "b.mp4", frames, 24, preset="ultrafast")
    assert (tmp_path / "a.mp4").read_bytes() == (tmp_path / "b.mp4").read_bytes()


def test_old_untagged_takes_still_read_as_bt601(tmp_path):
    """Takes written before tagging: no colour tags, pixels converted with BT.601."""
    frames = chart((64, 112), 3)
    with av.open(str(tmp_path / "old.mp4"), "w") as out:
        stream = out.add_stream("libx264", rate=24)
        stream.width, stream.height, stream.pix_fmt = 64, 112, "yuv420p"
        for rgb in frames:
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(
                format="yuv420p", dst_colorspace="ITU601", dst_color_range="MPEG"
            )
            frame.colorspace, frame.color_range = 2, 0  # untagged, as the old writer left it
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    back = np.stack(list(iter_frames(tmp_path / "old.mp4"))).astype(int)
    bias = (back - np.stack(frames)).reshape(-1, 3).mean(axis=0)
    assert np.all(np.abs(bias) < 1.0), bias
    p = new_project(fps=24)
    p.takes["old"] = Take(id="old", path="old.mp4", engine="test", width=64, height=112,
                          fps=24, frames=3, duration=3 / 24)  # fmt: skip
    place(p, "old", 0, 3)
    with Compositor(p, resolver(tmp_path), (64, 112)) as comp:
        shown = comp.frame(1).astype(int)
    assert np.all(np.abs((shown - frames[1]).reshape(-1, 3).mean(axis=0)) < 1.0)
