"""Cast members as the animatic draws them: one look per member, the same in every shot.

A member's look (silhouette, build, head, colours) is a pure function of the member — its key,
its description's words and its pictures' dominant colours — never of the shot's seed or
prompt, so "Oro" is the same small orange robot on the bridge and in the kitchen. A cameo is
drawn as a figure whose look follows from the @handle (no profile picture is read), labelled
with the handle. Where the member stands in the frame is the shot's business (its layout).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

from studio.engine.animatic.scene import COLOURS, RGB, SUBJECTS, _hue_from_key, mix, shade

KINDS = ("figure", "robot", "animal", "bird", "vehicle", "boat")
ROBOT_WORDS = frozenset({"robot", "android", "droid", "machine", "automaton", "cyborg", "mech"})
HEADS = ("round", "square", "tall")
SWATCH = 48  # pictures are reduced to this many pixels a side before counting colours
_WORD = re.compile(r"[a-z]+")


@dataclass(frozen=True)
class CastLook:
    """How one member is drawn in every shot."""

    key: str  # "Oro" or "@maya": also the label under the figure
    kind: str  # one of KINDS
    body: RGB
    accent: RGB  # eye, face, wheels…
    trim: RGB  # hair, hat, sail, antenna
    build: float  # width factor (0.8–1.25)
    height: float  # height factor (0.85–1.15)
    head: str  # one of HEADS


def cast_look(
    key: str, description: str = "", pictures: list[Image.Image] | None = None
) -> CastLook:
    """The look of a member: description colour words first, then the pictures' dominant
    colours, then colours from the key's hash; shape from the description and the key."""
    words = _WORD.findall(description.lower())
    kind = _kind(set(words))
    rng = np.random.default_rng(_digest(f"look|{key.strip().lower()}"))
    colours = [COLOURS[w] for w in words if w in COLOURS]
    for picture in pictures or []:
        colours += [c for c in dominant_colours(picture) if c not in colours]
    base = _hue_from_key(int(rng.integers(0, 2**31)))
    body = colours[0] if colours else base
    accent = colours[1] if len(colours) > 1 else _complement(body)
    trim = colours[2] if len(colours) > 2 else shade(body, 0.55)
    small = "small" in words or "little" in words or "tiny" in words
    tall = "tall" in words or "giant" in words or "big" in words
    height = float(rng.uniform(0.9, 1.1)) * (0.85 if small else 1.15 if tall else 1.0)
    return CastLook(
        key=key.strip(),
        kind=kind,
        body=body,
        accent=accent,
        trim=trim,
        build=float(rng.uniform(0.8, 1.25)),
        height=min(1.15, max(0.7, height)),
        head=HEADS[int(rng.integers(0, len(HEADS)))],
    )


def dominant_colours(picture: Image.Image, count: int = 3) -> list[RGB]:
    """The most common colours of a picture (median-cut on a small copy), most common first;
    near-white and near-black backgrounds are left out when there is anything else."""
    small = picture.convert("RGB").resize((SWATCH, SWATCH), Image.Resampling.BOX)
    quant = small.quantize(colors=6, method=Image.Quantize.MEDIANCUT)
    palette = quant.getpalette() or []
    counts = sorted(quant.getcolors() or [], reverse=True)
    found = [tuple(palette[3 * i : 3 * i + 3]) for _n, i in counts]
    vivid = [c for c in found if 30 < sum(c) / 3 < 235 or max(c) - min(c) > 40]
    return [(int(r), int(g), int(b)) for r, g, b in (vivid or found)[:count]]


def _kind(words: set[str]) -> str:
    if words & ROBOT_WORDS:
        return "robot"
    for kind in ("animal", "bird", "vehicle", "boat"):
        if words & set(SUBJECTS[kind]):
            return kind
    return "figure"


def _complement(c: RGB) -> RGB:
    return mix((255 - c[0], 255 - c[1], 255 - c[2]), (250, 250, 245), 0.25)


