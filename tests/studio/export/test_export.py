"""MP4 export read back with PyAV: streams, codecs, sizes, durations, tags, faststart, the
watermark, and that cancelled or failed exports leave nothing behind."""

from __future__ import annotations

import struct
import threading
import wave

import av
import numpy as np
import pytest

from studio.compose import Compositor, Watermark
from studio.errors import Cancelled, ExportFailure, InputError
from studio.export import PLATFORMS, ExportSettings, export_project
from studio.export.pump import to_yuv
from studio.model import Clip, TrackKind
from tests.studio.compose.factory import (
    BLUE,
    GREEN,
    RED,
    add_take,
    crossfade,
    frames_of,
    new_project,
    place,
    resolver,
)
from tests.studio.compose.test_sources import bar_index

SMALL = ExportSettings(size=(108, 192), preset="superfast", video_bitrate=1_000_000)


@pytest.fixture
def film(tmp_path):
    """Three shots, a crossfade and a dip-to-black: 24 + 24 + 24 - 4 - 4 = 64 frames at 24 fps."""
    p = new_project(fps=24)
    for name, colour in (("a", RED), ("b", GREEN), ("c", BLUE)):
        add_take(tmp_path, p, name, colour, frames=24)
    place(p, "a", 0, 24)
    place(p, "b", 20, 24, transition_in=crossfade(4))
    place(p, "c", 40, 24, transition_in=crossfade(4, "dip-to-black"))
    return p, resolver(tmp_path), tmp_path


def read_back(path):
    with av.open(str(path)) as f:
        v, a = f.streams.video[0], f.streams.audio[0]
        info = {
            "meta": dict(f.metadata),
            "vcodec": v.codec_context.name,
            "profile": v.codec_context.profile,
            "pix_fmt": v.codec_context.pix_fmt,
            "size": (v.codec_context.width, v.codec_context.height),
            "rate": v.average_rate,
            "vdur": float(v.duration * v.time_base),
            "acodec": a.codec_context.name,
            "sample_rate": a.codec_context.sample_rate,
            "channels": a.codec_context.channels,
            "adur": float(a.duration * a.time_base),
            "colour": (v.codec_context.colorspace, v.codec_context.color_primaries),
        }
        decoded = list(f.decode(video=0))
        info["frames"] = [fr.to_ndarray(format="rgb24") for fr in decoded]
        info["times"] = [float(fr.time) for fr in decoded]
    with av.open(str(path)) as f:
        info["audio"] = np.concatenate([fr.to_ndarray() for fr in f.decode(audio=0)], axis=1)
    return info


def test_export_streams_sizes_durations_and_tags(film):
    project, resolve, folder = film
    calls = []
    result = export_project(
        project, resolve, folder / "film.mp4", SMALL, progress=lambda d, t: calls.append((d, t))
    )
    got = read_back(result.path)
    assert (result.width, result.height, result.fps, result.frames) == (108, 192, 24, 64)
    assert got["size"] == (108, 192) and got["rate"] == 24 and len(got["frames"]) == 64
    assert np.allclose(np.diff(got["times"]), 1 / 24, atol=1e-3), "one frame every 1/24 s"
    assert (got["vcodec"], got["profile"], got["pix_fmt"]) == ("h264", "High", "yuv420p")
    assert (got["acodec"], got["sample_rate"], got["channels"]) == ("aac", 48_000, 2)
    assert got["colour"] == (1, 1), "tagged BT.709, the matrix the frames were converted with"
    assert abs(got["vdur"] - 64 / 24) < 1 / 24
    assert abs(got["adur"] - got["vdur"]) < 1 / 24, "audio and video within one frame"
    assert got["audio"].shape[1] >= 48_000 * 64 / 24 - 1024
    assert (
        "AI-generated" in got["meta"]["comment"] and "Storyboard Studio" in got["meta"]["comment"]
    )
    assert "Storyboard Studio" in got["meta"]["description"] and got["meta"]["title"] == "Test film"
    assert calls[0] == (0, 64) and calls[-1] == (64, 64) and len(calls) == 65
    assert result.bytes == result.path.stat().st_size > 0


def test_shots_differ_and_transitions_show(film):
    project, resolve, folder = film
    frames = read_back(export_project(project, resolve, folder / "f.mp4", SMALL).path)["frames"]
    body = [f[60:150].reshape(-1, 3).mean(axis=0) for f in frames]  # away from the watermark
    assert np.argmax(body[5]) == 0 and np.argmax(body[30]) == 1 and np.argmax(body[55]) == 2
    for i, colour in ((5, RED), (30, GREEN), (55, BLUE)):  # colours survive the round trip
        assert np.abs(body[i] - colour).max() < 12
    mid = (body[21] + body[22]) / 2  # crossfade a→b over frames 20..23
    assert mid[0] > 70 and mid[1] > 70
    assert body[42].max() < 30, "dip-to-black midpoint (frames 40..43) is dark"


