"""The cast members a shot names, as the engine needs them (CastReference).

A fictional member carries its description and its pictures resolved to absolute paths inside
the bundle; a cameo carries only its handle (and description): her pictures are read from her
consented profile by the consent check right before generation, never from the project.
"""

from __future__ import annotations

from studio.bundle import Bundle
from studio.engine.request import CastReference
from studio.model import cast_in_prompt


def cast_references(bundle: Bundle, *prompts: str | None) -> list[CastReference]:
    """The members any of `prompts` names, in cast order."""
    members = []
    for prompt in prompts:
        for member in cast_in_prompt(prompt or "", bundle.project.cast):
            if member not in members:
                members.append(member)
    return [
        CastReference(
            key=m.key,
            description=m.description,
            images=[] if m.is_cameo else [str(bundle.resolve(i)) for i in m.images],
            cameo=m.cameo,
        )
        for m in members
    ]


def cast_cameos(cast: list[CastReference]) -> list[str]:
    """The handles of the cameos among `cast` (they count as the shot's cameos for consent)."""
    return [ref.cameo for ref in cast if ref.cameo]
