"""PreviewPlayer with real takes and the real compositor: seek, play on a clock, shuttle, notice."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from studio.compose.compositor import Compositor
from studio.media.video import write_video
from studio.model import Clip, OutputFormat, Project, Take, TrackKind
from ui.player import MonotonicClock, PreviewPlayer
from ui.player.clock import NO_DEVICE

MAX_SIDE = 64


def ramp(n: int, base: tuple[int, int, int]) -> np.ndarray:
    """n frames, each a different flat colour, so the frame shown says which it is."""
    frames = np.zeros((n, 64, 36, 3), np.uint8)
    for i in range(n):
        frames[i] = (np.array(base) + i * 9) % 256
    return frames


@pytest.fixture
def bundle(tmp_path: Path) -> tuple[Project, callable]:
    (tmp_path / "takes").mkdir()
    p = Project(fps=24, format=OutputFormat.VERTICAL)
    track = p.ensure_track(TrackKind.VIDEO)
    for i, base in enumerate([(200, 20, 20), (20, 20, 200)]):
        write_video(tmp_path / f"takes/t{i}.mp4", ramp(24, base), 24)
        p.takes[f"t{i}"] = Take(
            id=f"t{i}", path=f"takes/t{i}.mp4", engine="test", fps=24, frames=24
        )
        track.clips.append(Clip(id=f"c{i}", take_id=f"t{i}", start=i * 24, duration=24))
    return p, lambda rel: tmp_path / rel


def to_array(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    w, h = image.width(), image.height()
    data = np.frombuffer(image.constBits(), np.uint8, count=image.bytesPerLine() * h)
    return data.reshape(h, image.bytesPerLine())[:, : w * 3].reshape(h, w, 3).copy()


def expected(project: Project, resolve, frame: int) -> np.ndarray:
    size = project.format.scaled(MAX_SIDE)
    with Compositor(
        project, resolve, size=size, fps=project.fps, quality="draft", strict=False
    ) as comp:
        return comp.frame(frame)


def shows(player: PreviewPlayer, want: np.ndarray) -> bool:
    image = player.current_image()
    return image is not None and np.array_equal(to_array(image), want)


def make_player(qtbot, clock=None) -> PreviewPlayer:
    kwargs = {"max_side": MAX_SIDE}
    if clock is not None:
        kwargs["clock_factory"] = lambda project, resolve: clock
    player = PreviewPlayer(**kwargs)
    qtbot.addWidget(player)
    player.resize(300, 400)
    player.show()
    qtbot.waitExposed(player)
    return player


def test_seek_shows_the_compositors_frame(qtbot, bundle):
    project, resolve = bundle
    player = make_player(qtbot)
    player.set_project(project, resolve)
    positions = []
    player.positionChanged.connect(positions.append)
    for frame in (30, 5, 40):
        player.seek(frame)
        want = expected(project, resolve, frame)
        qtbot.waitUntil(lambda w=want: shows(player, w), timeout=5000)
    assert positions == [30, 5, 40] and player.slider.value() == 40
    assert player.time_label.text() == "00:00:01:16"  # HH:MM:SS:FF (issue 14)


def test_refresh_after_edit_shows_new_timeline(qtbot, bundle):
    project, resolve = bundle
    player = make_player(qtbot)
    player.set_project(project, resolve)
    player.seek(10)
    qtbot.waitUntil(lambda: shows(player, expected(project, resolve, 10)), timeout=5000)
    old = to_array(player.current_image())
    project.tracks[0].clips = [project.tracks[0].clips[1].model_copy(update={"start": 0})]
    player.refresh()
    qtbot.waitUntil(lambda: shows(player, expected(project, resolve, 10)), timeout=5000)
    assert not np.array_equal(to_array(player.current_image()), old)  # now the second take


def test_plays_forward_on_a_fake_clock(qtbot, bundle):
    project, resolve = bundle
    now = [100.0]
    clock = MonotonicClock(now=lambda: now[0])
    player = make_player(qtbot, clock)
    player.set_project(project, resolve)
    player.play()
    assert player.speed == 1
    player._timer.stop()  # drive ticks by hand so the test is exact
    now[0] += 0.5
    player.tick()
    assert player.position == 12
    qtbot.waitUntil(lambda: shows(player, expected(project, resolve, 12)), timeout=5000)
    now[0] += 1.0  # 1.5 s: frame 36, the second clip
    player.tick()
    assert player.position == 36
    qtbot.waitUntil(lambda: shows(player, expected(project, resolve, 36)), timeout=5000)
    now[0] += 5.0  # past the end: stops on the last frame
    player.tick()
    assert player.speed == 0 and player.position == 47


def test_jkl_shuttle_and_frame_step(qtbot, bundle):
    project, resolve = bundle
    now = [0.0]
    player = make_player(qtbot, MonotonicClock(now=lambda: now[0]))
    player.set_project(project, resolve)
    player.seek(20)
    with qtbot.waitActive(player):
        player.activateWindow()
    player.setFocus()
    qtbot.keyClick(player, Qt.Key.Key_L)
    qtbot.keyClick(player, Qt.Key.Key_L)
    assert player.speed == 2
    now[0] += 0.25
    player.tick()
    assert player.position == 32  # 2x for 6 frames' worth of time
    qtbot.keyClick(player, Qt.Key.Key_J)
    assert player.speed == -1
    qtbot.keyClick(player, Qt.Key.Key_K)
    assert player.speed == 0
    qtbot.keyClick(player, Qt.Key.Key_Right)
    qtbot.keyClick(player, Qt.Key.Key_Right)
    qtbot.keyClick(player, Qt.Key.Key_Left)
    assert player.position == 33
    qtbot.keyClick(player, Qt.Key.Key_Space)
    assert player.speed == 1
    qtbot.keyClick(player, Qt.Key.Key_Space)
    assert player.speed == 0


def test_no_audio_device_is_said_once(qtbot, bundle):
    project, resolve = bundle
    player = make_player(qtbot, MonotonicClock(notice=NO_DEVICE))
    player.set_project(project, resolve)
    said = []
    player.statusMessage.connect(said.append)
    player.play()
    player.pause()
    player.play()
    player.pause()
    assert said == [NO_DEVICE] and "no audio device" in player.status.text().lower()


def test_default_clock_without_sound_says_so(qtbot, bundle):
    project, resolve = bundle
    player = make_player(qtbot)
    player.set_project(project, resolve)
    player.play()
    player.pause()
    assert player.status.text()  # either no device here or the sound engine's own reason
    assert player.speed == 0


def test_safe_area_overlay(qtbot, bundle):
    project, resolve = bundle
    player = make_player(qtbot)
    player.set_project(project, resolve)
    qtbot.waitUntil(lambda: player.current_image() is not None, timeout=5000)
    rect = player.screen.picture_rect()
    at = (int(rect.center().x()), int(rect.top() + rect.height() * 0.03))
    before = player.screen.grab().toImage().pixelColor(*at)
    player.set_safe_area(True)
    after = player.screen.grab().toImage().pixelColor(*at)
    assert player.safe_box.isChecked() and after != before
    assert after.red() >= before.red()


def test_dragging_the_slider_while_paused_plays_sound_grains(qtbot, bundle):
    from ui.player.clock import AudioClock

    class FakeSound:
        def __init__(self):
            self.grains = []

        def scrub(self, seconds):
            self.grains.append(seconds)

    project, resolve = bundle
    sound = FakeSound()
    player = make_player(qtbot, AudioClock(sound, MonotonicClock()))
    player.set_project(project, resolve)
    for frame in (12, 24, 36):
        player.slider.setValue(frame)  # what a drag of the handle does
    assert sound.grains == [12 / project.fps, 24 / project.fps, 36 / project.fps]
    player.seek(5)  # a seek from the timeline is not a scrub of the slider
    assert len(sound.grains) == 3
