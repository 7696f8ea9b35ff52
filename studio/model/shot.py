"""A Shot: one card of the storyboard, what the creator asks the engine for."""

from __future__ import annotations

import re
import uuid
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from studio import limits
from studio.limits import PathText
from studio.model.lora import MAX_LORAS, LoraRef


def new_id() -> str:
    return uuid.uuid4().hex[:12]


class Camera(StrEnum):
    STATIC = "static"
    PAN_LEFT = "pan-left"
    PAN_RIGHT = "pan-right"
    TILT_UP = "tilt-up"
    TILT_DOWN = "tilt-down"
    DOLLY_IN = "dolly-in"
    DOLLY_OUT = "dolly-out"
    ORBIT = "orbit"


class TransitionKind(StrEnum):
    CUT = "cut"
    CROSSFADE = "crossfade"
    DIP_TO_BLACK = "dip-to-black"


# any letters, so look-alike spellings (Cyrillic "а" in "@mаya") are kept whole for the guard
CAMEO_MENTION = re.compile(r"(?<![\w@])@(\w[\w.-]{0,38}\w|\w)")


def mentioned_handles(prompt: str) -> list[str]:
    """`@handle` mentions in a prompt, lower-cased, in order, without duplicates."""
    seen: dict[str, None] = {}
    for m in CAMEO_MENTION.finditer(prompt):
        seen.setdefault(m.group(1).lower(), None)
    return list(seen)


class DialogueLine(BaseModel):
    """A spoken line: who says it (a character name or a cameo @handle) and the words."""

    model_config = ConfigDict(extra="forbid")

    speaker: str = Field(min_length=1, max_length=200)
    text: str = Field(min_length=1, max_length=2000)


class Keyframe(BaseModel):
    """A picture the shot should pass through `at` seconds in, held with `strength` (0..1).

    In a Shot the image is bundle-relative; in a GenerationRequest it is the resolved file."""

    model_config = ConfigDict(extra="forbid")

    at: float = Field(ge=0, le=limits.MAX_SHOT_SECONDS, allow_inf_nan=False)
    image: PathText
    strength: float = Field(default=1.0, ge=0, le=1, allow_inf_nan=False)


class Shot(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False)

    id: str = Field(default_factory=new_id)
    name: str | None = None  # the artist's own label, e.g. "1A"
    prompt: str
    duration: float = Field(default=3.0, gt=0, le=limits.MAX_SHOT_SECONDS, allow_inf_nan=False)
    camera: Camera = Camera.STATIC
    style: str | None = None  # preset name; None means the project's default style
    seed: int | None = Field(default=None, ge=0, lt=2**32)
    image: PathText | None = None  # reference / first frame, bundle-relative path
    # how strictly the first frame is held (1.0: exactly; lower lets the model drift from it)
    image_strength: float = Field(default=1.0, ge=0, le=1, allow_inf_nan=False)
    last_image: PathText | None = None  # last frame, bundle-relative path
    keyframes: list[Keyframe] = Field(default_factory=list, max_length=64)  # in-between frames
    dialogue: list[DialogueLine] = Field(default_factory=list, max_length=200)
    transition: TransitionKind = TransitionKind.CUT  # into the next shot
    transition_duration: float = Field(
        default=0.0, ge=0, le=limits.MAX_SHOT_SECONDS, allow_inf_nan=False
    )
    audio: str | None = None  # sound description
    loras: list[LoraRef] = Field(default_factory=list, max_length=MAX_LORAS)  # this shot's own
    current_take: str | None = None
    sound_take: str | None = None

    @property
    def cameos(self) -> list[str]:
        """Cameos the shot uses: @handles in its prompt and speakers of its lines."""
        spoken = " ".join(line.speaker for line in self.dialogue)
        return mentioned_handles(f"{self.prompt} {spoken}" if spoken else self.prompt)

    def effective_style(self, project_style: str | None) -> str | None:
        return self.style or project_style
