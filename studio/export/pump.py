"""A producer thread that composes, watermarks and converts frames to YUV ahead of the encoder.

Decoding takes, fitting, blending and the RGB→YUV conversion run (mostly without the GIL) on
this thread while the main thread feeds x264, so composition overlaps encoding instead of
adding to it.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator

import av

from studio.compose.compositor import Compositor
from studio.compose.watermark import Watermark

_END = object()


def to_yuv(rgb, index: int) -> av.VideoFrame:
    """An RGB frame as the encoder's yuv420p (BT.709, limited range), stamped with its pts."""
    frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
    frame = frame.reformat(
        format="yuv420p", dst_colorspace="ITU709", dst_color_range="MPEG", interpolation="BICUBIC"
    )
    frame.pts = index
    return frame


class FramePump:
    """Iterate to get the export's frames, ready for the encoder, in order."""

    def __init__(self, compositor: Compositor, watermark: Watermark, depth: int = 4):
        self._compositor = compositor
        self._watermark = watermark
        self._queue: queue.Queue = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="export-frames", daemon=True)

    def __enter__(self) -> FramePump:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __iter__(self) -> Iterator[av.VideoFrame]:
        while True:
            item = self._queue.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    def close(self) -> None:
        """Stop the producer (e.g. on cancel) and wait for it, so the compositor is free."""
        self._stop.set()
        while self._thread.is_alive():
            try:
                self._queue.get(timeout=0.05)
            except queue.Empty:
                pass
        if self._thread.ident is not None:
            self._thread.join()

    def _run(self) -> None:
        fps = self._compositor.fps
        try:
            for i, rgb in enumerate(self._compositor.frames()):
                if self._stop.is_set():
                    return
                self._watermark.apply(rgb, i / fps)
                self._put(to_yuv(rgb, i))
            self._put(_END)
        except BaseException as exc:  # handed to the consumer, which re-raises it
            self._put(exc)

    def _put(self, item: object) -> None:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.05)
                return
            except queue.Full:
                continue
