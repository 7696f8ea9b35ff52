"""Make the README's editor screenshots (issue 14). Run under a real X server, e.g.:

    STUDIO_HOME=$(mktemp -d) xvfb-run -s "-screen 0 1920x1080x24" python resources/screenshots/shoot.py main
    STUDIO_HOME=$(mktemp -d) xvfb-run -s "-screen 0 1366x768x24" python resources/screenshots/shoot.py small

Scenes: main (1920×1080, a generation taking shape in the viewer), small (1366×768),
new-project, media-bin, title, cast (1920×1080: the Cast panel, cast chips, a shot's cast). Each writes resources/screenshots/<name>.png.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

HERE = Path(__file__).parent


def wait(seconds: float, until=None) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()
        if until is not None and until():
            return
        time.sleep(0.02)


def window():
    from ui.app import build_window

    _app, win = build_window(None)
    win.offer_recovery_on_show = False
    win.show()
    wait(2.0)
    return win


def save(widget, name: str) -> None:
    QApplication.processEvents()
    path = HERE / f"{name}.png"
    widget.grab().save(str(path))
    print(path)


def media_files(folder: Path) -> list[Path]:
    from PIL import Image, ImageDraw

    from studio.audio.wavfile import write_wav
    from studio.media.video import write_video

    frames = []
    for i in range(48):
        img = np.zeros((320, 180, 3), np.uint8)
        img[:] = (30 + i * 3, 60, 140)
        img[100 + i : 160 + i, 40:140] = (240, 200, 60)
        frames.append(img)
    write_video(folder / "skate-park.mp4", frames, 24)
    pic = Image.new("RGB", (540, 960), (250, 120, 80))
    ImageDraw.Draw(pic).ellipse((120, 300, 420, 600), fill=(255, 230, 120))
    pic.save(folder / "sunset.png")
    t = np.arange(48000 * 6) / 48000
    tone = 0.35 * np.sin(2 * np.pi * 220 * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 0.7 * t))
    tone = tone.astype(np.float32)
    write_wav(folder / "music-bed.wav", np.stack([tone, tone], axis=1), 48000)
    voice = (0.5 * np.sin(2 * np.pi * 180 * t) * (np.sin(2 * np.pi * 3 * t) > 0)).astype(np.float32)
    write_wav(folder / "voice-over.wav", np.stack([voice, voice], axis=1), 48000)
    return sorted(folder.iterdir())


def cast_scene(win) -> None:
    """Three shots naming Oro, Pip and @maya, generated with the animatic; the Cast panel is
    split off below the storyboard so both show."""
    from PIL import Image, ImageDraw
    from PySide6.QtCore import Qt

    from studio.cameo.identity import load_identity
    from studio.cameo.store import CameoStore
    from studio.model import Camera, Project, Shot

    folder = Path(tempfile.mkdtemp())
    oro = Image.new("RGB", (320, 320), (236, 236, 230))
    draw = ImageDraw.Draw(oro)
    draw.rounded_rectangle((90, 120, 230, 290), 18, fill=(247, 127, 0))
    draw.rounded_rectangle((110, 40, 210, 125), 14, fill=(250, 160, 60))
    draw.ellipse((140, 62, 180, 102), fill=(40, 90, 220))
    oro.save(folder / "oro.png")
    face = Image.new("RGB", (256, 256), (120, 90, 160))
    face.save(folder / "maya.png")
    CameoStore().create("maya", "Maya", [folder / "maya.png"], load_identity())
    shots = [
        Shot(prompt="Oro waits on the beach at dusk", duration=2.0, seed=3),
        Shot(
            prompt="Oro walks down a city street at night with @maya",
            duration=2.0,
            camera=Camera.PAN_LEFT,
            seed=991,
        ),
        Shot(prompt="Pip shows Oro the green hills at noon", duration=2.0, seed=12),
    ]
    win.files.new(Project(title="Oro's day", shots=shots))
    oro_description = "a small orange robot with one round blue eye"
    win.cast.add_character("Oro", oro_description, [folder / "oro.png"])
    win.cast.add_character("Pip", "a tall girl in a green coat with purple hair")
    win.cast.add_cameo("maya")
    cast = win.docks["cast"]
    win.removeDockWidget(cast)
    win.addDockWidget(Qt.LeftDockWidgetArea, cast, Qt.Vertical)  # below, not as a tab
    cast.show()
    win.docks["storyboard"].raise_()
    wait(0.5)
    win.resizeDocks([win.docks["storyboard"], cast], [400, 360], Qt.Vertical)
    win.cast.list.setCurrentRow(0)
    win.ctx.generator.generate([s.id for s in win.doc.project.shots])
    wait(300, lambda: all(s.current_take for s in win.doc.project.shots))
    win.storyboard.select([win.doc.project.shots[1].id])
    win.player.seek(win.doc.project.fps * 2 + 12)
    wait(3.0)
    save(win, "cast-panel")


def main(scene: str) -> None:
    win = window()
    if scene == "main":
        shot = win.doc.project.shots[1]
        win.storyboard.select([shot.id])
        win.ctx.generator.generate([shot.id])
        wait(120, lambda: win.player.screen.live is not None)
        wait(1.5)
        save(win, "main-window-1920")
    elif scene == "small":
        save(win, "main-window-1366")
    elif scene == "new-project":
        from studio.model import Project
        from ui.dialogs.project_settings import ProjectSettingsDialog

        dialog = ProjectSettingsDialog(
            Project(title="Skate trip"), win.ctx.presets.names(), True, win
        )
        dialog.show()
        wait(0.5)
        save(dialog, "new-project")
    elif scene == "media-bin":
        from studio.model import Project

        win.files.new(Project(title="My media"))
        folder = Path(tempfile.mkdtemp())
        win.files.import_media(media_files(folder)[:3], at=0)
        win.files.import_media([folder / "voice-over.wav"], at=24, audio_track="Voice-over")
        win.docks["media"].raise_()
        win.timeline.fit()
        wait(3.0)
        save(win, "media-bin")
    elif scene == "title":
        from studio.model import Title
        from studio.model.media_edits import add_title

        win.doc.apply(add_title, Title(text="MORNING RUN", size=120, y=0.15), 0, 4.0, 0.0, 0.5)
        win.player.seek(12)
        wait(3.0)
        save(win, "title-clip")
    elif scene == "cast":
        cast_scene(win)
    win.doc.undo_stack.setClean()
    QTimer.singleShot(0, win.close)
    wait(0.3)


if __name__ == "__main__":
    main(sys.argv[1])
