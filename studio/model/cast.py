"""The Cast: characters and consented cameos that act across shots.

A cast member is either fictional (a name, a description and reference pictures kept in the
bundle) or a real person (`cameo = "@maya"`): a real person's pictures are never stored in the
project — they are read from her consented cameo profile at generation time, so a revoked
consent can not be worked around by keeping a copy. A shot names members in its prompt
("Oro waves at @maya"); each named member conditions that shot.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, model_validator

from studio.limits import PathText
from studio.model.shot import CAMEO_MENTION, new_id

MAX_CAST = 64
MAX_CAST_IMAGES = 8


class CastMember(BaseModel):
    """One character of the film: fictional (pictures in the bundle) or a cameo (@handle)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(default_factory=new_id)
    name: str = Field(default="", max_length=80)  # how prompts name a fictional character
    description: str = Field(default="", max_length=2000)  # added to the prompt of its shots
    images: list[PathText] = Field(default_factory=list, max_length=MAX_CAST_IMAGES)
    cameo: str | None = Field(default=None, max_length=40)  # handle, lower-case, without "@"

    @model_validator(mode="after")
    def _one_kind(self) -> CastMember:
        if self.cameo is not None:
            self.cameo = self.cameo.removeprefix("@").lower()
            if not CAMEO_MENTION.fullmatch(f"@{self.cameo}"):
                raise ValueError(f"cameo must be an @handle, not {self.cameo!r}")
            if self.images:
                raise ValueError(
                    "a cameo's pictures come only from the person's consented profile; "
                    "remove `images`"
                )
        elif not self.name.strip():
            raise ValueError("a cast member needs a name (or a cameo @handle)")
        return self

    @property
    def is_cameo(self) -> bool:
        return self.cameo is not None

    @property
    def key(self) -> str:
        """How a prompt names this member: `@maya` for a cameo, the name otherwise."""
        return f"@{self.cameo}" if self.cameo else self.name.strip()


def cast_in_prompt(prompt: str, cast: list[CastMember]) -> list[CastMember]:
    """Members a prompt names, in cast order: `@handle` for cameos, whole-word names otherwise.

    Names match regardless of case ("oro" names Oro); a name is a whole word, so "Orora" does
    not. Linear in the prompt's length for each member.
    """
    handles = {m.group(1).lower() for m in CAMEO_MENTION.finditer(prompt)}
    found: list[CastMember] = []
    for member in cast:
        if member.cameo is not None:
            if member.cameo in handles:
                found.append(member)
        elif _name_pattern(member.name).search(prompt):
            found.append(member)
    return found


def _name_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w@]){re.escape(name.strip())}(?!\w)", re.IGNORECASE)
