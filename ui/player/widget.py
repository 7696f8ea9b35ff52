"""PreviewPlayer: plays the timeline through the compositor at preview size, with sound.

Usage (main window):
    player = PreviewPlayer()
    player.set_project(project, bundle.resolve)
    player.positionChanged.connect(timeline.setPlayhead)
    timeline.playheadMoved.connect(player.seek)
    doc.edited.connect(player.refresh)              # every applied edit, undo and redo
    player.statusMessage.connect(status_bar.showMessage)
    playback_menu.addActions(player.transport_actions())  # Space, J, K, L, arrows, safe area

Decoding happens on the FrameRenderer thread; a QTimer polls the clock (audio is the master
when there is a device) and shows the frame for clock time, from the cache when ready.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QImage, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QSlider,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studio.model import Project
from studio.timecode import time_text
from ui.byte_lru import MIB, ByteLRU, image_bytes
from ui.player.clock import PlaybackClock, default_clock
from ui.player.renderer import AHEAD, FrameRenderer
from ui.player.screen import FrameView

PREVIEW_MAX_SIDE = 640
SPEEDS = (1, 2, 4, 8)
_CACHE = 48
FRAME_CACHE_BYTES = 160 * MIB  # 48 frames at up to ~1280x720; bounds a bigger viewer too


class PreviewPlayer(QWidget):
    positionChanged = Signal(int)
    playingChanged = Signal(bool)
    statusMessage = Signal(str)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        clock_factory: Callable[[Project | None, Callable | None], PlaybackClock] = default_clock,
        max_side: int = PREVIEW_MAX_SIDE,
    ):
        super().__init__(parent)
        self.project: Project | None = None
        self.resolve: Callable[[str], Path] | None = None
        self.position = 0
        self.speed = 0  # frames of timeline per frame of wall time; 0 = paused
        self.max_side = max_side
        self._clock_factory = clock_factory
        self.clock: PlaybackClock | None = None
        self._noticed: set[str] = set()
        self._frames: ByteLRU[int, QImage] = ByteLRU(FRAME_CACHE_BYTES, image_bytes, _CACHE)
        self._shown = -1
        self.renderer = FrameRenderer((2, 2), self)
        self.renderer.frameReady.connect(self._frame_ready)
        self.renderer.failed.connect(self._render_failed)
        self._generation = 0
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(10)
        self._timer.timeout.connect(self.tick)
        self._build_ui()
        self._make_actions()

    # --- widgets --------------------------------------------------------------------------
    def _build_ui(self) -> None:
        self.screen = FrameView(self)
        self.play_button = QToolButton(self)
        self._play_icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPlay)
        self._pause_icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPause)
        self.play_button.setIcon(self._play_icon)  # a standard icon: no font glyph to miss
        self.play_button.setToolTip("Play / pause (Space)")
        self.play_button.clicked.connect(self.toggle)
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setRange(0, 0)
        self.slider.valueChanged.connect(self._slider_moved)
        self.time_label = QLabel("00:00:00:00", self)
        self.seconds_mode = False  # View → Show Time in Seconds
        self.safe_box = QCheckBox("Safe area", self)
        self.safe_box.setToolTip(
            "Show where TikTok / Reels / Shorts draw their buttons and captions"
        )
        self.safe_box.toggled.connect(self.set_safe_area)
        self.status = QLabel("", self)
        self.status.setStyleSheet("color: #d9a441")
        row = QHBoxLayout()
        for w in (self.play_button, self.slider, self.time_label, self.safe_box):
            row.addWidget(w)
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        col.addWidget(self.screen, 1)
        col.addLayout(row)
        col.addWidget(self.status)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def _make_actions(self) -> None:
        def act(text: str, key: str, slot) -> QAction:
            a = QAction(text, self)
            a.setShortcut(QKeySequence(key))
            a.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            a.triggered.connect(slot)
            self.addAction(a)
            return a

        self._actions = [
            act("Play / pause", "Space", self.toggle),
            act("Play backward (J)", "J", self.shuttle_backward),
            act("Stop (K)", "K", self.pause),
            act("Play forward (L)", "L", self.shuttle_forward),
            act("Previous frame", "Left", lambda: self.step(-1)),
            act("Next frame", "Right", lambda: self.step(1)),
        ]
        self.action_safe_area = QAction("Safe-Area Overlay", self)
        self.action_safe_area.setCheckable(True)
        self.action_safe_area.setToolTip(self.safe_box.toolTip())
        self.action_safe_area.toggled.connect(self.set_safe_area)
        self._actions.append(self.action_safe_area)

    def transport_actions(self) -> list[QAction]:
        """Playback actions with their shortcuts (widget-scoped; set WindowShortcut to make
        them global in the main window)."""
        return list(self._actions)

    # --- project --------------------------------------------------------------------------
    def set_project(self, project: Project, resolve: Callable[[str], Path]) -> None:
        """Preview this project (New/Open); resets to frame 0, paused."""
        self.pause()
        self.project, self.resolve = project, resolve
        self.clock = None
        w, h = project.format.size
        self.screen.aspect = w / h
        self.safe_box.setEnabled(w < h)
        self.position = 0
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        """The project was edited: re-read the timeline and redraw the current frame."""
        if self.project is None:
            return
        size = self.project.format.scaled(self.max_side)
        self._generation = self.renderer.set_project(self.project, self.resolve, size)
        self._frames.clear()
        self._shown = -1
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(0, self.frame_count - 1))
        self.slider.blockSignals(False)
        self._show(self.position)

    @property
    def frame_count(self) -> int:
        return self.project.duration_frames if self.project else 0

    @property
    def fps(self) -> int:
        return self.project.fps if self.project else 24

    def current_image(self) -> QImage | None:
        """The frame on screen (None before the first one arrived)."""
        return self.screen.image

    # --- transport ------------------------------------------------------------------------
    @Slot(int)
    def seek(self, frame: int) -> None:
        frame = max(0, min(int(frame), max(0, self.frame_count - 1)))
        if self.speed and self.clock is not None:
            self.clock.start(frame / self.fps, self.speed)
        self._set_position(frame)

    @Slot()
    def play(self) -> None:
        self._start(1)

    @Slot()
    def pause(self) -> None:
        if self.speed == 0:
            return
        self.speed = 0
        self._timer.stop()
        if self.clock is not None:
            self.clock.stop()
        self.play_button.setIcon(self._play_icon)
        self.playingChanged.emit(False)

    @Slot()
    def toggle(self) -> None:
        self.pause() if self.speed else self.play()

    def shuttle_forward(self) -> None:
        """L: play forward, faster each press (1x, 2x, 4x, 8x)."""
        self._start(self._next_speed(1))

    def shuttle_backward(self) -> None:
        """J: play backward, faster each press."""
        self._start(-self._next_speed(-1))

    def _next_speed(self, sign: int) -> int:
        if self.speed * sign <= 0:
            return 1
        now = abs(self.speed)
        return next((s for s in SPEEDS if s > now), SPEEDS[-1])

    def step(self, frames: int) -> None:
        """Frame step (←/→): pauses, then moves by `frames`."""
        self.pause()
        self.seek(self.position + frames)

    def _ensure_clock(self) -> PlaybackClock:
        if self.clock is None:
            self.clock = self._clock_factory(self.project, self.resolve)
            notice = getattr(self.clock, "notice", None)
            if notice and notice not in self._noticed:  # say it once per player
                self._noticed.add(notice)
                self.status.setText(notice)
                self.statusMessage.emit(notice)
        return self.clock

    def _start(self, speed: int) -> None:
        if self.project is None or self.frame_count == 0:
            return
        if speed > 0 and self.position >= self.frame_count - 1:
            self._set_position(0)  # play from the top after the end, as players do
        self._ensure_clock()
        was_playing = self.speed != 0
        self.speed = speed
        self.clock.start(self.position / self.fps, speed)
        self.renderer.request(self.position, speed)
        self._timer.start()
        self.play_button.setIcon(self._pause_icon)
        if not was_playing:
            self.playingChanged.emit(True)

    @Slot()
    def tick(self) -> None:
        """Follow the clock: show the frame for clock time; stop at either end."""
        if not self.speed or self.clock is None:
            return
        frame = int(self.clock.position() * self.fps + 1e-6)
        last = self.frame_count - 1
        if frame >= last or frame <= 0 and self.speed < 0:
            self._set_position(max(0, min(frame, last)))
            self.pause()
            return
        if frame != self.position:
            self._set_position(frame)

    # --- frames ---------------------------------------------------------------------------
    def _set_position(self, frame: int) -> None:
        self.position = frame
        self.slider.blockSignals(True)
        self.slider.setValue(frame)
        self.slider.blockSignals(False)
        self.time_label.setText(time_text(frame, self.fps, self.seconds_mode))
        self._show(frame)
        self.positionChanged.emit(frame)

    def set_seconds_mode(self, on: bool) -> None:
        self.seconds_mode = on
        self.time_label.setText(time_text(self.position, self.fps, on))

    def _show(self, frame: int) -> None:
        """Show `frame` if it is cached; keep the renderer working on the first missing one."""
        image = self._frames.get(frame)
        if image is not None:
            self._display(frame, image)
        if not self.speed:
            if image is None:
                self.renderer.request(frame, 0)
            return
        d = 1 if self.speed > 0 else -1
        for k in range(0 if image is None else 1, AHEAD):
            want = frame + k * d * abs(self.speed)
            if not 0 <= want < self.frame_count:
                return
            if want not in self._frames:
                self.renderer.request(want, d * abs(self.speed))
                return

    def _display(self, frame: int, image: QImage) -> None:
        self._shown = frame
        self.screen.set_image(image)

    def _frame_ready(self, generation: int, frame: int, image: QImage) -> None:
        if generation != self._generation:
            return  # rendered from a timeline that has since been edited
        self._frames.put(frame, image)
        if frame == self.position:
            self._display(frame, image)

    def _render_failed(self, message: str) -> None:
        self.status.setText(f"Preview: {message}")
        self.statusMessage.emit(f"Preview: {message}")

    def _slider_moved(self, value: int) -> None:
        """Dragging the slider while paused plays a short grain of sound at each position."""
        self.seek(value)
        if self.speed == 0 and self.project is not None and self.frame_count:
            scrub = getattr(self._ensure_clock(), "scrub", None)
            if scrub is not None:
                scrub(self.position / self.fps)

    @Slot(bool)
    def set_safe_area(self, on: bool) -> None:
        self.safe_box.setChecked(on)
        self.action_safe_area.setChecked(on)
        self.screen.safe_area = on
        self.screen.update()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.pause()
        self.renderer.close()
        super().closeEvent(event)
