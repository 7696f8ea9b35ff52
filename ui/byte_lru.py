"""A least-recently-used cache bounded by bytes: the editor's thumbnail, filmstrip and preview
frame caches use one each, so a long session's memory stays flat however many takes, clips
and frames it looks at (a dict of every thumbnail ever shown grew without end).

`size_of(value)` says how many bytes a value holds (`image_bytes` for QImages). The newest
entry is always kept, even alone over budget, so a cache never refuses what was just asked.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from PySide6.QtGui import QImage

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

MIB = 1 << 20


def image_bytes(image: QImage | None) -> int:
    return 0 if image is None or image.isNull() else int(image.sizeInBytes())


class ByteLRU(Generic[K, V]):
    def __init__(self, max_bytes: int, size_of: Callable[[V], int], max_items: int | None = None):
        self.max_bytes, self.max_items = int(max_bytes), max_items
        self._size_of = size_of
        self._items: OrderedDict[K, tuple[V, int]] = OrderedDict()
        self.nbytes = 0

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: K) -> bool:
        return key in self._items

    def get(self, key: K, default: V | None = None) -> V | None:
        """The value (now the most recently used), or `default`."""
        hit = self._items.get(key)
        if hit is None:
            return default
        self._items.move_to_end(key)
        return hit[0]

    def put(self, key: K, value: V) -> None:
        self.pop(key)
        size = max(0, int(self._size_of(value)))
        self._items[key] = (value, size)
        self.nbytes += size
        while len(self._items) > 1 and (
            self.nbytes > self.max_bytes
            or (self.max_items is not None and len(self._items) > self.max_items)
        ):
            _key, (_value, old) = self._items.popitem(last=False)
            self.nbytes -= old

    def pop(self, key: K) -> V | None:
        hit = self._items.pop(key, None)
        if hit is None:
            return None
        self.nbytes -= hit[1]
        return hit[0]

    def clear(self) -> None:
        self._items.clear()
        self.nbytes = 0
