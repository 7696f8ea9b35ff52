"""Take files: write generated frames to a video file, probe it, read its frames back."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

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
    """Encode H×W×3 uint8 frames as an H.264 take (high quality, yuv420p, no audio)."""
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
            frame = np.ascontiguousarray(frame[: size[1], : size[0], :3])
            for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
                container.mux(packet)
            count += 1
        if stream is None:
            raise ValueError("no frames to write")
        for packet in stream.encode():
            container.mux(packet)
    return VideoInfo(size[0], size[1], float(fps), count)


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
    """Every frame of a video as H×W×3 uint8 RGB."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        for frame in container.decode(stream):
            yield frame.to_ndarray(format="rgb24")


def load_frames(path: Path) -> np.ndarray:
    """All frames of a (short) video as an N×H×W×3 uint8 array."""
    return np.stack(list(iter_frames(path)))
