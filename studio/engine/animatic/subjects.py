"""The shot's subject as a small sprite with two poses (so legs move): a figure, an animal,
a bird, a vehicle or a boat, coloured by the prompt's first colour word."""

from __future__ import annotations

from PIL import Image, ImageDraw, ImageOps

from studio.engine.animatic.brush import uni
from studio.engine.animatic.scene import RGB, Scene, shade

NATURAL: dict[str, RGB] = {"animal": (196, 112, 48), "bird": (60, 60, 70), "boat": (200, 60, 50)}


def paint_subject(scene: Scene, canvas, frame, horizon: float):
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
    feet_y = horizon + ch * float(uni(rng, 0.03, 0.08))
    if scene.subject == "bird":
        feet_y = horizon - ch * float(uni(rng, 0.12, 0.25))
    if scene.subject == "boat":
        feet_y = horizon + ch * 0.04
    x0 = cw * float(uni(rng, 0.38, 0.62))
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
