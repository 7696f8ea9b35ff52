"""Animatic take files: how they are encoded, and a writer that never leaves a partial file.

Takes are H.264 yuv420p, BT.709 limited range and tagged (the export copies them unconverted).
The encoder settings are chosen for size: a 3 s 1080×1920 take used to be up to 66 MB with
x264 "ultrafast" at crf 16 (grainy looks are noise, which does not compress); crf 17 under a
16 Mbit/s VBV cap (scaled by pixel count) keeps one under 10 MB, still 1.6× the export's own
10 Mbit/s: "ultrafast" for clean and lightly grainy looks, "veryfast" tuned for grain for
grainier ones. One encoder thread per take: shots are encoded in parallel
instead, and a fixed thread count (with mbtree off) gives the same bytes for the same frames
however many shots run at once.

Measured on 3 s 1080×1920 takes (CPU per frame, PSNR / SSIM of the decoded take against the
rendered frames): watercolor (clean) ultrafast 11 ms, 43.1 dB / 0.988 (superfast: 20 ms,
44.0 dB / 0.993); neon (grain 0.1) ultrafast 12 ms, 28.2 dB / 0.884 (veryfast-grain: 51 ms,
the same); cinematic (grain 0.15) ultrafast 13 ms, 32.8 dB / 0.723 (veryfast-grain: 56 ms,
32.7 dB / 0.721); from grain 0.2 on the grain-tuned encoder keeps more: polaroid (0.2)
0.657 against ultrafast's 0.631, documentary (0.25) 0.609 against 0.564, film-noir (0.55)
0.603 against 0.420. Every take stayed under 8 MB.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
from av.video.reformatter import Interpolation

from studio.media.video import VideoInfo, fps_fraction
from studio.presets.preset import Texture

# accurate rounding and full chroma: the take keeps the rendered colours within a level
_EXACT = Interpolation.POINT | Interpolation.ACCURATE_RND | Interpolation.FULL_CHR_H_INT


REFERENCE_PIXELS = 1080 * 1920
MIN_CAP_KBPS = 300


@dataclass(frozen=True)
class TakeCodec:
    """x264 settings for a take."""

    preset: str = "superfast"
    crf: int = 17
    # VBV cap for a 1080×1920 frame, scaled by pixel count: bounds a take's size (in bits per
    # pixel) whatever the look; grain, which is noise, would otherwise take any bitrate
    maxrate_kbps: int | None = 16_000
    threads: int = 1  # 0: x264 picks (frame threads)
    tune: str | None = None

    def cap_kbps(self, size: tuple[int, int]) -> int | None:
        if not self.maxrate_kbps:
            return None
        return max(MIN_CAP_KBPS, round(self.maxrate_kbps * size[0] * size[1] / REFERENCE_PIXELS))

    def options(self, size: tuple[int, int] = (1080, 1920)) -> dict[str, str]:
        params = ["mbtree=0"]  # with mbtree on, libx264's bytes vary from run to run
        cap = self.cap_kbps(size)
        if cap:
            params += [f"vbv-maxrate={cap}", f"vbv-bufsize={cap}"]  # one second's worth
        opts = {"crf": str(self.crf), "preset": self.preset, "x264-params": ":".join(params)}
        if self.tune:
            opts["tune"] = self.tune
        return opts


# No CABAC or 8×8 transforms, which a take does not need (the export re-encodes it): under
# the cap it keeps clean and lightly grainy pictures as well as "superfast" or the grain-tuned
# encoder at a quarter to a half of their CPU (see above).
TAKE_CODEC = TakeCodec(preset="ultrafast")
# Film grain is per-pixel noise: under the cap, fast presets turn heavy grain into blotches
# (SSIM 0.42 against the rendered frames for film-noir); "veryfast" tuned for grain keeps it
# looking like grain (SSIM 0.60) at the same size, for about 4× ultrafast's encode time.
GRAIN_CODEC = TakeCodec(preset="veryfast", tune="grain")
HEAVY_GRAIN = 0.2  # a look's grain from which takes use GRAIN_CODEC


def codec_for(texture: Texture) -> TakeCodec:
    """The take encoder for a look: heavy grain needs the grain-tuned one."""
    return GRAIN_CODEC if texture.grain >= HEAVY_GRAIN else TAKE_CODEC


# what takes were written with before (kept for the bench's "today" path)
LEGACY_CODEC = TakeCodec(preset="ultrafast", crf=16, maxrate_kbps=None, threads=0)


def to_take_yuv(rgb: np.ndarray) -> av.VideoFrame:
    """An RGB frame as BT.709 limited-range yuv420p (tagged), ready for the take encoder and
    for the export, which copies such frames unconverted."""
    frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
    return frame.reformat(
        format="yuv420p", dst_colorspace="ITU709", dst_color_range="MPEG", interpolation=_EXACT
    )


def partial_path(path: Path) -> Path:
    """Where a take is written until it is complete (a hidden name beside it)."""
    return path.with_name(f".{path.name}.partial")


class TakeWriter:
    """Encode yuv420p frames into `path`, written under a hidden partial name and renamed
    into place by `finish`; `abort` (or an error) removes the partial file."""

    def __init__(
        self, path: Path, size: tuple[int, int], fps: float, codec: TakeCodec = TAKE_CODEC
    ):
        self.path = Path(path)
        self.size = size
        self.fps = float(fps)
        self.count = 0
        self._tmp = partial_path(self.path)
        self._tmp.parent.mkdir(parents=True, exist_ok=True)
        self._container = av.open(str(self._tmp), "w", format="mp4")
        try:
            stream = self._container.add_stream("libx264", rate=fps_fraction(fps))
            stream.width, stream.height = size
            stream.pix_fmt = "yuv420p"
            ctx = stream.codec_context
            if codec.threads:
                ctx.thread_type = "FRAME"
                ctx.thread_count = codec.threads
            stream.options = codec.options(size)
            ctx.colorspace = ctx.color_primaries = ctx.color_trc = 1  # BT.709
            ctx.color_range = 1  # limited ("tv")
            self._stream = stream
        except BaseException:
            self.abort()
            raise

    def write(self, frame: av.VideoFrame) -> None:
        """Encode one frame (read only: the caller may hand the same frame on elsewhere)."""
        for packet in self._stream.encode(frame):
            self._container.mux(packet)
        self.count += 1

    def finish(self) -> VideoInfo:
        """Flush, close and move the take into place."""
        try:
            for packet in self._stream.encode():
                self._container.mux(packet)
            self._container.close()
            os.replace(self._tmp, self.path)
        except BaseException:
            self.abort()
            raise
        return VideoInfo(self.size[0], self.size[1], self.fps, self.count)

    def abort(self) -> None:
        try:
            self._container.close()
        except Exception:  # a half-written file is removed either way
            pass
        self._tmp.unlink(missing_ok=True)