def test_watermark_is_on_every_frame_and_moves(tmp_path):
    p = new_project(fps=24)
    add_take(tmp_path, p, "a", (90, 90, 90), frames=24)
    place(p, "a", 0, 24 * 9)  # 9 s: the watermark visits three corners (held last frame)
    size = (180, 320)
    settings = ExportSettings(size=size, preset="superfast", video_bitrate=500_000)
    frames = read_back(export_project(p, resolver(tmp_path), tmp_path / "w.mp4", settings).path)[
        "frames"
    ]
    plain = Compositor(p, resolver(tmp_path), size)
    mark = Watermark(size)
    for i in (0, 100, 200):
        x, y, w, h = mark.box(i / 24)
        diff = np.abs(frames[i].astype(int) - plain.frame(i).astype(int)).sum(axis=2)
        inside = diff[y : y + h, x : x + w]
        outside = diff.copy()
        outside[max(0, y - 4) : y + h + 4, max(0, x - 4) : x + w + 4] = 0
        assert inside.mean() > 40, f"frame {i}: watermark missing at {x},{y}"
        assert outside.mean() < 6
    assert len({mark.box(i / 24)[:2] for i in (0, 100, 200)}) == 3


def test_one_full_size_vertical_export(tmp_path):
    p = new_project(fps=24)
    add_take(tmp_path, p, "a", RED, frames=3, size=(72, 128))
    add_take(tmp_path, p, "b", BLUE, frames=3, size=(72, 128))
    place(p, "a", 0, 3)
    place(p, "b", 3, 3)
    settings = ExportSettings.for_platform("tiktok", preset="superfast")
    result = export_project(p, resolver(tmp_path), tmp_path / "tiktok.mp4", settings)
    got = read_back(result.path)
    assert got["size"] == (1080, 1920) and got["rate"] == 30 and len(got["frames"]) == 8
    assert abs(got["adur"] - got["vdur"]) < 1 / 30
    assert np.argmax(got["frames"][1][800:1000].mean(axis=(0, 1))) == 0
    assert np.argmax(got["frames"][6][800:1000].mean(axis=(0, 1))) == 2


def test_faststart_puts_moov_before_mdat(film):
    project, resolve, folder = film
    data = export_project(project, resolve, folder / "fs.mp4", SMALL).path.read_bytes()
    atoms, pos = [], 0
    while pos + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[pos : pos + 8])
        atoms.append(kind.decode("latin-1"))
        if size == 1:
            size = struct.unpack(">Q", data[pos + 8 : pos + 16])[0]
        if size < 8:
            break
        pos += size
    assert atoms[0] == "ftyp" and atoms.index("moov") < atoms.index("mdat")


def test_cancel_leaves_no_file_and_keeps_an_existing_one(film):
    project, resolve, folder = film
    dest = folder / "out.mp4"
    dest.write_bytes(b"previous export")
    stop = threading.Event()

    def progress(done, total):
        if done == 10:
            stop.set()

    with pytest.raises(Cancelled):
        export_project(project, resolve, dest, SMALL, progress=progress, cancel=stop)
    assert dest.read_bytes() == b"previous export"
    assert sorted(p.name for p in folder.iterdir() if p.suffix == ".mp4") == ["out.mp4"]


def test_provenance_hook_runs_on_the_staged_file_and_failure_leaves_nothing(film):
    project, resolve, folder = film
    seen = []

    def sign(path):
        seen.append((path, path.stat().st_size, path.exists()))
        with av.open(str(path)) as f:  # a finished, readable MP4
            assert f.streams.video[0].frames == 64

    dest = folder / "signed.mp4"
    export_project(project, resolve, dest, SMALL, provenance=sign)
    assert seen and seen[0][0] != dest and seen[0][0].parent == dest.parent and dest.exists()

    def broken(path):
        raise RuntimeError("no signing key")

    dest2 = folder / "unsigned.mp4"
    with pytest.raises(ExportFailure, match="no signing key"):
        export_project(project, resolve, dest2, SMALL, provenance=broken)
    assert not dest2.exists()
    assert not [p for p in folder.iterdir() if p.name.startswith(".unsigned")]


def test_missing_take_or_empty_timeline_is_bad_input_and_leaves_nothing(film):
    project, resolve, folder = film
    (folder / "takes" / "b.mp4").unlink()
    with pytest.raises(InputError, match=r"b\.mp4"):
        export_project(project, resolve, folder / "x.mp4", SMALL)
    assert not (folder / "x.mp4").exists()
    with pytest.raises(InputError, match="empty"):
        export_project(new_project(), resolve, folder / "y.mp4", SMALL)


