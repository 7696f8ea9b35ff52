"""The cast members a shot names, as the engine needs them (`GenerationRequest.cast`).

A fictional member's pictures are resolved to files in the bundle; a cameo carries only its
handle: the engine reads her pictures from the consented profile right before generating.
"""

from __future__ import annotations

from studio.bundle import Bundle
from studio.engine.request import CastReference
from studio.model import Project, Shot
from studio.model.cast import cast_in_prompt


def cast_references(shot: Shot, project: Project, bundle: Bundle) -> list[CastReference]:
    """A reference for each member the shot's prompt names, in cast order."""
    return [
        CastReference(
            key=member.key,
            description=member.description,
            images=[] if member.is_cameo else [str(bundle.resolve(p)) for p in member.images],
            cameo=member.cameo,
        )
        for member in cast_in_prompt(shot.prompt, project.cast)
    ]
