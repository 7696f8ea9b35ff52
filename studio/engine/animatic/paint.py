"""Paint a Scene into the layers of a storyboard panel, once per shot.

Three layers at canvas size (larger than the frame so the camera can move over them) give
parallax: `far` (sky, sun, skyline, hills; RGB), `near` (ground, bridge, room, trees; RGBA) and
an optional `atmosphere` (fog, rain, snow; RGBA) that drifts on its own. The subject is a small
sprite with two poses so a runner's legs move.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageOps

from studio.engine.animatic.scene import RGB, Scene, mix, shade

SKIES: dict[str, tuple[RGB, RGB]] = {  # (zenith, horizon)
    "dawn": ((74, 111, 165), (255, 179, 138)),
    "day": ((58, 123, 213), (196, 228, 255)),
    "dusk": ((45, 27, 78), (255, 126, 95)),
    "night": ((5, 6, 18), (32, 40, 72)),
}


def _uni(rng: np.random.Generator, low: float, high: float, size=None):
    """rng.uniform that tolerates an empty range (degenerate, e.g. 4096×4, frames)."""
    return rng.uniform(low, max(low, high), size)


@dataclass
class Layers:
    far: Image.Image  # RGB
    near: Image.Image | None  # RGBA
    atmosphere: Image.Image | None  # RGBA, drifts independently
    sprites: list[Image.Image]  # RGBA poses of the subject (empty: no subject)
    subject_path: tuple[tuple[float, float], tuple[float, float]]  # canvas (x, y) feet at t=0, t=1
    horizon: float  # canvas y of the horizon


def paint_layers(
    scene: Scene,
    canvas: tuple[int, int],
    frame: tuple[int, int],
    reference: Image.Image | None = None,
) -> Layers:
    cw, ch = canvas
    rng = scene.rng("layout")
    horizon = ch * float(_uni(rng, 0.45, 0.58))
    if reference is not None:
        far = ImageOps.fit(reference.convert("RGB"), canvas, Image.Resampling.LANCZOS)
        return Layers(far, None, _atmosphere(scene, canvas, horizon), [], ((0, 0), (0, 0)), horizon)
    if "room" in scene.settings:
        far, near = _room(scene, canvas, horizon)
    else:
        far = _far(scene, canvas, horizon)
        near = _near(scene, canvas, horizon)
    sprites, path = _subject(scene, canvas, frame, horizon)
    return Layers(far, near, _atmosphere(scene, canvas, horizon), sprites, path, horizon)


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


def _gradient(size: tuple[int, int], top: RGB, bottom: RGB, y0: float, y1: float) -> np.ndarray:
    w, h = size
    t = np.clip((np.arange(h, dtype=np.float32) - y0) / max(1.0, y1 - y0), 0, 1)[:, None, None]
    col = np.asarray(top, np.float32) * (1 - t) + np.asarray(bottom, np.float32) * t
    return np.broadcast_to(col, (h, w, 3)).astype(np.uint8)


def _far(scene: Scene, canvas: tuple[int, int], horizon: float) -> Image.Image:
    cw, ch = canvas
    top, bottom = _sky_colours(scene)
    arr = _gradient(canvas, top, bottom, 0, horizon).copy()
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
    xs, ys = _uni(rng, 0, w, n), _uni(rng, 0, h, n) ** 1.0
    sizes = _uni(rng, 0.5, 2.2, n) * max(1, w / 1200)
    for x, y, s in zip(xs, ys, sizes, strict=True):
        a = int(_uni(rng, 120, 255))
        draw.ellipse((x - s, y - s, x + s, y + s), fill=(255, 255, 240, a))


def _sun(img: Image.Image, scene: Scene, rng, canvas: tuple[int, int], horizon: float) -> None:
    """A sun or moon with a soft glow (glow drawn small and scaled up: cheap)."""
    cw, ch = canvas
    night = scene.time_of_day == "night"
    low = scene.time_of_day in ("dawn", "dusk")
    x = cw * float(_uni(rng, 0.2, 0.8))
    y = horizon - ch * (float(_uni(rng, 0.02, 0.08)) if low else float(_uni(rng, 0.18, 0.32)))
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
    phase = _uni(rng, 0, 6.3, 3)
    ys = np.sin(xs / w * 5 + phase[0]) * 0.5 + np.sin(xs / w * 11 + phase[1]) * 0.3 + 0.8
    if jag:
        ys = ys + np.abs(_uni(rng, -0.3, 0.3, xs.size)) * (np.arange(xs.size) % 2)
    pts = [(float(x), float(base - height * max(0.05, y))) for x, y in zip(xs, ys, strict=True)]
    draw.polygon([(0, base + 2), *pts, (w, base + 2)], fill=colour)


def _skyline(draw, rng, scene: Scene, w: int, horizon: float, ch: int) -> None:
    lit = scene.time_of_day in ("night", "dusk")
    base = shade(mix((50, 58, 80), scene.secondary or (60, 60, 80), 0.3), 0.7 if lit else 1.1)
    window = mix((255, 214, 120), scene.accent, 0.35) if lit else shade(base, 1.25)
    x = 0.0
    while x < w:
        bw = w * float(_uni(rng, 0.04, 0.1))
        bh = ch * float(_uni(rng, 0.08, 0.3))
        col = shade(base, float(_uni(rng, 0.8, 1.15)))
        draw.rectangle((x, horizon - bh, x + bw, horizon + 2), fill=col)
        step = max(3.0, bw / 6)
        for wy in np.arange(horizon - bh + step, horizon - step, step * 1.6):
            for wx in np.arange(x + step * 0.6, x + bw - step, step * 1.4):
                if rng.random() < (0.45 if lit else 0.8):
                    draw.rectangle((wx, wy, wx + step * 0.6, wy + step * 0.7), fill=window)
        x += bw + w * float(_uni(rng, 0.0, 0.02))


def _treeline(draw, rng, w: int, base: float, height: float, colour: RGB) -> None:
    x = 0.0
    while x < w:
        tw = height * float(_uni(rng, 0.5, 0.9))
        th = height * float(_uni(rng, 0.7, 1.4))
        draw.polygon([(x, base + 2), (x + tw / 2, base - th), (x + tw, base + 2)], fill=colour)
        x += tw * 0.6


def _water(
    img: Image.Image, scene: Scene, rng, canvas, horizon: float, top: RGB, bottom: RGB
) -> None:
    cw, ch = canvas
    deep = mix(shade(top, 0.7), (10, 60, 110), 0.4)
    arr = np.asarray(img).copy()
    arr[int(horizon) :] = _gradient(
        (cw, ch - int(horizon)), mix(bottom, deep, 0.4), deep, 0, ch - horizon
    )
    img.paste(Image.fromarray(arr))
    draw = ImageDraw.Draw(img, "RGBA")
    glint = (255, 240, 210, 90) if scene.time_of_day != "night" else (220, 230, 255, 60)
    for _ in range(60):
        y = float(_uni(rng, horizon + 4, ch))
        x = float(_uni(rng, 0, cw))
        ln = cw * float(_uni(rng, 0.02, 0.08)) * (0.5 + (y - horizon) / ch)
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
NATURAL: dict[str, RGB] = {"animal": (196, 112, 48), "bird": (60, 60, 70), "boat": (200, 60, 50)}


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
        arr = _gradient((cw, ch - int(top)), shade(colour, 1.1), shade(colour, 0.7), 0, ch - top)
        ground = Image.fromarray(arr).convert("RGBA")
        if water:
            ground.putalpha(_shore_mask(rng, ground.size))
        near.paste(ground, (0, int(top)), ground)
        _ground_marks(draw, rng, scene, kind, cw, ch, top, colour)
    if scene.landmark:
        _landmark(draw, scene, cw, ch, horizon)
    if "bridge" in scene.settings:
        _bridge(draw, rng, scene, cw, ch, horizon)
    if "forest" in scene.settings:
        for side in (0, 1):
            _tree(
                draw,
                rng,
                cw * (0.04 + 0.86 * side + float(_uni(rng, -0.03, 0.03))),
                ch * 0.98,
                ch * 0.55,
            )
    return near


def _shore_mask(rng, size: tuple[int, int]) -> Image.Image:
    """A wavy coastline: land below it, open (transparent) above."""
    w, h = size
    mask = Image.new("L", size, 0)
    xs = np.linspace(0, w, 32)
    ys = h * (0.25 + 0.2 * np.sin(xs / w * float(_uni(rng, 3, 7)) + float(_uni(rng, 0, 6.3))))
    ImageDraw.Draw(mask).polygon(
        [(0, h), *zip(xs.tolist(), ys.tolist(), strict=True), (w, h)], fill=255
    )
    return mask


def _ground_marks(
    draw, rng, scene: Scene, kind, cw: int, ch: int, horizon: float, colour: RGB
) -> None:
    """Perspective lines (a road), dunes, tufts: things that make the ground read as ground."""
    vx = cw * float(_uni(rng, 0.35, 0.65))
    line = shade(colour, 1.35) if kind != "snow" else (180, 195, 220)
    width = max(1, ch // 300)
    if kind == "city":
        for k in range(-6, 7):
            draw.line(
                (vx, horizon, vx + k * cw * 0.25, ch), fill=(*shade(colour, 1.5), 160), width=width
            )
    else:
        for _ in range(40):
            y = float(_uni(rng, horizon + 6, ch))
            x = float(_uni(rng, 0, cw))
            ln = cw * 0.03 * (y - horizon) / ch
            draw.line((x, y, x + ln, y - ln * 0.2), fill=(*line, 140), width=width)


def _bridge(draw, rng, scene: Scene, cw: int, ch: int, horizon: float) -> None:
    deck_y = horizon + ch * float(_uni(rng, 0.05, 0.1))
    body = shade(mix((110, 90, 70), scene.secondary or (110, 90, 70), 0.25), 0.8)
    if scene.time_of_day == "night":
        body = shade(body, 0.5)
    th = ch * 0.018
    draw.rectangle((0, deck_y, cw, deck_y + th * 2), fill=body)
    span = cw / float(rng.integers(2, 4))
    for x0 in np.arange(0, cw + span, span):
        draw.arc(
            (x0 - span / 2, deck_y + th, x0 + span / 2, deck_y + th + span * 0.5),
            180,
            360,
            fill=body,
            width=int(th),
        )
        draw.rectangle((x0 - th, deck_y - ch * 0.2, x0 + th, ch), fill=shade(body, 0.85))
        for side in (-1, 1):
            draw.line(
                (x0, deck_y - ch * 0.2, x0 + side * span / 2, deck_y),
                fill=shade(body, 1.2),
                width=max(1, int(th / 3)),
            )
    for x in np.arange(0, cw, ch * 0.03):
        draw.line((x, deck_y - ch * 0.035, x, deck_y), fill=body, width=max(1, int(th / 3)))
    draw.line(
        (0, deck_y - ch * 0.035, cw, deck_y - ch * 0.035), fill=body, width=max(1, int(th / 2))
    )


def _landmark(draw, scene: Scene, cw: int, ch: int, horizon: float) -> None:
    """A lighthouse, house, castle or tower standing on the horizon, off-centre."""
    rng = scene.rng("landmark")
    x = cw * float(_uni(rng, 0.2, 0.35) if rng.random() < 0.5 else _uni(rng, 0.65, 0.8))
    base = horizon + ch * 0.01
    night = scene.time_of_day == "night"
    wall = shade((200, 190, 175), 0.45 if night else 1.0)
    dark = shade(wall, 0.45)
    lit = (255, 220, 130)
    u = ch * 0.1
    match scene.landmark:
        case "lighthouse":
            top, wb, wt = base - 2.6 * u, 0.32 * u, 0.2 * u
            draw.polygon([(x - wb, base), (x - wt, top), (x + wt, top), (x + wb, base)], fill=wall)
            for k in range(1, 4):  # red bands
                y0, y1 = base - (2.6 * u) * (k / 4), base - (2.6 * u) * (k / 4) + 0.25 * u
                f0, f1 = k / 4, (k / 4) - 0.25 * u / (2.6 * u)
                draw.polygon(
                    [
                        (x - wb + (wb - wt) * f0, y0),
                        (x + wb - (wb - wt) * f0, y0),
                        (x + wb - (wb - wt) * f1, y1),
                        (x - wb + (wb - wt) * f1, y1),
                    ],
                    fill=(190, 40, 40),
                )
            draw.rectangle(
                (x - wt * 0.9, top - 0.35 * u, x + wt * 0.9, top),
                fill=lit if night else (240, 235, 200),
                outline=dark,
            )
            draw.polygon(
                [
                    (x - wt * 1.2, top - 0.35 * u),
                    (x, top - 0.6 * u),
                    (x + wt * 1.2, top - 0.35 * u),
                ],
                fill=dark,
            )
            if night or scene.time_of_day == "dusk":
                draw.polygon(
                    [
                        (x, top - 0.18 * u),
                        (x + cw * 0.4, top - 0.5 * u),
                        (x + cw * 0.4, top + 0.2 * u),
                    ],
                    fill=(255, 235, 160, 70),
                )
        case "house":
            hw, hh = 0.9 * u, 0.7 * u
            draw.rectangle((x - hw / 2, base - hh, x + hw / 2, base), fill=wall, outline=dark)
            draw.polygon(
                [(x - hw * 0.6, base - hh), (x, base - hh - 0.55 * u), (x + hw * 0.6, base - hh)],
                fill=shade(scene.accent, 0.6),
            )
            draw.rectangle((x - 0.1 * u, base - 0.4 * u, x + 0.1 * u, base), fill=dark)
            for wx in (x - hw * 0.3, x + hw * 0.3):
                draw.rectangle(
                    (wx - 0.1 * u, base - 0.55 * u, wx + 0.1 * u, base - 0.35 * u),
                    fill=lit if night else (170, 200, 220),
                )
        case "castle":
            cw_, chh = 1.6 * u, 0.9 * u
            draw.rectangle((x - cw_ / 2, base - chh, x + cw_ / 2, base), fill=wall, outline=dark)
            for tx in (x - cw_ / 2, x + cw_ / 2, x):
                th = 1.5 * u if tx == x else 1.2 * u
                draw.rectangle(
                    (tx - 0.2 * u, base - th, tx + 0.2 * u, base),
                    fill=shade(wall, 0.9),
                    outline=dark,
                )
                draw.polygon(
                    [
                        (tx - 0.26 * u, base - th),
                        (tx, base - th - 0.4 * u),
                        (tx + 0.26 * u, base - th),
                    ],
                    fill=shade(scene.accent, 0.7),
                )
            draw.chord(
                (x - 0.22 * u, base - 0.6 * u, x + 0.22 * u, base - 0.16 * u), 180, 360, fill=dark
            )
            draw.rectangle((x - 0.22 * u, base - 0.38 * u, x + 0.22 * u, base), fill=dark)
        case "tower":
            draw.rectangle(
                (x - 0.22 * u, base - 2.0 * u, x + 0.22 * u, base), fill=wall, outline=dark
            )
            draw.polygon(
                [(x - 0.3 * u, base - 2.0 * u), (x, base - 2.8 * u), (x + 0.3 * u, base - 2.0 * u)],
                fill=dark,
            )
            draw.ellipse(
                (x - 0.1 * u, base - 1.7 * u, x + 0.1 * u, base - 1.5 * u),
                fill=lit if night else dark,
            )


def _tree(draw, rng, x: float, base: float, height: float) -> None:
    green = (30 + int(rng.integers(0, 30)), 80 + int(rng.integers(0, 40)), 45)
    trunk = height * 0.06
    draw.rectangle((x - trunk, base - height * 0.4, x + trunk, base), fill=(70, 45, 30))
    for k in range(3):
        y = base - height * (0.3 + k * 0.22)
        wdt = height * (0.32 - k * 0.07)
        draw.polygon(
            [(x - wdt, y), (x, y - height * 0.35), (x + wdt, y)], fill=shade(green, 1 - k * 0.1)
        )


def _room(scene: Scene, canvas: tuple[int, int], floor: float) -> tuple[Image.Image, Image.Image]:
    """Interior: the back wall with a window onto the sky is far; floor and furniture are near."""
    cw, ch = canvas
    rng = scene.rng("room")
    wall = mix((196, 180, 160), scene.secondary or (196, 180, 160), 0.35)
    if scene.time_of_day == "night":
        wall = shade(wall, 0.45)
    far = Image.fromarray(_gradient(canvas, shade(wall, 0.85), wall, 0, floor))
    draw = ImageDraw.Draw(far)
    wx, wy = cw * float(_uni(rng, 0.2, 0.55)), ch * float(_uni(rng, 0.18, 0.28))
    ww, wh = cw * 0.3, ch * 0.22
    top, bottom = SKIES[scene.time_of_day]
    far.paste(
        Image.fromarray(_gradient((int(ww), int(wh)), top, bottom, 0, wh)), (int(wx), int(wy))
    )
    frame_w = max(2, int(ch * 0.008))
    draw.rectangle((wx, wy, wx + ww, wy + wh), outline=shade(wall, 0.6), width=frame_w)
    draw.line((wx + ww / 2, wy, wx + ww / 2, wy + wh), fill=shade(wall, 0.6), width=frame_w)
    near = Image.new("RGBA", canvas, (0, 0, 0, 0))
    nd = ImageDraw.Draw(near, "RGBA")
    wood = (120, 80, 50) if scene.time_of_day != "night" else (60, 40, 28)
    near.paste(
        Image.fromarray(
            _gradient((cw, ch - int(floor)), shade(wood, 1.1), shade(wood, 0.7), 0, ch - floor)
        ).convert("RGBA"),
        (0, int(floor)),
    )
    vx = cw / 2
    for k in range(-8, 9):
        nd.line(
            (vx + k * cw * 0.02, floor, vx + k * cw * 0.2, ch),
            fill=(*shade(wood, 0.7), 200),
            width=max(1, ch // 400),
        )
    tx = cw * float(_uni(rng, 0.55, 0.8))
    table = shade(scene.accent, 0.6)
    nd.rectangle(
        (tx - cw * 0.12, floor - ch * 0.09, tx + cw * 0.12, floor - ch * 0.075), fill=table
    )
    for lx in (tx - cw * 0.1, tx + cw * 0.1):
        nd.rectangle(
            (lx - ch * 0.004, floor - ch * 0.08, lx + ch * 0.004, floor + ch * 0.03), fill=table
        )
    lamp = mix(scene.accent, (255, 230, 160), 0.5)
    nd.polygon(
        [
            (tx - ch * 0.03, floor - ch * 0.13),
            (tx + ch * 0.03, floor - ch * 0.13),
            (tx + ch * 0.018, floor - ch * 0.17),
            (tx - ch * 0.018, floor - ch * 0.17),
        ],
        fill=lamp,
    )
    nd.line((tx, floor - ch * 0.13, tx, floor - ch * 0.09), fill=table, width=max(1, ch // 300))
    return far, near


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
            y = float(_uni(rng, horizon / k - sh * 0.25, sh * 0.95))
            bh = sh * float(_uni(rng, 0.04, 0.12))
            draw.ellipse(
                (
                    float(_uni(rng, -sw, sw * 0.3)),
                    y,
                    float(_uni(rng, sw * 0.7, sw * 2)),
                    y + bh,
                ),
                fill=(*fog, int(_uni(rng, 70, 140))),
            )
        small = small.filter(ImageFilter.GaussianBlur(max(1.0, sh / 40)))
    layer = small.resize(canvas, Image.Resampling.BILINEAR)
    draw = ImageDraw.Draw(layer, "RGBA")
    if "rain" in kinds:
        for _ in range(int(cw * ch / 9000)):
            x, y = float(_uni(rng, 0, cw)), float(_uni(rng, 0, ch))
            ln = ch * float(_uni(rng, 0.015, 0.04))
            draw.line(
                (x, y, x - ln * 0.25, y + ln), fill=(200, 210, 230, 110), width=max(1, ch // 900)
            )
    if "snow" in kinds:
        for _ in range(int(cw * ch / 6000)):
            x, y = float(_uni(rng, 0, cw)), float(_uni(rng, 0, ch))
            r = ch * float(_uni(rng, 0.001, 0.004))
            draw.ellipse((x - r, y - r, x + r, y + r), fill=(255, 255, 255, 200))
    return layer


# --- subject ------------------------------------------------------------------------------
def _subject(scene: Scene, canvas, frame, horizon: float):
    if scene.subject is None:
        return [], ((0.0, 0.0), (0.0, 0.0))
    cw, ch = canvas
    unit = min(frame) * 0.42
    rng = scene.rng("subject")
    colour = (
        scene.accent if scene.colours or scene.subject not in NATURAL else NATURAL[scene.subject]
    )
    outline = shade(colour, 0.35)
    draw_fn = {
        "figure": _figure,
        "animal": _animal,
        "bird": _bird,
        "vehicle": _vehicle,
        "boat": _boat,
    }[scene.subject]
    sprites = [draw_fn(unit, colour, outline, pose) for pose in (0, 1)]
    feet_y = horizon + ch * float(_uni(rng, 0.03, 0.08))
    if scene.subject == "bird":
        feet_y = horizon - ch * float(_uni(rng, 0.12, 0.25))
    if scene.subject == "boat":
        feet_y = horizon + ch * 0.04
    x0 = cw * float(_uni(rng, 0.38, 0.62))
    travel = cw * 0.22 * (1 if rng.random() < 0.5 else -1) if scene.subject_moves else cw * 0.02
    if travel < 0:
        sprites = [ImageOps.mirror(s) for s in sprites]
    return sprites, ((x0 - travel / 2, feet_y), (x0 + travel / 2, feet_y))


def _canvas(unit: float, aspect: float) -> tuple[Image.Image, ImageDraw.ImageDraw, float]:
    w, h = max(4, int(unit * aspect)), max(4, int(unit))
    img = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    return img, ImageDraw.Draw(img), max(1.0, unit / 60)


def _figure(unit: float, colour: RGB, outline: RGB, pose: int) -> Image.Image:
    img, d, lw = _canvas(unit, 0.6)
    w, h = img.size
    cx = w / 2
    stride = (0.18 if pose else -0.18) * w
    limb = max(2, int(unit / 14))
    d.line((cx, h * 0.55, cx + stride, h * 0.98), fill=outline, width=limb)
    d.line((cx, h * 0.55, cx - stride, h * 0.98), fill=outline, width=limb)
    d.line((cx, h * 0.3, cx - stride * 0.9, h * 0.5), fill=outline, width=limb)
    d.line((cx, h * 0.3, cx + stride * 0.9, h * 0.48), fill=outline, width=limb)
    d.rounded_rectangle(
        (cx - w * 0.16, h * 0.2, cx + w * 0.16, h * 0.6),
        radius=w * 0.1,
        fill=colour,
        outline=outline,
        width=int(lw),
    )
    d.ellipse(
        (cx - w * 0.13, h * 0.02, cx + w * 0.13, h * 0.02 + w * 0.26),
        fill=shade(colour, 1.5),
        outline=outline,
        width=int(lw),
    )
    return img


def _animal(unit: float, colour: RGB, outline: RGB, pose: int) -> Image.Image:
    img, d, lw = _canvas(unit * 0.6, 1.6)
    w, h = img.size
    s = (0.06 if pose else -0.06) * w
    for x in (0.3, 0.7):
        d.line((w * x, h * 0.55, w * x + s, h * 0.98), fill=outline, width=max(2, int(h / 10)))
    d.ellipse((w * 0.15, h * 0.3, w * 0.8, h * 0.7), fill=colour, outline=outline, width=int(lw))
    d.ellipse((w * 0.7, h * 0.1, w * 0.98, h * 0.45), fill=colour, outline=outline, width=int(lw))
    d.line((w * 0.17, h * 0.45, w * 0.02, h * 0.25), fill=outline, width=max(2, int(h / 14)))
    return img


def _bird(unit: float, colour: RGB, outline: RGB, pose: int) -> Image.Image:
    img, d, lw = _canvas(unit * 0.35, 2.2)
    w, h = img.size
    tip = h * (0.05 if pose else 0.85)
    d.polygon(
        [(w * 0.05, tip), (w * 0.5, h * 0.55), (w * 0.95, tip), (w * 0.5, h * 0.75)],
        fill=colour,
        outline=outline,
    )
    return img


def _vehicle(unit: float, colour: RGB, outline: RGB, pose: int) -> Image.Image:
    img, d, lw = _canvas(unit * 0.55, 2.0)
    w, h = img.size
    d.rounded_rectangle(
        (w * 0.02, h * 0.35, w * 0.98, h * 0.8),
        radius=h * 0.1,
        fill=colour,
        outline=outline,
        width=int(lw),
    )
    d.polygon(
        [(w * 0.22, h * 0.36), (w * 0.34, h * 0.05), (w * 0.7, h * 0.05), (w * 0.82, h * 0.36)],
        fill=shade(colour, 0.8),
        outline=outline,
    )
    d.rectangle((w * 0.38, h * 0.12, w * 0.66, h * 0.34), fill=(200, 225, 240))
    for x in (0.24, 0.76):
        d.ellipse((w * x - h * 0.2, h * 0.6, w * x + h * 0.2, h), fill=(25, 25, 28))
        if pose:
            d.line(
                (w * x - h * 0.1, h * 0.8, w * x + h * 0.1, h * 0.8),
                fill=(160, 160, 160),
                width=max(1, int(lw)),
            )
    return img


def _boat(unit: float, colour: RGB, outline: RGB, pose: int) -> Image.Image:
    img, d, lw = _canvas(unit * 0.7, 1.4)
    w, h = img.size
    d.polygon(
        [(w * 0.05, h * 0.72), (w * 0.95, h * 0.72), (w * 0.8, h * 0.95), (w * 0.2, h * 0.95)],
        fill=colour,
        outline=outline,
    )
    d.line((w * 0.5, h * 0.05, w * 0.5, h * 0.72), fill=outline, width=max(2, int(lw * 2)))
    d.polygon(
        [(w * 0.52, h * 0.08), (w * (0.9 if pose else 0.86), h * 0.68), (w * 0.52, h * 0.68)],
        fill=(245, 240, 230),
        outline=outline,
    )
    return img
