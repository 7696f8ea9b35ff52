"""A producer thread that composes, converts to YUV and watermarks frames ahead of the encoder.

Decoding takes, fitting, blending and colour conversion run (mostly without the GIL) on this
thread while the main thread feeds x264, so composition overlaps encoding instead of adding to
it. A frame that is just a take's decoded frame skips RGB altogether: it is converted
YUV→YUV (BT.709) or copied, and the watermark is blended into its YUV planes.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from fractions import Fraction

import av
from av.video.reformatter import Interpolation

from studio.compose.compositor import Compositor
from studio.compose.fit import EXACT
from studio.compose.watermark import Watermark
from studio.compose.yuv import yuv709

_END = object()


def to_yuv(rgb, index: int) -> av.VideoFrame:
    """An RGB frame as the encoder's yuv420p (BT.709, limited range), stamped with its pts."""
    frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
    frame = frame.reformat(
        format="yuv420p",
        dst_colorspace="ITU709",
        dst_color_range="MPEG",
        interpolation=Interpolation.BICUBIC | EXACT,
    )
    frame.pts = index
    return frame


class FramePump:
    """Iterate to get the export's frames, ready for the encoder, in order."""

    def __init__(self, compositor: Compositor, watermark: Watermark, depth: int = 4, captions=None):
        self._compositor = compositor
        self._watermark = watermark
        self._captions = captions  # a CaptionBurner drawn under the watermark, or None
        self._queue: queue.Queue = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._time_base = Fraction(1, compositor.fps)
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
        comp, fps = self._compositor, self._compositor.fps
        try:
            for i in range(comp.frame_count):
                if self._stop.is_set():
                    return
                item = comp.encoder_frame(i)
                if isinstance(item, av.VideoFrame):
                    frame = yuv709(item, comp.size)
                else:
                    frame = to_yuv(item, i)
                if self._captions is not None:
                    self._captions.apply_yuv(frame, i / fps)
                self._watermark.apply_yuv(frame, i / fps)
                frame.pts = i  # in the encoder's 1/fps time base, whatever the take's was
                frame.time_base = self._time_base
                self._put(frame)
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
