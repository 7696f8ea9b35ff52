"""Reading prompts into scenes, and camera poses that always stay on the canvas."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from studio.engine.animatic.camera import camera_pose, canvas_size, sample, to_frame
from studio.engine.animatic.overlay import safe_area, wrap
from studio.engine.animatic.render import AIR, FAR, NEAR, ShotRenderer, ShotSpec
from studio.engine.animatic.scene import COLOURS, parse_scene
from studio.model import Camera


def test_settings_times_colours_subject_and_motion():
    s = parse_scene("A runner crosses a foggy bridge at dawn, red jacket", 7)
    assert {"fog", "bridge"} <= s.settings and s.time_of_day == "dawn"
    assert s.colours == (COLOURS["red"],) and s.subject == "figure" and s.subject_moves
    night = parse_scene("a quiet kitchen at midnight", 1)
    assert night.settings == {"room"} and night.time_of_day == "night" and night.subject is None
    assert parse_scene("the sun rises over the desert dunes", 1).time_of_day == "dawn"
    assert parse_scene("@maya waves", 1).subject == "figure"
    assert parse_scene("a car in the snow", 1).subject == "vehicle"


def test_colour_words_about_the_sky_tint_the_sky_not_the_subject():
    s = parse_scene("a runner on a hill, orange sky behind, blue shirt", 1)
    assert s.sky_colour == COLOURS["orange"] and s.colours == (COLOURS["blue"],)
    assert s.accent == COLOURS["blue"]


def test_layout_key_depends_on_words_and_seed_only():
    a = parse_scene("A Fox, in the  forest!", 3)
    assert a.layout_key == parse_scene("a fox in the forest", 3).layout_key
    assert a.layout_key != parse_scene("a fox in the forest", 4).layout_key
    assert a.layout_key != parse_scene("a wolf in the forest", 3).layout_key


def test_palette_comes_from_the_preset_when_no_colour_words():
    s = parse_scene("a field", 1, ["#ff0000", "#00ff00", "nonsense"])
    assert s.palette == ((255, 0, 0), (0, 255, 0)) and s.colours == ()


@pytest.mark.parametrize("camera", list(Camera))
def test_every_pose_stays_on_the_canvas(camera):
    frame = (96, 160)
    canvas = canvas_size(frame, camera)
    layer = Image.new("RGBA", canvas, (255, 255, 255, 255))
    for u in (0.0, 0.25, 0.5, 0.75, 1.0):
        for p in (FAR, NEAR, AIR):
            view = np.asarray(sample(layer, camera_pose(camera, u).parallax(p), frame))
            assert view[..., 3].min() == 255, (
                f"{camera} shows the canvas edge at u={u}, parallax {p}"
            )


def test_pans_and_dollies_go_the_named_way():
    assert camera_pose("pan-right", 1).dx > camera_pose("pan-right", 0).dx
    assert camera_pose("pan-left", 1).dx < camera_pose("pan-left", 0).dx
    assert camera_pose("tilt-up", 1).dy < camera_pose("tilt-up", 0).dy
    assert camera_pose("tilt-down", 1).dy > camera_pose("tilt-down", 0).dy
    assert camera_pose("dolly-in", 1).zoom > camera_pose("dolly-in", 0).zoom
    assert camera_pose("dolly-out", 1).zoom < camera_pose("dolly-out", 0).zoom
    assert camera_pose("orbit", 0).angle < 0 < camera_pose("orbit", 1).angle
    assert camera_pose("static", 0.5) == camera_pose("static", 0.0)


def test_to_frame_inverts_sample():
    canvas, frame = (200, 300), (100, 150)
    layer = Image.new("RGB", canvas, (0, 0, 0))
    layer.putpixel((120, 170), (255, 255, 255))
    pose = camera_pose("orbit", 0.8)
    x, y = to_frame((120.5, 170.5), pose, canvas, frame)
    view = np.asarray(sample(layer, pose, frame)).sum(-1)
    by, bx = np.unravel_index(view.argmax(), view.shape)
    assert abs(bx + 0.5 - x) <= 1.5 and abs(by + 0.5 - y) <= 1.5


def test_safe_area_for_vertical_keeps_clear_of_app_buttons():
    s = safe_area((1080, 1920))
    assert s.right <= 1080 * 0.85 and s.bottom <= 1920 * 0.8 and s.top >= 1920 * 0.1
    wide = safe_area((1920, 1080))
    assert wide.left == 96 and wide.bottom == 1026


def test_long_captions_wrap_and_end_in_an_ellipsis():
    from PIL import ImageFont

    font = ImageFont.load_default(size=12)
    lines = wrap("word " * 200, font, 120, max_lines=3)
    assert len(lines) == 3 and lines[-1].endswith("…")
    assert all(font.getlength(line) <= 120 for line in lines)


def test_shots_are_built_once_and_rendered_per_frame():
    spec = ShotSpec(
        prompt="rain over a city at night",
        seed=1,
        size=(96, 160),
        fps=24,
        frames=12,
        camera=Camera.TILT_UP,
    )
    r = ShotRenderer(spec)
    a, b = r.frame(0), r.frame(11)
    assert a.shape == (160, 96, 3) and a.dtype == np.uint8
    assert np.abs(a.astype(int) - b.astype(int)).mean() > 2
    assert np.array_equal(a, ShotRenderer(spec).frame(0))


def test_landmarks_are_read_from_the_prompt_and_drawn():
    assert parse_scene("a lighthouse by the sea", 1).landmark == "lighthouse"
    assert parse_scene("a cosy cabin in the woods", 1).landmark == "house"
    assert parse_scene("a field", 1).landmark is None
    size = (96, 160)
    with_castle = ShotRenderer(
        ShotSpec(prompt="a castle on a plain", seed=1, size=size, fps=24, frames=1)
    ).frame(0)
    without = ShotRenderer(ShotSpec(prompt="a plain", seed=1, size=size, fps=24, frames=1)).frame(0)
    assert np.abs(with_castle.astype(int) - without.astype(int)).mean() > 1
