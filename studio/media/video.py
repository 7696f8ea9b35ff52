"""Take files: write generated frames to a video file, probe it, read its frames back."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from av.video.reformatter import Interpolation

from studio.errors import InputError, Location


@dataclass(frozen=True)
class VideoInfo:
    width: int
    height: int
    fps: float
    frames: int

    @property
    def duration(self) -> float:
        return self.frames / self.fps if self.fps else 0.0


def fps_fraction(fps: float) -> Fraction:
    return Fraction(fps).limit_denominator(1001)


def write_video(
    path: Path,
    frames: Iterable[np.ndarray],
    fps: float,
    crf: int = 16,
    preset: str = "veryfast",
) -> VideoInfo:
    """Encode H×W×3 uint8 frames as an H.264 take (high quality, yuv420p BT.709 tagged, no
    audio). Untagged takes written before are still read as BT.601, as libswscale reads them."""
    path = Path(path)
    count, size = 0, (0, 0)
    with av.open(str(path), "w", format="mp4") as container:
        stream = None
        for frame in frames:
            if stream is None:
                h, w = frame.shape[:2]
                size = (w - w % 2, h - h % 2)
                stream = container.add_stream("libx264", rate=fps_fraction(fps))
                stream.width, stream.height = size
                stream.pix_fmt = "yuv420p"
                # mbtree off: with it on, libx264 gives different bytes for the same frames
                # from run to run, and a seed must give the same take
                stream.options = {"crf": str(crf), "preset": preset, "x264-params": "mbtree=0"}
                _tag_bt709(stream.codec_context)
            frame = np.ascontiguousarray(frame[: size[1], : size[0], :3])
            for packet in stream.encode(_bt709(frame)):
                container.mux(packet)
            count += 1
        if stream is None:
            raise ValueError("no frames to write")
        for packet in stream.encode():
            container.mux(packet)
    return VideoInfo(size[0], size[1], float(fps), count)


def _tag_bt709(ctx: av.VideoCodecContext) -> None:
    """Say in the stream what the pixels are (BT.709, limited range), so players and the
    export read the colours as written and the export can copy a take's frames unconverted."""
    ctx.colorspace = ctx.color_primaries = ctx.color_trc = 1  # BT.709
    ctx.color_range = 1  # limited ("tv")


# accurate rounding: libswscale's default RGB→YUV shifts levels a little
_EXACT = Interpolation.POINT | Interpolation.ACCURATE_RND | Interpolation.FULL_CHR_H_INT


def _bt709(rgb: np.ndarray) -> av.VideoFrame:
    """An RGB frame as BT.709 limited-range yuv420p, the matrix the stream is tagged with."""
    frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
    return frame.reformat(
        format="yuv420p", dst_colorspace="ITU709", dst_color_range="MPEG", interpolation=_EXACT
    )


def probe(path: Path) -> VideoInfo:
    """Size, frame rate and frame count of a video file (counted if the header lacks it)."""
    try:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            rate = float(stream.average_rate or stream.guessed_rate or 24)
            frames = stream.frames
            if not frames:
                frames = sum(1 for _ in container.decode(video=0))
            return VideoInfo(stream.codec_context.width, stream.codec_context.height, rate, frames)
    except (av.FFmpegError, IndexError, OSError) as exc:
        raise InputError(f"cannot read video: {exc}", Location(file=str(path))) from None


def iter_frames(path: Path) -> Iterator[np.ndarray]:
    """Every frame of a video as H×W×3 uint8 RGB, in the colours it was written with."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        for frame in container.decode(stream):
            yield frame.reformat(format="rgb24", interpolation=_EXACT).to_ndarray()


def load_frames(path: Path) -> np.ndarray:
    """All frames of a (short) video as an N×H×W×3 uint8 array."""
    return np.stack(list(iter_frames(path)))