def _digest(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")


# --- drawing ------------------------------------------------------------------------------


def cast_sprites(look: CastLook, unit: float, mirrored: bool = False) -> list[Image.Image]:
    """Two RGBA poses of the member (feet at the bottom edge), its label above the head;
    `mirrored` turns the body (not the label) to walk left."""
    bodies = [_body(look, unit, pose) for pose in (0, 1)]
    if mirrored:
        bodies = [b.transpose(Image.Transpose.FLIP_LEFT_RIGHT) for b in bodies]
    return [_labelled(b, look, unit) for b in bodies]


def _body(look: CastLook, unit: float, pose: int) -> Image.Image:
    h = max(8, int(unit * look.height))
    w = max(6, int(h * 0.6 * look.build))
    if look.kind in ("animal", "vehicle", "boat"):
        w, h = int(h * 1.4 * look.build), int(h * 0.65)
    elif look.kind == "bird":
        w, h = int(h * 0.9), int(h * 0.4)
    img = Image.new("RGBA", (max(6, w), max(6, h)), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    outline = shade(look.body, 0.35)
    lw = max(1, int(unit / 60))
    {
        "figure": _figure,
        "robot": _robot,
        "animal": _animal,
        "bird": _bird,
        "vehicle": _vehicle,
        "boat": _boat,
    }[look.kind](draw, img.size, look, outline, lw, pose)
    return img


def _head(draw, box, look: CastLook, fill: RGB, outline: RGB, lw: int) -> None:
    if look.head == "square":
        draw.rounded_rectangle(box, radius=(box[2] - box[0]) * 0.15, fill=fill, outline=outline)
    elif look.head == "tall":
        x0, y0, x1, y1 = box
        draw.ellipse(
            (x0 + (x1 - x0) * 0.1, y0 - (y1 - y0) * 0.15, x1 - (x1 - x0) * 0.1, y1),
            fill=fill,
            outline=outline,
            width=lw,
        )
    else:
        draw.ellipse(box, fill=fill, outline=outline, width=lw)


def _figure(draw, size, look: CastLook, outline: RGB, lw: int, pose: int) -> None:
    w, h = size
    cx, stride, limb = w / 2, (0.16 if pose else -0.16) * w, max(2, int(w / 8))
    draw.line((cx, h * 0.55, cx + stride, h * 0.98), fill=shade(look.trim, 0.8), width=limb)
    draw.line((cx, h * 0.55, cx - stride, h * 0.98), fill=shade(look.trim, 0.8), width=limb)
    draw.line((cx, h * 0.3, cx - stride, h * 0.5), fill=outline, width=limb)
    draw.line((cx, h * 0.3, cx + stride, h * 0.48), fill=outline, width=limb)
    draw.rounded_rectangle(
        (w * 0.2, h * 0.22, w * 0.8, h * 0.62), radius=w * 0.15, fill=look.body, outline=outline
    )
    head = (w * 0.3, h * 0.02, w * 0.7, h * 0.02 + w * 0.4)
    _head(draw, head, look, shade(look.accent, 1.2), outline, lw)
    draw.chord(
        (head[0], head[1], head[2], head[3]), 180, 360, fill=look.trim, outline=outline
    )  # hair / hat


def _robot(draw, size, look: CastLook, outline: RGB, lw: int, pose: int) -> None:
    w, h = size
    step = (0.06 if pose else -0.06) * h
    for x in (0.33, 0.67):
        draw.rectangle(
            (w * x - w * 0.08, h * 0.66 + step * (1 if x < 0.5 else -1), w * x + w * 0.08, h),
            fill=shade(look.body, 0.7),
            outline=outline,
        )
    draw.rounded_rectangle(
        (w * 0.12, h * 0.34, w * 0.88, h * 0.72), radius=w * 0.08, fill=look.body, outline=outline
    )
    head = (w * 0.2, h * 0.08, w * 0.8, h * 0.34)
    draw.rounded_rectangle(head, radius=w * 0.1, fill=shade(look.body, 1.2), outline=outline)
    r = (head[3] - head[1]) * 0.32
    cx, cy = w / 2, (head[1] + head[3]) / 2
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=look.accent, outline=outline, width=lw)
    draw.line((cx, head[1], cx, h * 0.01), fill=look.trim, width=max(1, lw * 2))
    draw.ellipse((cx - r * 0.4, 0, cx + r * 0.4, r * 0.8), fill=look.trim)


def _animal(draw, size, look: CastLook, outline: RGB, lw: int, pose: int) -> None:
    w, h = size
    s = (0.06 if pose else -0.06) * w
    for x in (0.3, 0.7):
        draw.line((w * x, h * 0.55, w * x + s, h), fill=outline, width=max(2, int(h / 10)))
    draw.ellipse((w * 0.15, h * 0.3, w * 0.8, h * 0.72), fill=look.body, outline=outline)
    draw.ellipse((w * 0.68, h * 0.05, w * 0.98, h * 0.45), fill=look.body, outline=outline)
    draw.ellipse((w * 0.84, h * 0.16, w * 0.9, h * 0.24), fill=look.accent)
    draw.line((w * 0.17, h * 0.45, w * 0.02, h * 0.2), fill=look.trim, width=max(2, int(h / 12)))


def _bird(draw, size, look: CastLook, outline: RGB, lw: int, pose: int) -> None:
    w, h = size
    tip = h * (0.05 if pose else 0.85)
    draw.polygon(
        [(w * 0.05, tip), (w * 0.5, h * 0.55), (w * 0.95, tip), (w * 0.5, h * 0.8)],
        fill=look.body,
        outline=outline,
    )
    draw.ellipse((w * 0.42, h * 0.45, w * 0.58, h * 0.75), fill=look.accent)


def _vehicle(draw, size, look: CastLook, outline: RGB, lw: int, pose: int) -> None:
    w, h = size
    draw.rounded_rectangle(
        (w * 0.02, h * 0.35, w * 0.98, h * 0.8), radius=h * 0.1, fill=look.body, outline=outline
    )
    draw.polygon(
        [(w * 0.22, h * 0.36), (w * 0.34, h * 0.05), (w * 0.7, h * 0.05), (w * 0.82, h * 0.36)],
        fill=look.trim,
        outline=outline,
    )
    for x in (0.24, 0.76):
        draw.ellipse((w * x - h * 0.2, h * 0.6, w * x + h * 0.2, h), fill=look.accent)
        if pose:
            draw.line((w * x - h * 0.1, h * 0.8, w * x + h * 0.1, h * 0.8), fill=outline)


def _boat(draw, size, look: CastLook, outline: RGB, lw: int, pose: int) -> None:
    w, h = size
    draw.polygon(
        [(w * 0.05, h * 0.72), (w * 0.95, h * 0.72), (w * 0.8, h), (w * 0.2, h)],
        fill=look.body,
        outline=outline,
    )
    draw.line((w * 0.5, h * 0.05, w * 0.5, h * 0.72), fill=outline, width=max(2, lw * 2))
    draw.polygon(
        [(w * 0.52, h * 0.08), (w * (0.9 if pose else 0.86), h * 0.68), (w * 0.52, h * 0.68)],
        fill=look.trim,
        outline=outline,
    )


def _labelled(body: Image.Image, look: CastLook, unit: float) -> Image.Image:
    """The body with the member's name (or @handle) in a small tag above it."""
    from studio.engine.animatic.overlay import _font

    font = _font(max(7.0, unit * 0.11))
    text = look.key
    tw = int(font.getlength(text)) + 6
    th = int(max(7.0, unit * 0.11) * 1.3) + 2
    w = max(body.width, tw)
    out = Image.new("RGBA", (w, body.height + th + 2), (0, 0, 0, 0))
    out.paste(body, ((w - body.width) // 2, th + 2), body)
    draw = ImageDraw.Draw(out)
    x0 = (w - tw) // 2
    draw.rounded_rectangle((x0, 0, x0 + tw, th), radius=th // 3, fill=(*shade(look.body, 0.4), 220))
    draw.text((w / 2, th / 2), text, font=font, fill=(250, 250, 245, 255), anchor="mm")
    return out


# --- placing ------------------------------------------------------------------------------


@dataclass
class Actor:
    """A member in one shot: its two poses and where its feet go (canvas x, y at t=0, t=1)."""

    sprites: list[Image.Image]
    path: tuple[tuple[float, float], tuple[float, float]]


def cast_actors(
    looks: list[CastLook], scene, canvas: tuple[int, int], frame: tuple[int, int], horizon: float
) -> list[Actor]:
    """The shot's members side by side on its ground; the shot's layout decides where
    (positions follow the seed, the looks never do)."""
    if not looks:
        return []
    cw, ch = canvas
    unit = min(frame) * (0.42 if len(looks) == 1 else 0.36)
    rng = scene.rng("cast")
    gap = min(0.28, 0.7 / len(looks))
    centre = float(rng.uniform(0.42, 0.58))
    direction = 1 if rng.random() < 0.5 else -1
    travel = cw * 0.18 * direction if scene.subject_moves else cw * 0.015
    actors = []
    for i, look in enumerate(looks):
        sprites = cast_sprites(look, unit, mirrored=travel < 0)
        x = cw * (centre + (i - (len(looks) - 1) / 2) * gap * frame[0] / cw)
        y = horizon + ch * (0.05 + 0.02 * (i % 2))
        if look.kind == "bird":
            y = horizon - ch * 0.18
        actors.append(Actor(sprites, ((x - travel / 2, y), (x + travel / 2, y))))
    return actors
