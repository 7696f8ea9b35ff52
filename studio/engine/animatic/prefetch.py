"""Render ahead on a helper thread while the encoder works on earlier frames.

Pillow, numpy and libx264 all release the GIL for their heavy loops, so rendering frame i+1
while frame i is being encoded uses a second core. The helper stops as soon as the consumer
does (cancel, error or end), and errors on the helper are raised on the consumer's side.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import TypeVar

T = TypeVar("T")
_END = object()


def prefetch(items: Iterator[T], depth: int = 3) -> Iterator[T]:
    channel: queue.Queue = queue.Queue(maxsize=max(1, depth))
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                channel.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            for item in items:
                if not put((True, item)):
                    return
            put((True, _END))
        except BaseException as exc:  # handed to the consumer, raised there
            put((False, exc))

    helper = threading.Thread(target=work, name="animatic-render", daemon=True)
    helper.start()
    try:
        while True:
            ok, item = channel.get()
            if not ok:
                raise item
            if item is _END:
                return
            yield item
    finally:
        stop.set()
        while helper.is_alive():
            try:
                channel.get(timeout=0.05)
            except queue.Empty:
                pass
        helper.join()
