"""Set pieces on the near layer: a bridge, a landmark, trees, an interior."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from studio.engine.animatic.brush import SKIES, gradient, uni
from studio.engine.animatic.scene import Scene, mix, shade


def paint_bridge(draw, rng, scene: Scene, cw: int, ch: int, horizon: float) -> None:
    deck_y = horizon + ch * float(uni(rng, 0.05, 0.1))
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


def paint_landmark(draw, scene: Scene, cw: int, ch: int, horizon: float) -> None:
    """A lighthouse, house, castle or tower standing on the horizon, off-centre."""
    rng = scene.rng("landmark")
    x = cw * float(uni(rng, 0.2, 0.35) if rng.random() < 0.5 else uni(rng, 0.65, 0.8))
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


def paint_tree(draw, rng, x: float, base: float, height: float) -> None:
    green = (30 + int(rng.integers(0, 30)), 80 + int(rng.integers(0, 40)), 45)
    trunk = height * 0.06
    draw.rectangle((x - trunk, base - height * 0.4, x + trunk, base), fill=(70, 45, 30))
    for k in range(3):
        y = base - height * (0.3 + k * 0.22)
        wdt = height * (0.32 - k * 0.07)
        draw.polygon(
            [(x - wdt, y), (x, y - height * 0.35), (x + wdt, y)], fill=shade(green, 1 - k * 0.1)
        )


def paint_room(
    scene: Scene, canvas: tuple[int, int], floor: float
) -> tuple[Image.Image, Image.Image]:
    """Interior: the back wall with a window onto the sky is far; floor and furniture are near."""
    cw, ch = canvas
    rng = scene.rng("room")
    wall = mix((196, 180, 160), scene.secondary or (196, 180, 160), 0.35)
    if scene.time_of_day == "night":
        wall = shade(wall, 0.45)
    far = Image.fromarray(gradient(canvas, shade(wall, 0.85), wall, 0, floor))
    draw = ImageDraw.Draw(far)
    wx, wy = cw * float(uni(rng, 0.2, 0.55)), ch * float(uni(rng, 0.18, 0.28))
    ww, wh = cw * 0.3, ch * 0.22
    top, bottom = SKIES[scene.time_of_day]
    far.paste(Image.fromarray(gradient((int(ww), int(wh)), top, bottom, 0, wh)), (int(wx), int(wy)))
    frame_w = max(2, int(ch * 0.008))
    draw.rectangle((wx, wy, wx + ww, wy + wh), outline=shade(wall, 0.6), width=frame_w)
    draw.line((wx + ww / 2, wy, wx + ww / 2, wy + wh), fill=shade(wall, 0.6), width=frame_w)
    near = Image.new("RGBA", canvas, (0, 0, 0, 0))
    nd = ImageDraw.Draw(near, "RGBA")
    wood = (120, 80, 50) if scene.time_of_day != "night" else (60, 40, 28)
    near.paste(
        Image.fromarray(
            gradient((cw, ch - int(floor)), shade(wood, 1.1), shade(wood, 0.7), 0, ch - floor)
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
    tx = cw * float(uni(rng, 0.55, 0.8))
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
