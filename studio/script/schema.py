"""The storyboard script format (TOML) as a schema: what keys exist and what they may hold."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from studio import limits
from studio.limits import PathText
from studio.model import SUPPORTED_FPS, Camera, FitMode, OutputFormat, TransitionKind
from studio.model.cast import MAX_CAST, MAX_CAST_IMAGES
from studio.model.lora import MAX_LORAS


def _number(value: object) -> object:
    """TOML numbers only: no strings or booleans passed off as numbers."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"must be a number, not {_toml_type(value)}")
    if isinstance(value, int) and abs(value) > 10**15:
        raise ValueError("the number is out of range")
    problem = limits.finite_problem(value)
    if problem:
        raise ValueError(problem)  # inf / nan would crash the render long after validate
    return value


def _integer(value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"must be a whole number, not {_toml_type(value)}")
    return value


def _text(value: object) -> object:
    if not isinstance(value, str):
        raise ValueError(f"must be a text string, not {_toml_type(value)}")
    return value


def _toml_type(value: object) -> str:
    return {
        bool: "true/false",
        int: "an integer",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def _fps(value: int) -> int:
    if value not in SUPPORTED_FPS:
        raise ValueError(f"fps must be one of {', '.join(map(str, SUPPORTED_FPS))}, not {value}")
    return value


def _choice(value: object) -> object:
    """Names from a fixed list are matched without regard to case or stray spaces."""
    return value.strip().lower() if isinstance(value, str) else value


def _preset_name(value: object) -> object:
    value = _text(value)
    return value.strip().lower() or None


Number = Annotated[float, BeforeValidator(_number)]
Integer = Annotated[int, BeforeValidator(_integer)]
Text = Annotated[str, BeforeValidator(_text)]
ScriptPath = Annotated[PathText, BeforeValidator(_text)]
PresetName = Annotated[str | None, BeforeValidator(_preset_name)]
CameraName = Annotated[Camera, BeforeValidator(_choice)]
TransitionName = Annotated[TransitionKind, BeforeValidator(_choice)]
FormatName = Annotated[OutputFormat, BeforeValidator(_choice)]
FitName = Annotated[FitMode, BeforeValidator(_choice)]


class ScriptLine(BaseModel):
    """`[[shot.dialogue]]`: one spoken line."""

    model_config = ConfigDict(extra="forbid")

    speaker: Text = Field(min_length=1, max_length=200)
    text: Text = Field(min_length=1, max_length=2000)


class ScriptKeyframe(BaseModel):
    """`[[shot.keyframe]]`: a picture the shot passes through `at` seconds in."""

    model_config = ConfigDict(extra="forbid")

    at: Number = Field(ge=0, le=limits.MAX_SHOT_SECONDS)
    image: ScriptPath = Field(min_length=1)
    strength: Number = Field(default=1.0, ge=0, le=1)


class ScriptLora(BaseModel):
    """`[[lora]]` (storyboard), `[[shot.lora]]`: a LoRA file and its weight."""

    model_config = ConfigDict(extra="forbid")

    file: ScriptPath = Field(min_length=1)
    weight: Number = Field(default=1.0, ge=-4, le=4)


class ScriptCast(BaseModel):
    """`[[cast]]`: a fictional character (name, description, images) or a cameo (@handle)."""

    model_config = ConfigDict(extra="forbid")

    name: Text | None = Field(default=None, min_length=1, max_length=80)
    description: Text = Field(default="", max_length=2000)
    images: list[ScriptPath] = Field(default_factory=list, max_length=MAX_CAST_IMAGES)
    cameo: Text | None = Field(default=None, min_length=2, max_length=41)


class ScriptShot(BaseModel):
    model_config = ConfigDict(extra="forbid")

    prompt: Text = Field(min_length=1)
    name: Text | None = None
    duration: Number = Field(default=3.0, gt=0, le=limits.MAX_SHOT_SECONDS)
    camera: CameraName = Camera.STATIC
    style: PresetName = None
    seed: Integer | None = Field(default=None, ge=0, lt=2**32)
    image: ScriptPath | None = None
    image_strength: Number = Field(default=1.0, ge=0, le=1)  # how strictly `image` is held
    last_image: ScriptPath | None = None
    keyframe: list[ScriptKeyframe] = Field(default_factory=list, max_length=64)
    dialogue: list[ScriptLine] = Field(default_factory=list, max_length=200)
    transition: TransitionName = TransitionKind.CUT
    transition_duration: Number | None = Field(default=None, ge=0, le=limits.MAX_SHOT_SECONDS)
    audio: Text | None = None
    lora: list[ScriptLora] = Field(default_factory=list, max_length=MAX_LORAS)


class ScriptAudio(BaseModel):
    model_config = ConfigDict(extra="forbid")

    file: ScriptPath = Field(min_length=1)
    start: Number = Field(default=0.0, ge=0, le=limits.MAX_TIMELINE_SECONDS)
    gain_db: Number = Field(default=0.0, ge=-96, le=24)
    duration: Number | None = Field(default=None, gt=0, le=limits.MAX_TIMELINE_SECONDS)
    offset: Number = Field(default=0.0, ge=0, le=limits.MAX_MEDIA_SECONDS)  # into the file
    fade_in: Number = Field(default=0.0, ge=0, le=limits.MAX_TIMELINE_SECONDS)
    fade_out: Number = Field(default=0.0, ge=0, le=limits.MAX_TIMELINE_SECONDS)
    pan: Number = Field(default=0.0, ge=-1, le=1)
    track: Integer = Field(default=1, ge=1, le=16)


class ScriptFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Text = "Untitled"
    description: Text = ""
    format: FormatName = OutputFormat.VERTICAL
    fps: Annotated[Integer, AfterValidator(_fps)] = 24
    style: PresetName = None
    fit: FitName = FitMode.COVER
    shot: list[ScriptShot] = Field(min_length=1, max_length=limits.MAX_ITEMS)
    audio: list[ScriptAudio] = Field(default_factory=list, max_length=limits.MAX_ITEMS)
    cast: list[ScriptCast] = Field(default_factory=list, max_length=MAX_CAST)
    lora: list[ScriptLora] = Field(default_factory=list, max_length=MAX_LORAS)


KNOWN_KEYS = {
    "": set(ScriptFile.model_fields),
    "shot": set(ScriptShot.model_fields),
    "audio": set(ScriptAudio.model_fields),
    "keyframe": set(ScriptKeyframe.model_fields),
    "dialogue": set(ScriptLine.model_fields),
    "cast": set(ScriptCast.model_fields),
    "lora": set(ScriptLora.model_fields),
}
FPS_CHOICES = SUPPORTED_FPS
DEFAULT_TRANSITION_S = 0.5
