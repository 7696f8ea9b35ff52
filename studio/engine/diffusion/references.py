"""The cast members a shot names, turned into what a model family can take.

A family with reference support (Wan VACE: `reference_images`) gets every named member's
pictures as the subject to keep, not as a frame. Other families get a warning; a fictional
character's first picture may open the shot as its first frame, a real person's never does.

Where pictures come from: a fictional member's from the request (files in the bundle); a
cameo's ONLY from `request.cameo_images`, which the consent check that ran right before
generation (on the engine thread, in the worker process, or on the farm worker after its
signature checks) filled from the consented profile. A cameo reference's own `images` field is
ignored, so a request file cannot slip a real person's picture in. No torch here.
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from studio.engine.request import CastReference, GenerationRequest
from studio.errors import EngineFailure
from studio.models.families import Family

MAX_REFERENCE_SIDE = 1024  # pictures are shrunk to this before the VAE sees them


@dataclass(frozen=True)
class Picture:
    """One reference picture: its file, and whether a real person is in it."""

    path: str
    cameo: bool


@dataclass
class CastPictures:
    """The cast of one request: the keys that condition it and their pictures, in order."""

    keys: list[str] = field(default_factory=list)
    pictures: list[Picture] = field(default_factory=list)

    @property
    def fictional(self) -> list[Picture]:
        return [p for p in self.pictures if not p.cameo]

    @property
    def first_frame(self) -> str | None:
        """The picture a family without references may open the shot with: a fictional
        character's first one. Never a cameo's (a real person is not a plain first frame)."""
        return self.fictional[0].path if self.fictional else None


def gather(request: GenerationRequest) -> CastPictures:
    """Keys and pictures of the members the request names, most telling first: each
    character's first picture, then the cameos' (first of each, then the rest, as the consent
    check lists them), then the characters' other pictures — so a model that takes fewer
    pictures than given keeps one of everyone."""
    out = CastPictures(keys=[ref.key for ref in request.cast])
    fictional = [ref.images for ref in request.cast if ref.cameo is None and ref.images]
    out.pictures += [Picture(images[0], False) for images in fictional]
    # filled by the consent check from the consented profiles: the only cameo pictures used
    out.pictures += [Picture(p, True) for p in request.cameo_images]
    out.pictures += [Picture(p, False) for images in fictional for p in images[1:]]
    out.keys += [f"@{h}" for h in request.cameos if f"@{h}" not in out.keys]
    return out


def condition(
    family: Family, request: GenerationRequest, warn: Callable[[str], None]
) -> tuple[GenerationRequest, CastPictures, list[str]]:
    """How the family takes the request's cast: (the request to run, the cast, the pictures
    it conditions on). Without reference support: a warning, and a character's first picture
    as the first frame when the shot has none; never a real person's."""
    cast = gather(request)
    if not cast.pictures:
        return request, cast, []
    if family.references:
        return request, cast, [p.path for p in cast.pictures]
    first = request.image is None and cast.first_frame is not None
    warn(no_reference_warning(family.title, cast, first))
    if not first:
        return request, cast, []
    return request.model_copy(update={"image": cast.first_frame}), cast, [cast.first_frame]


def fit_to(pictures: list[str], room: int, warn: Callable[[str], None]) -> None:
    """Keep (in place) the first `room` pictures — the list is ordered one of each member
    first — and say so when some are left out."""
    if len(pictures) > room:
        warn(
            f"{len(pictures)} reference pictures given, {room} fit a shot this short; "
            f"the first {room} are used (one of each cast member first)"
        )
        del pictures[room:]


def with_descriptions(prompt: str, cast: list[CastReference]) -> str:
    """The prompt followed by each named member's description ("Oro: a small orange robot")."""
    parts = [f"{ref.key}: {ref.description.strip()}" for ref in cast if ref.description.strip()]
    if not parts:
        return prompt
    return prompt.rstrip().rstrip(".") + ". " + ". ".join(parts)


def sha256_of(path: str) -> str:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        raise EngineFailure(f"cannot read the reference picture {path}: {exc}") from None
    return digest.hexdigest()


def open_picture(path: str):
    """A reference picture as an RGB PIL image, at most MAX_REFERENCE_SIDE a side; a file that
    does not open as a picture is an EngineFailure naming it."""
    from PIL import Image, ImageOps

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                picture = ImageOps.exif_transpose(img).convert("RGB")
    except Exception as exc:  # Pillow raises many kinds on hostile files
        raise EngineFailure(
            f"cannot read the reference picture {Path(path).name}: {exc.__class__.__name__}"
        ) from None
    picture.thumbnail((MAX_REFERENCE_SIDE, MAX_REFERENCE_SIDE))
    return picture


def no_reference_warning(family_title: str, cast: CastPictures, first_frame: bool) -> str:
    """What to tell the creator when the family cannot take reference pictures."""
    names = ", ".join(cast.keys) or "the cameo"
    text = (
        f"{family_title} cannot take reference pictures, so {names} will not look like "
        "their pictures (use a Wan VACE model for a cast that stays the same across shots)"
    )
    if first_frame:
        text += f"; {Path(cast.first_frame or '').name} opens the shot as its first frame"
    if any(p.cameo for p in cast.pictures):
        text += "; a real person's pictures are never used as a first frame"
    return text
