"""Frame sources for the compositor: video takes decoded with PyAV, and still images.

A TakeReader decodes sequentially (each frame decoded once while playing or exporting) and seeks
only for random access such as scrubbing. Frames are looked up by time, so a 24 fps take plays at
the right speed in a 30 fps project (nearest earlier frame, the way an NLE retimes without
frame blending).
"""

from __future__ import annotations

import math
from collections import OrderedDict
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageOps

from studio.errors import InputError, Location

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff", ".gif"})

# Decode forward instead of seeking when the wanted frame is at most this many frames ahead:
# seeking lands on a keyframe and decodes forward anyway.
FORWARD_WINDOW = 48


class TakeReader:
    """Random and sequential access to the frames of one video file, by index or by time."""

    def __init__(self, path: Path, cache_size: int = 6):
        self.path = Path(path)
        if not self.path.is_file():
            raise InputError("media file not found", Location(file=str(self.path)))
        try:
            self._container = av.open(str(self.path))
        except (av.FFmpegError, OSError) as exc:
            raise InputError(f"cannot read video: {exc}", Location(file=str(self.path))) from None
        if not self._container.streams.video:
            self._container.close()
            raise InputError("the file has no video stream", Location(file=str(self.path)))
        self._stream = self._container.streams.video[0]
        self._stream.thread_type = "AUTO"
        rate = self._stream.average_rate or self._stream.guessed_rate or 24
        self.fps = float(rate)
        self._tb = float(self._stream.time_base or 0)
        self._start = self._stream.start_time or 0
        self.size = (self._stream.codec_context.width, self._stream.codec_context.height)
        self.frame_count = self._stream.frames or self._count_frames()
        self._frames: object = None  # the decode generator
        self._pos = -1  # index of the last decoded frame
        self._cache: OrderedDict[int, av.VideoFrame] = OrderedDict()
        self._cache_size = cache_size
        self.decoded = 0  # frames decoded so far (lets tests check each frame is decoded once)

    # --- look-ups -----------------------------------------------------------------------
    def index_at(self, seconds: float) -> int:
        """The frame shown at `seconds` into the file, held on the last frame past its end."""
        i = math.floor(seconds * self.fps + 1e-6)
        return min(max(i, 0), max(self.frame_count - 1, 0))

    def at(self, seconds: float) -> av.VideoFrame:
        return self.read(self.index_at(seconds))

    def frame_at(self, project_frame: float, project_fps: float) -> av.VideoFrame:
        """The frame shown at a project-time frame index (retimed from the take's fps)."""
        return self.at(project_frame / project_fps)

    def read(self, index: int) -> av.VideoFrame:
        """Frame `index` (0-based), decoded once and kept in a small cache."""
        index = min(max(index, 0), max(self.frame_count - 1, 0))
        frame = self._cache.get(index)
        if frame is not None:
            self._cache.move_to_end(index)
            return frame
        if not (self._pos < index <= self._pos + FORWARD_WINDOW):
            self._seek(index)
        frame = self._decode_until(index)
        if frame is not None and self._pos > index:  # the seek overshot: decode from the start
            self._seek(0)
            frame = self._decode_until(index)
        if frame is None:  # the header promised more frames than the file holds
            if not self._cache:
                raise InputError("the video has no frames", Location(file=str(self.path)))
            last = max(self._cache)
            self.frame_count = last + 1
            return self._cache[last]
        return frame

    def close(self) -> None:
        self._cache.clear()
        self._frames = None
        self._container.close()

    def __enter__(self) -> TakeReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- decoding -----------------------------------------------------------------------
    def _next(self) -> av.VideoFrame | None:
        if self._frames is None:
            self._frames = self._container.decode(self._stream)
        try:
            frame = next(self._frames)  # type: ignore[call-overload]
        except StopIteration:
            self._frames = None
            return None
        except av.FFmpegError as exc:
            raise InputError(f"cannot decode video: {exc}", Location(file=str(self.path))) from None
        self.decoded += 1
        self._pos = self._index_of(frame)
        self._cache[self._pos] = frame
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return frame

    def _index_of(self, frame: av.VideoFrame) -> int:
        if frame.pts is None or not self._tb:
            return self._pos + 1
        return round((frame.pts - self._start) * self._tb * self.fps)

    def _decode_until(self, index: int) -> av.VideoFrame | None:
        last = None
        while self._pos < index:
            got = self._next()
            if got is None:
                return None
            last = got
        return last

    def _seek(self, index: int) -> None:
        """Go to the keyframe at or before `index`; decoding forward then reaches it."""
        target = self._start
        if index > 0 and self._tb:
            target += int((index - 0.5) / self.fps / self._tb)
        self._container.seek(target, stream=self._stream, backward=True)
        self._frames = None
        # unknown until the first frame after the seek is decoded (its pts tells)
        self._pos = -1 if target == self._start else -(10**9)

    def _count_frames(self) -> int:
        """Count packets when the header has no frame count (cheap: no decoding)."""
        n = sum(1 for p in self._container.demux(self._stream) if p.size)
        self._container.seek(self._start, stream=self._stream, backward=True)
        return n


class StillImage:
    """A still picture used as a clip: the same frame at every time."""

    fps = None

    def __init__(self, path: Path):
        self.path = Path(path)
        try:
            with Image.open(self.path) as img:
                img = ImageOps.exif_transpose(img)
                self.pixels = np.asarray(img.convert("RGB"))
        except FileNotFoundError:
            raise InputError("media file not found", Location(file=str(self.path))) from None
        except (OSError, ValueError) as exc:
            raise InputError(f"cannot read image: {exc}", Location(file=str(self.path))) from None
        self.size = (self.pixels.shape[1], self.pixels.shape[0])
        self.frame_count = 1

    def index_at(self, seconds: float) -> int:
        return 0

    def at(self, seconds: float) -> np.ndarray:
        return self.pixels

    def frame_at(self, project_frame: float, project_fps: float) -> np.ndarray:
        return self.pixels

    def read(self, index: int) -> np.ndarray:
        return self.pixels

    def close(self) -> None:
        pass


FrameSource = TakeReader | StillImage


def open_source(path: Path) -> FrameSource:
    """A reader for a media file: a still image by its suffix, otherwise a video."""
    path = Path(path)
    if path.suffix.lower() in IMAGE_SUFFIXES:
        return StillImage(path)
    return TakeReader(path)
