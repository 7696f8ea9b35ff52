"""Take thumbnails decoded off the GUI thread and cached by take id.

Decoding even one frame takes milliseconds; done in paint() for many cards it would stall
scrolling, so a QThreadPool worker decodes and the cache signals when an image is ready.
"""

from __future__ import annotations

from pathlib import Path

import av
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtGui import QImage

from ui.bridge import to_qimage
from ui.byte_lru import MIB, ByteLRU, image_bytes

THUMB_SIDE = 240
THUMB_CACHE_BYTES = 48 * MIB  # ~370 thumbnails of a vertical take; least recently shown go


def first_frame(path: Path, max_side: int = THUMB_SIDE, at: float = 0.3) -> QImage | None:
    """A frame `at` of the way into a video, scaled to max_side (None if unreadable)."""
    try:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            frames = stream.frames or 0
            target = int(frames * at)
            for i, frame in enumerate(container.decode(stream)):
                if i >= target:
                    w, h = frame.width, frame.height
                    k = max_side / max(w, h)
                    frame = frame.reformat(width=max(2, int(w * k)), height=max(2, int(h * k)))
                    return to_qimage(frame.to_ndarray(format="rgb24"))
    except (av.FFmpegError, IndexError, OSError):
        return None
    return None


class _Job(QRunnable):
    def __init__(self, cache: ThumbnailCache, key: str, path: Path):
        super().__init__()
        self.cache, self.key, self.path = cache, key, path

    def run(self) -> None:
        image = first_frame(self.path)
        try:
            self.cache._loaded.emit(self.key, image if image is not None else QImage())
        except RuntimeError:  # the cache (its project's window) closed while this decoded
            pass


class ThumbnailCache(QObject):
    ready = Signal(str)  # key (take id)
    _loaded = Signal(str, QImage)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._images: ByteLRU[str, QImage] = ByteLRU(THUMB_CACHE_BYTES, image_bytes)
        self._pending: set[str] = set()
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._loaded.connect(self._store)

    def get(self, key: str, path: Path) -> QImage | None:
        """The cached image, or None while it is being decoded (ready(key) follows)."""
        image = self._images.get(key)
        if image is not None:
            return image if not image.isNull() else None
        if key not in self._pending:
            self._pending.add(key)
            self._pool.start(_Job(self, key, path))
        return None

    def put(self, key: str, image: QImage) -> None:
        self._images.put(key, image)

    def _store(self, key: str, image: QImage) -> None:
        self._pending.discard(key)
        self._images.put(key, image)
        self.ready.emit(key)

    def wait(self, msecs: int = 5000) -> bool:
        return self._pool.waitForDone(msecs)
