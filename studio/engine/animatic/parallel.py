"""Render animatic shots in parallel, each into its take file and straight into the export.

Shots are independent, so `ParallelShots` runs them on worker threads (Pillow's resampling,
numpy's array loops, libswscale and libx264 all run without the GIL, so two workers use two
cores). A worker renders its shot's frames from cached layers (`LayerShot`), converts each
once to the take's BT.709 yuv420p, hands it to the take encoder and to a `ShotFeed`: a frame
source the export's compositor reads like a take file, without the take being written,
closed, opened and decoded first.

Shots start in timeline order. A feed holds at most `lead` frames beyond what the export
last read (the longest transition plus a few), so memory stays bounded and a shot is always
finished by the time the export needs the next one's first frames, whatever the worker count.

A work without a take path (a render whose project is thrown away: nobody will read its
takes) skips the take encoder altogether; a frame such a feed no longer holds is rendered
again (shots are deterministic), and a shot nobody reads is not rendered at all.

Cancelling (or any failure) stops every worker at its next frame, removes every take file
this render wrote (finished or partial) and joins the threads: nothing is left behind.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import av

from studio.compose.sources import TakeReader
from studio.engine.animatic.layers import LayerShot
from studio.engine.animatic.takefile import (
    TakeCodec,
    TakeWriter,
    codec_for,
    partial_path,
    to_take_yuv,
)
from studio.errors import Cancelled
from studio.media.video import VideoInfo

FEED_DEPTH = 6  # frames a worker may run ahead of the export, beyond transitions
KEEP_BEHIND = 2  # frames kept behind the export's position (retimed exports repeat frames)


@dataclass
class ShotWork:
    """One shot to render: where its take goes and how to make its renderer."""

    key: str
    take_path: Path | None  # None: no take file (the frames only feed the export)
    make: Callable[[], LayerShot]  # builds the cached layers (on the worker thread)
    check: Callable[[], None] | None = None  # e.g. the consent check right before rendering
    info: VideoInfo | None = field(default=None, init=False)


class _Stop(Exception):
    """Raised inside a worker when the render was cancelled or another shot failed."""


class ShotFeed:
    """A shot's frames as the compositor's frame source (index_at / read / size / close).

    Frames come from the worker as it renders; a frame the feed no longer holds is read back
    from the finished take file instead (e.g. after the compositor closed and reopened it), or
    rendered again when the shot writes no take."""

    def __init__(
        self,
        owner: ParallelShots,
        work: ShotWork,
        size: tuple[int, int],
        fps: float,
        count: int,
        lead: int,
    ):
        self._owner = owner
        self.work = work
        self.path = work.take_path
        self.size = size
        self.fps = float(fps)
        self.frame_count = count
        self._lead = lead
        self._cond = owner._cond
        self._frames: OrderedDict[int, av.VideoFrame] = OrderedDict()
        self._produced = 0
        self._read_pos = -1  # the last index the export read
        self._done = False
        self._reader: TakeReader | None = None
        self._spare: LayerShot | None = None  # re-renders dropped frames when there is no take
        self._detached = False

    # --- the compositor's side ----------------------------------------------------------
    def index_at(self, seconds: float) -> int:
        i = int(seconds * self.fps + 1e-6) if seconds >= 0 else 0
        return min(max(i, 0), max(self.frame_count - 1, 0))

    def read(self, index: int) -> av.VideoFrame:
        index = min(max(index, 0), max(self.frame_count - 1, 0))
        with self._cond:
            while True:
                self._owner._raise_if_stopped()
                frame = self._frames.get(index)
                if frame is not None:
                    if index > self._read_pos:
                        self._read_pos = index
                        self._drop_behind()
                        self._cond.notify_all()
                    return frame
                if index < self._produced or self._done:
                    break  # dropped already: read it back from the take file
                self._cond.wait(0.1)
            while not self._done:
                self._owner._raise_if_stopped()
                self._cond.wait(0.1)
        if self.path is None:
            if self._spare is None:
                self._spare = self.work.make()
            return to_take_yuv(self._spare.frame(index))
        if self._reader is None:
            self._reader = TakeReader(self.path)
        return self._reader.read(index)

    def close(self) -> None:
        """The compositor is done with this clip (the worker still finishes the take)."""
        self._spare = None
        if self._reader is not None:
            self._reader.close()
            self._reader = None

    # --- the worker's side --------------------------------------------------------------
    def detach(self) -> None:
        """Nobody will read this feed (any more): the worker renders on without waiting."""
        with self._cond:
            self._detached = True
            self._frames.clear()
            self._cond.notify_all()

    def _put(self, frame: av.VideoFrame) -> None:
        with self._cond:
            while self._produced > self._read_pos + self._lead and not self._detached:
                self._owner._raise_if_stopped()
                self._cond.wait(0.1)
            if not self._detached:
                self._frames[self._produced] = frame
            self._produced += 1
            self._cond.notify_all()

    def _finish(self) -> None:
        with self._cond:
            self._done = True
            self._cond.notify_all()

    def _drop_behind(self) -> None:
        while self._frames and next(iter(self._frames)) < self._read_pos - KEEP_BEHIND:
            self._frames.popitem(last=False)


class ParallelShots:
    """Render `works` on `workers` threads; use as a context manager (leaving it early, or
    with an error, cancels and cleans up)."""

    def __init__(
        self,
        works: list[ShotWork],
        sizes: list[tuple[tuple[int, int], float, int]],  # (size, fps, frames) per work
        workers: int = 2,
        lead: int = FEED_DEPTH,
        codec: TakeCodec | None = None,  # None: the one for each shot's look
        cancel: threading.Event | None = None,
        on_frame: Callable[[str, int, int], None] | None = None,
    ):
        self.works = works
        self.codec = codec
        self.cancel_event = cancel or threading.Event()
        self._cond = threading.Condition()
        self._error: BaseException | None = None
        self._next = 0
        self._on_frame = on_frame
        self.feeds = {
            w.key: ShotFeed(self, w, size, fps, count, lead)
            for w, (size, fps, count) in zip(works, sizes, strict=True)
        }
        self._threads = [
            threading.Thread(target=self._run, name=f"animatic-shot-{i}", daemon=True)
            for i in range(max(1, min(workers, len(works))))
        ]

    # --- control ------------------------------------------------------------------------
    def __enter__(self) -> ParallelShots:
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self.abort()
        else:
            self.join()

    def detach(self, keys: list[str] | None = None) -> None:
        """Stop feeding `keys` (default all): their workers only write the takes now."""
        for key in self.feeds if keys is None else keys:
            self.feeds[key].detach()

    def cancel(self) -> None:
        self.cancel_event.set()
        with self._cond:
            self._cond.notify_all()

    def abort(self) -> None:
        """Stop every worker, wait for them and remove every take file this render wrote."""
        self.cancel()
        self._wait_threads()
        self._remove_takes()

    def join(self) -> list[VideoInfo]:
        """Wait for every take; on a failure or cancel, clean up and raise."""
        self._wait_threads()
        if self._error is not None or self.cancel_event.is_set():
            self._remove_takes()
            if self._error is not None:
                raise self._error
            raise Cancelled("render cancelled")
        return [w.info for w in self.works]  # type: ignore[misc]

    def _wait_threads(self) -> None:
        for t in self._threads:
            if t.ident is not None:
                t.join()

    def _remove_takes(self) -> None:
        for w in self.works:
            if w.take_path is None:
                continue
            w.take_path.unlink(missing_ok=True)
            partial_path(w.take_path).unlink(missing_ok=True)

    def _raise_if_stopped(self) -> None:
        """(With the lock held.) Raise in a waiting export or worker once the render stopped."""
        if self._error is not None:
            raise _Stop() if threading.current_thread() in self._threads else self._error
        if self.cancel_event.is_set():
            raise (
                _Stop()
                if threading.current_thread() in self._threads
                else Cancelled("render cancelled")
            )

    # --- workers ------------------------------------------------------------------------
    def _take_next(self) -> ShotWork | None:
        with self._cond:
            if self._next >= len(self.works) or self._error or self.cancel_event.is_set():
                return None
            work = self.works[self._next]
            self._next += 1
            return work

    def _run(self) -> None:
        while (work := self._take_next()) is not None:
            try:
                self._render(work)
            except _Stop:
                return
            except BaseException as exc:  # the first failure stops the others
                with self._cond:
                    if self._error is None:
                        self._error = exc
                    self._cond.notify_all()
                return

    def _render(self, work: ShotWork) -> None:
        feed = self.feeds[work.key]
        if work.check is not None:
            work.check()
        if work.take_path is None and feed._detached:  # no take and nobody reads it
            work.info = VideoInfo(*feed.size, feed.fps, feed.frame_count)
            feed._finish()
            return
        shot = work.make()
        writer = None
        if work.take_path is not None:
            codec = self.codec or codec_for(shot.spec.look.texture)
            writer = TakeWriter(work.take_path, feed.size, feed.fps, codec)
        try:
            for i in range(feed.frame_count):
                with self._cond:
                    self._raise_if_stopped()
                    if writer is None and feed._detached:
                        break  # the export stopped reading and no take is written
                frame = to_take_yuv(shot.frame(i))
                if writer is not None:
                    writer.write(frame)
                feed._put(frame)
                if self._on_frame is not None:
                    self._on_frame(work.key, i + 1, feed.frame_count)
            if writer is not None:
                work.info = writer.finish()
            else:
                work.info = VideoInfo(*feed.size, feed.fps, feed.frame_count)
        except BaseException:
            if writer is not None:
                writer.abort()
            raise
        feed._finish()
