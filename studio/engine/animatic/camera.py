"""Camera moves as poses over a larger canvas, and the cheapest way to sample each pose.

A pose is where the frame's centre sits on the canvas (in frame widths / heights), a zoom and a
roll angle. Layers further away move less (parallax factor p < 1). Pure translations are plain
crops, zooms a box resize, only the orbit needs a full affine resample.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PIL import Image

from studio.model import Camera

PAN = 0.13  # how far a pan travels each side of centre, in frame widths/heights
DOLLY = 0.28  # zoom gained by a dolly
ORBIT_DEG = 4.0
CANVAS_MARGIN = 1.34  # canvas size / frame size, enough for every move at parallax ≤ 1.1


@dataclass(frozen=True)
class Pose:
    dx: float = 0.0
    dy: float = 0.0
    zoom: float = 1.0
    angle: float = 0.0  # degrees

    def parallax(self, p: float) -> Pose:
        """The same move seen on a layer p times as near (p < 1: further away, moves less)."""
        return Pose(self.dx * p, self.dy * p, 1.0 + (self.zoom - 1.0) * p, self.angle * p)

    def then(self, other: Pose) -> Pose:
        """Compose translations/zoom/roll additively (the moves here are small)."""
        return Pose(
            self.dx + other.dx, self.dy + other.dy, self.zoom * other.zoom, self.angle + other.angle
        )


def ease(u: float) -> float:
    """Half linear, half smoothstep: a camera operator's gentle start and stop."""
    u = min(1.0, max(0.0, u))
    return 0.5 * u + 0.5 * u * u * (3 - 2 * u)


def camera_pose(camera: Camera | str, u: float, eased: bool = True) -> Pose:
    """The pose at normalised shot time u in [0, 1] (values outside extrapolate linearly)."""
    camera = Camera(camera)
    e = ease(u) if eased and 0.0 <= u <= 1.0 else u
    s = 2 * e - 1  # -1 → +1 across the shot
    match camera:
        case Camera.PAN_LEFT:
            return Pose(dx=-PAN * s)
        case Camera.PAN_RIGHT:
            return Pose(dx=PAN * s)
        case Camera.TILT_UP:
            return Pose(dy=-PAN * s)
        case Camera.TILT_DOWN:
            return Pose(dy=PAN * s)
        case Camera.DOLLY_IN:
            return Pose(zoom=1.0 + DOLLY * e)
        case Camera.DOLLY_OUT:
            return Pose(zoom=1.0 + DOLLY * (1 - e))
        case Camera.ORBIT:
            return Pose(dx=-PAN * 0.7 * s, zoom=1.12, angle=ORBIT_DEG * s)
    return Pose()


def camera_velocity(camera: Camera | str, frames: int, speed: float = 1.0) -> Pose:
    """The move per frame for a shot of `frames` frames (un-eased, times `speed`), for
    carrying a move on past the end of a take."""
    n = max(1, frames - 1)
    a, b = camera_pose(camera, 0.0, eased=False), camera_pose(camera, speed / n, eased=False)
    return Pose(b.dx - a.dx, b.dy - a.dy, b.zoom / a.zoom, b.angle - a.angle)


def sample(layer: Image.Image, pose: Pose, frame: tuple[int, int]) -> Image.Image:
    """The frame-sized view of `layer` (centred) at `pose`."""
    w, h = frame
    cw, ch = layer.size
    cx = cw / 2 + pose.dx * w
    cy = ch / 2 + pose.dy * h
    if abs(pose.angle) < 1e-6:
        if abs(pose.zoom - 1.0) < 1e-6:
            left, top = round(cx - w / 2), round(cy - h / 2)
            return layer.crop((left, top, left + w, top + h))
        vw, vh = w / pose.zoom, h / pose.zoom
        box = (cx - vw / 2, cy - vh / 2, cx + vw / 2, cy + vh / 2)
        return layer.resize((w, h), Image.Resampling.BILINEAR, box=box)
    a = math.radians(pose.angle)
    cos, sin = math.cos(a) / pose.zoom, math.sin(a) / pose.zoom
    coeffs = (cos, -sin, cx - cos * w / 2 + sin * h / 2, sin, cos, cy - sin * w / 2 - cos * h / 2)
    return layer.transform((w, h), Image.Transform.AFFINE, coeffs, Image.Resampling.BILINEAR)


def to_frame(
    point: tuple[float, float], pose: Pose, canvas: tuple[int, int], frame: tuple[int, int]
) -> tuple[float, float]:
    """Where a canvas point lands in the frame at `pose` (inverse of `sample`'s mapping)."""
    w, h = frame
    x = point[0] - (canvas[0] / 2 + pose.dx * w)
    y = point[1] - (canvas[1] / 2 + pose.dy * h)
    a = math.radians(pose.angle)
    cos, sin = math.cos(a), math.sin(a)
    fx, fy = cos * x + sin * y, -sin * x + cos * y
    return w / 2 + fx * pose.zoom, h / 2 + fy * pose.zoom


def canvas_size(frame: tuple[int, int], camera: Camera | str) -> tuple[int, int]:
    if Camera(camera) == Camera.STATIC:
        k = 1.08  # room for atmosphere drift only
    else:
        k = CANVAS_MARGIN
    return int(math.ceil(frame[0] * k / 2)) * 2, int(math.ceil(frame[1] * k / 2)) * 2
