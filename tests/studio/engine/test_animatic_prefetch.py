"""The animatic's render-ahead helper: order, errors and early stops."""

from __future__ import annotations

import threading
import time

import pytest

from studio.engine.animatic.prefetch import prefetch


def test_keeps_order_and_ends():
    assert list(prefetch(iter(range(50)), depth=2)) == list(range(50))


def test_errors_surface_on_the_consumer_side():
    def broken():
        yield 1
        raise RuntimeError("paint failed")

    stream = prefetch(broken())
    assert next(stream) == 1
    with pytest.raises(RuntimeError, match="paint failed"):
        next(stream)


def test_closing_early_stops_the_helper():
    produced = []

    def slow():
        for i in range(1000):
            produced.append(i)
            yield i

    before = threading.active_count()
    stream = prefetch(slow(), depth=2)
    assert next(stream) == 0
    stream.close()
    time.sleep(0.1)
    assert threading.active_count() == before
    assert len(produced) < 10