def test_soundtrack_from_the_mixer_is_encoded(film):
    project, resolve, folder = film
    rate, n = 48_000, 48_000
    tone = (0.3 * np.sin(2 * np.pi * 440 * np.arange(n) / rate) * 32767).astype("<i2")
    with wave.open(str(folder / "tone.wav"), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(tone.tobytes())
    project.ensure_track(TrackKind.AUDIO).clips.append(Clip(media="tone.wav", start=0, duration=24))
    result = export_project(project, resolve, folder / "sound.mp4", SMALL)
    audio = read_back(result.path)["audio"]
    first, last = np.abs(audio[:, 4800:40000]).mean(), np.abs(audio[:, -30000:]).mean()
    assert first > 0.01 and last < first / 20, "sound where the cue is, silence after it"


def test_settings_presets_and_validation():
    assert PLATFORMS["reels"].format.size == (1080, 1920) and PLATFORMS["reels"].fps == 30
    assert ExportSettings.for_platform("YouTube").format.size == (1920, 1080)
    assert ExportSettings.for_platform("square").output_size(new_project()) == (1080, 1080)
    with pytest.raises(InputError, match="platform"):
        ExportSettings.for_platform("myspace")
    for bad, field in (
        (ExportSettings(size=(107, 192)), "size"),
        (ExportSettings(fps=0), "fps"),
        (ExportSettings(preset="warp"), "preset"),
        (ExportSettings(sample_rate=22_050), "sample_rate"),
        (ExportSettings(video_bitrate=None), "video_bitrate"),
    ):
        with pytest.raises(InputError) as err:
            bad.validate()
        assert err.value.location.field == f"export.{field}"


def write_bt709_take(path, frames, fps):
    """A take tagged BT.709 by a plain RGB->YUV reformat (as cameras and other tools write)."""
    h, w = frames[0].shape[:2]
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = w, h, "yuv420p"
        ctx = stream.codec_context
        ctx.colorspace = ctx.color_primaries = ctx.color_trc = ctx.color_range = 1
        for rgb in frames:
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(
                format="yuv420p", dst_colorspace="ITU709", dst_color_range="MPEG"
            )
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)


def test_takes_at_the_output_size_pass_through_in_yuv(tmp_path):
    """Untagged (BT.601) and BT.709 takes at the output size skip RGB; colours and the
    watermark come out as on the composed path."""
    size = (108, 192)
    p = new_project(fps=24)
    add_take(tmp_path, p, "a", RED, frames=24, size=size)
    write_bt709_take(tmp_path / "takes" / "b.mp4", frames_of(BLUE, 24, size), 24)
    p.takes["b"] = p.takes["a"].model_copy(update={"id": "b", "path": "takes/b.mp4"})
    add_take(tmp_path, p, "c", GREEN, frames=24, size=(216, 384))  # scaled in YUV
    place(p, "a", 0, 24)
    place(p, "b", 24, 24)
    place(p, "c", 48, 24)
    resolve = resolver(tmp_path)
    with Compositor(p, resolve, size) as comp:
        direct = [comp.encoder_frame(i) for i in (5, 30, 60)]
        assert all(isinstance(f, av.VideoFrame) for f in direct), "the fast path is taken"
        assert direct[1].colorspace == 1 and direct[2].width == 216
        plain = [comp.frame(i) for i in range(72)]
    got = read_back(export_project(p, resolve, tmp_path / "o.mp4", SMALL).path)
    frames = got["frames"]
    assert len(frames) == 72
    assert np.allclose(np.diff(got["times"]), 1 / 24, atol=1e-3), "timestamps from 0 by 1/24 s"
    bars = [bar_index(f[:, :64]) for f in frames[:12]]  # the takes' moving bar: real motion
    assert bars == list(range(12)), bars
    mark = Watermark(size)
    for i, colour in ((5, RED), (30, BLUE), (60, GREEN)):
        body = frames[i][60:150].reshape(-1, 3).mean(axis=0)
        assert np.abs(body - colour).max() < 12, f"frame {i}: colours kept ({body})"
        x, y, w, h = mark.box(i / 24)
        diff = np.abs(frames[i].astype(int) - plain[i].astype(int)).sum(axis=2)
        assert diff[y : y + h, x : x + w].mean() > 40, "watermark stamped in YUV"
        assert diff[60:150].mean() < 8
        if i == 60:  # scaled in YUV: levels checked against the source colour above
            moved = np.abs(frames[60][:24].astype(int) - frames[64][:24]).mean()
            assert moved > 1, "the scaled take's bar moves from frame to frame"
            continue
        # levels match the composed (RGB) path's: its frame converted as the exporter does
        reference = to_yuv(plain[i], i).to_ndarray(format="rgb24")[60:150].astype(int)
        bias = (frames[i][60:150].astype(int) - reference).mean()
        assert abs(bias) < 0.75, f"frame {i}: the YUV path shifts levels by {bias:.2f}"
