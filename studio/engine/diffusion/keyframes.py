"""Keyframes as frame conditions: which frame each image pins, and how strongly.

`image` is the first frame (index 0, `image_strength`), `last_image` the last frame, and each
in-between keyframe lands at round(at·fps) snapped to the frame grid the pipeline's latents
use (the temporal compression), never on the first or last frame. Which families honour what
is in the family table (`Family.keyframes`); `check_keyframes` refuses the rest before any
generation, so the render service can call it at submit and the CLI exits 2.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from studio.engine.request import GenerationRequest
from studio.errors import InputError, Location

if TYPE_CHECKING:
    from PIL import Image
from studio.models.families import Family


@dataclass(frozen=True)
class FrameCondition:
    """One image pinned at a frame index of the generated clip."""

    image: str  # absolute path
    index: int
    strength: float
    what: str  # "image", "last_image" or "keyframe N"


def check_keyframes(request: GenerationRequest, family: Family) -> None:
    """Raise InputError (exit 2) for a keyframe `family` cannot honour, naming both."""
    shot = f"shot {request.shot_id}" if request.shot_id else "the shot"
    where = Location(field="keyframe", label=shot)
    if request.keyframes and family.keyframes != "any":
        first = request.keyframes[0]
        raise InputError(
            f"keyframe 1 (at {first.at:g} s, {first.image}) cannot be honoured by "
            f"{family.title} models: they take only a first"
            + (" and a last frame" if family.keyframes == "first-last" else " frame")
            + "; use an LTX-2 or LTX-Video model, or remove the in-between keyframes",
            where,
        )
    if request.last_image and family.keyframes == "first":
        raise InputError(
            f"last_image ({request.last_image}) cannot be honoured by {family.title} models: "
            "they take only a first frame",
            Location(field="last_image", label=shot),
        )
    for n, key in enumerate(request.keyframes, 1):
        if key.at > request.duration:
            raise InputError(
                f"keyframe {n} at {key.at:g} s is after the end of the shot "
                f"({request.duration:g} s)",
                where,
            )


def snap(index: int, frames: int, grid: int) -> int:
    """`index` on the latent frame grid (1 + k·grid), strictly inside the clip."""
    if frames <= 2:
        return max(0, min(index, frames - 1))
    k = round((index - 1) / grid) if grid > 1 else index
    snapped = 1 + k * grid if grid > 1 else k
    last_inner = frames - 1 - (grid if grid > 1 else 1)
    return max(1, min(snapped, max(1, last_inner)))


def frame_conditions(
    request: GenerationRequest, frames: int, fps: float, grid: int = 1
) -> list[FrameCondition]:
    """The request's images as conditions on a clip of `frames` frames at `fps`."""
    out: list[FrameCondition] = []
    if request.image:
        out.append(FrameCondition(request.image, 0, request.image_strength, "image"))
    for n, key in enumerate(request.keyframes, 1):
        index = snap(round(key.at * fps), frames, grid)
        out.append(FrameCondition(key.image, index, key.strength, f"keyframe {n}"))
    if request.last_image:
        out.append(FrameCondition(request.last_image, frames - 1, 1.0, "last_image"))
    return out


def open_image(cond: FrameCondition) -> Image.Image:
    """The condition's image as RGB; an unreadable file is an InputError naming it."""
    from PIL import Image

    try:
        with Image.open(cond.image) as img:
            return img.convert("RGB")
    except (OSError, ValueError) as exc:
        raise InputError(
            f"{cond.what}: cannot read the image {cond.image} ({exc.__class__.__name__})",
            Location(file=cond.image, field=cond.what.split()[0]),
        ) from None
