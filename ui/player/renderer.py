"""The preview's frame renderer: a worker thread that owns the Compositor.

The UI thread never decodes. It asks for frame n (`request`); the newest request wins and
older ones are dropped. While playing, the worker renders ahead in the play direction so the
UI can show frames from its small cache on time. Frames cross to the UI thread as QImages
through a queued signal, tagged with a generation number: an edit bumps the generation and
frames from the old timeline are ignored.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from studio.model import Project
from ui.timeline.media import to_qimage

AHEAD = 12  # frames rendered ahead while playing


def snapshot(project: Project) -> Project:
    """A copy the worker can read while the UI edits: tracks and clip lists copied, clips
    shared (edits never mutate a clip, they replace it)."""
    tracks = [t.model_copy(update={"clips": list(t.clips)}) for t in project.tracks]
    return project.model_copy(update={"tracks": tracks, "takes": dict(project.takes)})


class FrameRenderer(QObject):
    """Renders frames of one project at preview size on its own thread."""

    frameReady = Signal(int, int, QImage)  # generation, frame, image
    failed = Signal(str)

    def __init__(self, size: tuple[int, int], parent: QObject | None = None):
        super().__init__(parent)
        self.size = size
        self.generation = 0
        self._cond = threading.Condition()
        self._project: Project | None = None
        self._resolve: Callable[[str], Path] | None = None
        self._dirty = False
        self._request: int | None = None
        self._next: int | None = None
        self._ahead_left = 0
        self._direction = 0
        self._limit = 0
        self._stop = False
        self._busy: int | None = None
        self._thread = threading.Thread(target=self._run, name="preview-renderer", daemon=True)
        self._thread.start()

    # --- UI thread ------------------------------------------------------------------------
    def set_project(
        self, project: Project, resolve: Callable[[str], Path], size: tuple[int, int]
    ) -> int:
        """Render this timeline from now on; returns the new generation."""
        with self._cond:
            self._project, self._resolve, self.size = snapshot(project), resolve, size
            self._limit = project.duration_frames
            self._dirty = True
            self.generation += 1
            self._next = None
            self._cond.notify()
            return self.generation

    def request(self, frame: int, direction: int = 0) -> None:
        """Render `frame` next (replacing any pending request); then keep going `direction`
        (+1/-1) for up to AHEAD frames while playing, or stop (0)."""
        with self._cond:
            if direction and direction == self._direction and frame in (self._busy, self._next):
                if frame == self._busy:  # already being rendered: just keep going after it
                    self._next = frame + direction
                self._ahead_left = AHEAD
                return
            self._request, self._direction = frame, direction
            self._cond.notify()

    def close(self) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify()
        self._thread.join(timeout=5)

    # --- worker thread --------------------------------------------------------------------
    def _take_work(self) -> tuple[int, int, Project, Callable, tuple, bool] | None:
        with self._cond:
            while not self._stop and self._request is None and self._next is None:
                self._cond.wait()
            if self._stop or self._project is None:
                self._request = self._next = None
                return None
            if self._request is not None:
                frame, self._request = self._request, None
                self._ahead_left = AHEAD if self._direction else 0
            else:
                frame = self._next
                self._ahead_left -= 1
            step = frame + self._direction
            going = self._ahead_left > 0 and self._direction and 0 <= step < self._limit
            self._next = step if going else None
            dirty, self._dirty = self._dirty, False
            self._busy = frame
            return frame, self.generation, self._project, self._resolve, self.size, dirty

    def _run(self) -> None:
        compositor = None
        while True:
            work = self._take_work()
            if work is None:
                if self._stop:
                    break
                continue
            frame, generation, project, resolve, size, dirty = work
            try:
                if compositor is None or dirty:
                    compositor = self._compositor(compositor, project, resolve, size)
                image = to_qimage(compositor.frame(frame))
            except Exception as exc:  # a broken timeline must not kill the preview thread
                self.failed.emit(str(exc))
                continue
            try:
                self.frameReady.emit(generation, frame, image)
            except RuntimeError:  # the player was deleted without close(): just stop
                break
        if compositor is not None:
            compositor.close()

    @staticmethod
    def _compositor(old, project: Project, resolve, size: tuple[int, int]):
        from studio.compose.compositor import Compositor

        same = old is not None and old._resolve == resolve  # another bundle: fresh decoders
        if same and tuple(old.size) == tuple(size) and old.fps == project.fps:
            old.project = project  # keep open decoders; re-index the edited timeline
            old.reload()
            return old
        if old is not None:
            old.close()
        return Compositor(
            project, resolve, size=size, fps=project.fps, quality="draft", strict=False
        )
