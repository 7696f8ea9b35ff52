"""Issue 14 (8): the thumbnail, filmstrip and preview-frame caches are LRUs bounded by bytes,
so a long session's memory stays flat (bench/ui.py --session measures the whole editor)."""

from __future__ import annotations

from PySide6.QtGui import QImage

from studio.layout.landing import land_take
from tests.ui.conftest import add_take_file
from ui.byte_lru import ByteLRU, image_bytes
from ui.thumbnails import ThumbnailCache
from ui.timeline.media import MediaCache


def _image(side: int) -> QImage:
    image = QImage(side, side, QImage.Format.Format_RGB32)
    image.fill(0x336699)
    return image


def test_byte_lru_keeps_the_most_recently_used_within_budget():
    one = image_bytes(_image(64))
    cache: ByteLRU[int, QImage] = ByteLRU(10 * one, image_bytes)
    for i in range(100):
        cache.put(i, _image(64))
        cache.get(0)  # 0 is used all the time: never the least recent
    assert cache.nbytes == 10 * one and len(cache) == 10
    assert 0 in cache and 99 in cache and 50 not in cache
    cache.put(1000, _image(512))  # alone over budget: kept, everything older goes
    assert list(cache._items) == [1000] and cache.nbytes == image_bytes(_image(512))
    cache.pop(1000)
    assert cache.nbytes == 0 and len(cache) == 0


def test_thumbnails_stay_within_their_byte_budget(qtbot, bundle):
    takes = [add_take_file(bundle, bundle.project.shots[i % 3]) for i in range(10)]
    cache = ThumbnailCache()
    first = None
    for take in takes:
        got: list[str] = []
        cache.ready.connect(got.append)
        assert cache.get(take.id, bundle.path / take.path) is None
        qtbot.waitUntil(lambda got=got: bool(got), timeout=20_000)
        image = cache.get(take.id, bundle.path / take.path)
        assert image is not None and not image.isNull()
        if first is None:
            first = image_bytes(image)
            cache._images.max_bytes = 4 * first  # room for four
        assert cache._images.nbytes <= 4 * first
    assert len(cache._images) == 4
    again: list[str] = []
    cache.ready.connect(again.append)
    assert cache.get(takes[0].id, bundle.path / takes[0].path) is None  # evicted: decoded anew
    qtbot.waitUntil(lambda: takes[0].id in again, timeout=20_000)
    assert cache._images.nbytes <= 4 * first
    cache.wait()


def test_filmstrips_stay_within_their_byte_budget(qtbot, bundle):
    takes = [add_take_file(bundle, bundle.project.shots[0], frames=12) for _ in range(6)]
    media = MediaCache()
    done: list[str] = []
    media.ready.connect(done.append)
    sizes = []
    for n, take in enumerate(takes, 1):
        media.filmstrip(bundle.path / take.path)
        qtbot.waitUntil(lambda n=n: len(done) == n, timeout=20_000)
        sizes.append(media._cache.nbytes)
        if len(sizes) == 1:
            media._cache.max_bytes = int(sizes[0] * 2.5)  # room for two
    assert sizes[0] > 0 and max(sizes) <= sizes[0] * 2.5 and len(media._cache) == 2
    assert media.filmstrip(bundle.path / takes[-1].path) is not None  # the newest is kept
    media.shutdown()


def test_preview_frames_stay_within_their_byte_budget(window, qtbot):
    doc = window.doc
    for shot in doc.project.shots:
        doc.apply(land_take, add_take_file(doc.bundle, shot, frames=12))
    player = window.player
    frames = player._frames
    for f in range(0, 30, 3):
        player.seek(f)
        qtbot.waitUntil(lambda f=f: f in frames, timeout=20_000)
        if f == 0:
            frames.max_bytes = 3 * image_bytes(frames.get(0))  # room for three
    assert len(frames) == 3 and frames.nbytes <= frames.max_bytes
    assert 27 in frames and 0 not in frames
