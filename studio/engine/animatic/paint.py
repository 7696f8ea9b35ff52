"""Paint a Scene into the layers of a storyboard panel, once per shot.

Three layers at canvas size (larger than the frame so the camera can move over them) give
parallax: `far` (sky, sun, skyline, hills; RGB), `near` (ground, bridge, room, trees; RGBA) and
an optional `atmosphere` (fog, rain, snow; RGBA) that drifts on its own. The subject is a small
sprite with two poses so a runner's legs move.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageOps

from studio.engine.animatic.brush import SKIES, gradient, uni
from studio.engine.animatic.characters import Actor, CastLook, cast_actors
from studio.engine.animatic.scene import RGB, Scene, mix, shade
from studio.engine.animatic.setpieces import paint_bridge, paint_landmark, paint_room, paint_tree
from studio.engine.animatic.subjects import paint_subject


@dataclass
class Layers:
    far: Image.Image  # RGB
    near: Image.Image | None  # RGBA
    atmosphere: Image.Image | None  # RGBA, drifts independently
    sprites: list[Image.Image]  # RGBA poses of the subject (empty: no subject)
    subject_path: tuple[tuple[float, float], tuple[float, float]]  # canvas (x, y) feet at t=0, t=1
    horizon: float  # canvas y of the horizon
    actors: list[Actor] = field(default_factory=list)  # cast members, drawn after the subject


def paint_layers(
    scene: Scene,
    canvas: tuple[int, int],
    frame: tuple[int, int],
    reference: Image.Image | None = None,
    reference_strength: float = 1.0,
    cast: list[CastLook] | tuple[CastLook, ...] = (),
) -> Layers:
    """The shot's layers. Named cast members take the place of the prompt's generic subject
    (they are who the shot is about) and are drawn over a reference picture too."""
    cw, ch = canvas
    rng = scene.rng("layout")
    horizon = ch * float(uni(rng, 0.45, 0.58))
    actors = cast_actors(list(cast), scene, canvas, frame, horizon)
    if reference is not None:
        far = ImageOps.fit(reference.convert("RGB"), canvas, Image.Resampling.LANCZOS)
        if reference_strength < 1:  # held less strictly: the painted sky shows through
            far = Image.blend(_far(scene, canvas, horizon).convert("RGB"), far, reference_strength)
        air = _atmosphere(scene, canvas, horizon)
        return Layers(far, None, air, [], ((0, 0), (0, 0)), horizon, actors)
    if "room" in scene.settings:
        far, near = paint_room(scene, canvas, horizon)
    else:
        far = _far(scene, canvas, horizon)
        near = _near(scene, canvas, horizon)
    sprites, path = ([], ((0.0, 0.0), (0.0, 0.0)))
    if not actors:
        sprites, path = paint_subject(scene, canvas, frame, horizon)
    air = _atmosphere(scene, canvas, horizon)
    return Layers(far, near, air, sprites, path, horizon, actors)


# --- far: sky and distance ----------------------------------------------------------------
def _sky_colours(scene: Scene) -> tuple[RGB, RGB]:
    top, bottom = SKIES[scene.time_of_day]
    if scene.sky_colour is not None:  # "an orange sky": the sky is orange
        top, bottom = mix(top, scene.sky_colour, 0.45), mix(bottom, scene.sky_colour, 0.7)
    elif scene.secondary is not None:
        top, bottom = mix(top, scene.secondary, 0.25), mix(bottom, scene.secondary, 0.2)
    if "fog" in scene.settings or "rain" in scene.settings:
        grey = (150, 155, 165) if scene.time_of_day != "night" else (40, 44, 56)
        top, bottom = mix(top, grey, 0.55), mix(bottom, grey, 0.6)
    if "snow" in scene.settings:
        top, bottom = mix(top, (200, 210, 225), 0.4), mix(bottom, (235, 240, 248), 0.5)
    return top, bottom


def _far(scene: Scene, canvas: tuple[int, int], horizon: float) -> Image.Image:
    cw, ch = canvas
    top, bottom = _sky_colours(scene)
    arr = gradient(canvas, top, bottom, 0, horizon).copy()
    _, land = ground_colour(scene)  # distant land shows between layers when the camera moves
    arr[int(horizon) :] = np.asarray(mix(land, bottom, 0.35), np.uint8)
    img = Image.fromarray(arr)
    draw = ImageDraw.Draw(img, "RGBA")
    rng = scene.rng("far")
    if scene.time_of_day == "night" or "space" in scene.settings:
        _stars(draw, rng, cw, int(horizon), 0.00025 * cw * ch / 100)
    if "rain" not in scene.settings:
        _sun(img, scene, rng, canvas, horizon)
    draw = ImageDraw.Draw(img, "RGBA")
    if "mountain" in scene.settings or not scene.settings & {"city", "sea", "desert", "room"}:
        _ridge(
            draw,
            rng,
            cw,
            horizon,
            ch * 0.16,
            mix(bottom, top, 0.5),
            jag=bool("mountain" in scene.settings),
        )
        _ridge(draw, rng, cw, horizon, ch * 0.08, mix(bottom, (40, 50, 60), 0.45), jag=False)
    if "city" in scene.settings:
        _skyline(draw, rng, scene, cw, horizon, ch)
    if "forest" in scene.settings:
        _treeline(draw, rng, cw, horizon, ch * 0.07, shade(mix((34, 90, 50), top, 0.3), 0.8))
    if "desert" in scene.settings:
        _ridge(draw, rng, cw, horizon, ch * 0.05, (196, 150, 96), jag=False)
    if scene.settings & {"sea", "bridge"}:
        _water(img, scene, rng, canvas, horizon, top, bottom)
    return img


def _stars(draw: ImageDraw.ImageDraw, rng, w: int, h: int, count: float) -> None:
    n = int(max(12, count))
    xs, ys = uni(rng, 0, w, n), uni(rng, 0, h, n) ** 1.0
    sizes = uni(rng, 0.5, 2.2, n) * max(1, w / 1200)
    for x, y, s in zip(xs, ys, sizes, strict=True):
        a = int(uni(rng, 120, 255))
        draw.ellipse((x - s, y - s, x + s, y + s), fill=(255, 255, 240, a))


def _sun(img: Image.Image, scene: Scene, rng, canvas: tuple[int, int], horizon: float) -> None:
    """A sun or moon with a soft glow (glow drawn small and scaled up: cheap)."""
    cw, ch = canvas
    night = scene.time_of_day == "night"
    low = scene.time_of_day in ("dawn", "dusk")
    x = cw * float(uni(rng, 0.2, 0.8))
    y = horizon - ch * (float(uni(rng, 0.02, 0.08)) if low else float(uni(rng, 0.18, 0.32)))
    r = min(cw, ch) * (0.09 if low else 0.06)
    colour = (240, 240, 225) if night else ((255, 160, 80) if low else (255, 244, 214))
    if "fog" in scene.settings:
        colour = mix(colour, (235, 235, 235), 0.5)
    k = 8
    glow = Image.new("L", (cw // k + 1, ch // k + 1), 0)
    ImageDraw.Draw(glow).ellipse(
        ((x - 3 * r) / k, (y - 3 * r) / k, (x + 3 * r) / k, (y + 3 * r) / k),
        fill=150 if not night else 70,
    )
    glow = glow.filter(ImageFilter.GaussianBlur(r / k)).resize(canvas, Image.Resampling.BILINEAR)
    img.paste(Image.new("RGB", canvas, colour), (0, 0), glow)
    ImageDraw.Draw(img).ellipse((x - r, y - r, x + r, y + r), fill=colour)
    if night:
        ImageDraw.Draw(img).ellipse(
            (x - r * 0.55, y - r * 1.05, x + r * 1.3, y + r * 0.7),
            fill=mix(colour, (20, 24, 40), 0.85),
        )


def _ridge(draw, rng, w: int, base: float, height: float, colour: RGB, jag: bool) -> None:
    xs = np.linspace(0, w, 28 if jag else 24)
    phase = uni(rng, 0, 6.3, 3)
    ys = np.sin(xs / w * 5 + phase[0]) * 0.5 + np.sin(xs / w * 11 + phase[1]) * 0.3 + 0.8
    if jag:
        ys = ys + np.abs(uni(rng, -0.3, 0.3, xs.size)) * (np.arange(xs.size) % 2)
    pts = [(float(x), float(base - height * max(0.05, y))) for x, y in zip(xs, ys, strict=True)]
    draw.polygon([(0, base + 2), *pts, (w, base + 2)], fill=colour)


def _skyline(draw, rng, scene: Scene, w: int, horizon: float, ch: int) -> None:
    lit = scene.time_of_day in ("night", "dusk")
    base = shade(mix((50, 58, 80), scene.secondary or (60, 60, 80), 0.3), 0.7 if lit else 1.1)
    window = mix((255, 214, 120), scene.accent, 0.35) if lit else shade(base, 1.25)
    x = 0.0
    while x < w:
        bw = w * float(uni(rng, 0.04, 0.1))
        bh = ch * float(uni(rng, 0.08, 0.3))
        col = shade(base, float(uni(rng, 0.8, 1.15)))
        draw.rectangle((x, horizon - bh, x + bw, horizon + 2), fill=col)
        step = max(3.0, bw / 6)
        for wy in np.arange(horizon - bh + step, horizon - step, step * 1.6):
            for wx in np.arange(x + step * 0.6, x + bw - step, step * 1.4):
                if rng.random() < (0.45 if lit else 0.8):
                    draw.rectangle((wx, wy, wx + step * 0.6, wy + step * 0.7), fill=window)
        x += bw + w * float(uni(rng, 0.0, 0.02))


def _treeline(draw, rng, w: int, base: float, height: float, colour: RGB) -> None:
    x = 0.0
    while x < w:
        tw = height * float(uni(rng, 0.5, 0.9))
        th = height * float(uni(rng, 0.7, 1.4))
        draw.polygon([(x, base + 2), (x + tw / 2, base - th), (x + tw, base + 2)], fill=colour)
        x += tw * 0.6


def _water(
    img: Image.Image, scene: Scene, rng, canvas, horizon: float, top: RGB, bottom: RGB
) -> None:
    cw, ch = canvas
    deep = mix(shade(top, 0.7), (10, 60, 110), 0.4)
    arr = np.asarray(img).copy()
    arr[int(horizon) :] = gradient(
        (cw, ch - int(horizon)), mix(bottom, deep, 0.4), deep, 0, ch - horizon
    )
    img.paste(Image.fromarray(arr))
    draw = ImageDraw.Draw(img, "RGBA")
    glint = (255, 240, 210, 90) if scene.time_of_day != "night" else (220, 230, 255, 60)
    for _ in range(60):
        y = float(uni(rng, horizon + 4, ch))
        x = float(uni(rng, 0, cw))
        ln = cw * float(uni(rng, 0.02, 0.08)) * (0.5 + (y - horizon) / ch)
        draw.line((x, y, x + ln, y), fill=glint, width=max(1, ch // 500))


# --- near: ground and set pieces ----------------------------------------------------------
GROUNDS: dict[str, RGB] = {  # first match wins: snow covers a forest, a city has streets
    "snow": (232, 238, 246),
    "desert": (214, 170, 110),
    "city": (58, 60, 68),
    "forest": (46, 92, 52),
    "mountain": (96, 90, 84),
    "space": (70, 66, 80),
}


def ground_colour(scene: Scene) -> tuple[str | None, RGB]:
    kind = next((k for k in GROUNDS if k in scene.settings), None)
    colour = GROUNDS.get(kind or "", (88, 132, 70))
    if scene.time_of_day == "night":
        colour = shade(colour, 0.45)
    elif scene.time_of_day in ("dawn", "dusk"):
        colour = mix(colour, (200, 110, 80), 0.15)
    return kind, colour


def _near(scene: Scene, canvas: tuple[int, int], horizon: float) -> Image.Image:
    cw, ch = canvas
    near = Image.new("RGBA", canvas, (0, 0, 0, 0))
    draw = ImageDraw.Draw(near, "RGBA")
    rng = scene.rng("near")
    kind, colour = ground_colour(scene)
    water = "sea" in scene.settings or ("bridge" in scene.settings and kind is None)
    if kind is not None or not water:
        # by the water the land is a near shore, and the sea shows beyond it
        top = horizon + (ch - horizon) * (0.5 if water else 0.0)
        arr = gradient((cw, ch - int(top)), shade(colour, 1.1), shade(colour, 0.7), 0, ch - top)
        ground = Image.fromarray(arr).convert("RGBA")
        if water:
            ground.putalpha(_shore_mask(rng, ground.size))
        near.paste(ground, (0, int(top)), ground)
        _ground_marks(draw, rng, scene, kind, cw, ch, top, colour)
    if scene.landmark:
        paint_landmark(draw, scene, cw, ch, horizon)
    if "bridge" in scene.settings:
        paint_bridge(draw, rng, scene, cw, ch, horizon)
    if "forest" in scene.settings:
        for side in (0, 1):
            paint_tree(
                draw,
                rng,
                cw * (0.04 + 0.86 * side + float(uni(rng, -0.03, 0.03))),
                ch * 0.98,
                ch * 0.55,
            )
    return near


def _shore_mask(rng, size: tuple[int, int]) -> Image.Image:
    """A wavy coastline: land below it, open (transparent) above."""
    w, h = size
    mask = Image.new("L", size, 0)
    xs = np.linspace(0, w, 32)
    ys = h * (0.25 + 0.2 * np.sin(xs / w * float(uni(rng, 3, 7)) + float(uni(rng, 0, 6.3))))
    ImageDraw.Draw(mask).polygon(
        [(0, h), *zip(xs.tolist(), ys.tolist(), strict=True), (w, h)], fill=255
    )
    return mask


def _ground_marks(
    draw, rng, scene: Scene, kind, cw: int, ch: int, horizon: float, colour: RGB
) -> None:
    """Perspective lines (a road), dunes, tufts: things that make the ground read as ground."""
    vx = cw * float(uni(rng, 0.35, 0.65))
    line = shade(colour, 1.35) if kind != "snow" else (180, 195, 220)
    width = max(1, ch // 300)
    if kind == "city":
        for k in range(-6, 7):
            draw.line(
                (vx, horizon, vx + k * cw * 0.25, ch), fill=(*shade(colour, 1.5), 160), width=width
            )
    else:
        for _ in range(40):
            y = float(uni(rng, horizon + 6, ch))
            x = float(uni(rng, 0, cw))
            ln = cw * 0.03 * (y - horizon) / ch
            draw.line((x, y, x + ln, y - ln * 0.2), fill=(*line, 140), width=width)


# --- atmosphere ---------------------------------------------------------------------------
def _atmosphere(scene: Scene, canvas: tuple[int, int], horizon: float) -> Image.Image | None:
    kinds = scene.settings & {"fog", "rain", "snow"}
    if not kinds:
        return None
    cw, ch = canvas
    rng = scene.rng("air")
    k = 4  # paint small, blur, scale up: soft and cheap
    small = Image.new("RGBA", (cw // k, ch // k), (0, 0, 0, 0))
    draw = ImageDraw.Draw(small, "RGBA")
    sw, sh = small.size
    if "fog" in kinds:
        fog = (226, 230, 236) if scene.time_of_day != "night" else (120, 130, 150)
        for _ in range(9):
            y = float(uni(rng, horizon / k - sh * 0.25, sh * 0.95))
            bh = sh * float(uni(rng, 0.04, 0.12))
            draw.ellipse(
                (
                    float(uni(rng, -sw, sw * 0.3)),
                    y,
                    float(uni(rng, sw * 0.7, sw * 2)),
                    y + bh,
                ),
                fill=(*fog, int(uni(rng, 70, 140))),
            )
        small = small.filter(ImageFilter.GaussianBlur(max(1.0, sh / 40)))
    layer = small.resize(canvas, Image.Resampling.BILINEAR)
    draw = ImageDraw.Draw(layer, "RGBA")
    if "rain" in kinds:
        for _ in range(int(cw * ch / 9000)):
            x, y = float(uni(rng, 0, cw)), float(uni(rng, 0, ch))
            ln = ch * float(uni(rng, 0.015, 0.04))
            draw.line(
                (x, y, x - ln * 0.25, y + ln), fill=(200, 210, 230, 110), width=max(1, ch // 900)
            )
    if "snow" in kinds:
        for _ in range(int(cw * ch / 6000)):
            x, y = float(uni(rng, 0, cw)), float(uni(rng, 0, ch))
            r = ch * float(uni(rng, 0.001, 0.004))
            draw.ellipse((x - r, y - r, x + r, y + r), fill=(255, 255, 255, 200))
    return layer


# --- subject ------------------------------------------------------------------------------
