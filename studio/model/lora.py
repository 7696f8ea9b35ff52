"""A LoRA a shot, preset or the whole storyboard asks for: a small add-on to a model's weights."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from studio.limits import PathText

MAX_LORAS = 16


class LoraRef(BaseModel):
    """A LoRA file (bundle-relative, or a name in the user's LoRA folder) and its weight."""

    model_config = ConfigDict(extra="forbid")

    file: PathText
    weight: float = Field(default=1.0, ge=-4, le=4, allow_inf_nan=False)


class LoraUse(BaseModel):
    """What a take records of a LoRA it was made with (and C2PA lists)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(max_length=255)  # the file's name
    sha256: str = Field(default="", max_length=64)
    weight: float = Field(default=1.0, ge=-4, le=4, allow_inf_nan=False)
    family: str = Field(default="", max_length=64)  # the model family it was made for
