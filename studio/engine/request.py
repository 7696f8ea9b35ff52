"""What a backend is asked to make: a generation request and the take it gives back."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from studio.model import Camera, DialogueLine, Keyframe, LoraRef, Operation, OutputFormat
from studio.model.lora import LoraUse


class RemixStrength(StrEnum):
    """Named video→video strengths, as creators know them from the Sora app."""

    SUBTLE = "subtle"
    MILD = "mild"
    STRONG = "strong"

    @property
    def value_0_1(self) -> float:
        return {"subtle": 0.3, "mild": 0.55, "strong": 0.8}[self.value]


def strength_value(strength: RemixStrength | float | str) -> float:
    """A 0–1 strength from a named level or a custom number."""
    if isinstance(strength, RemixStrength):
        return strength.value_0_1
    if isinstance(strength, str):
        try:
            return RemixStrength(strength.lower()).value_0_1
        except ValueError:
            strength = float(strength)
    value = float(strength)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"strength must be between 0 and 1, got {value}")
    return value


class SourceTake(BaseModel):
    """A take a request starts from (remix, blend, extend, loop), resolved to a file."""

    model_config = ConfigDict(extra="forbid")

    take_id: str
    path: str  # absolute path to the media file
    fps: float
    frames: int
    prompt: str = ""
    seed: int | None = None
    source_in: int = 0  # frames (at the take's own fps) to start from, for clips
    source_frames: int | None = None  # how many frames of the take the clip uses
    sound: str | None = None  # the take's linked sound file (an LTX-2 retake keeps it outside
    # the span)


class CastReference(BaseModel):
    """A cast member a shot names, as the engine needs it.

    A fictional member's pictures are resolved files; a cameo's are NOT carried here: the
    engine reads them from the consented profile right before generation (after its consent
    check), so a request file can not smuggle a real person's pictures in.
    """

    model_config = ConfigDict(extra="forbid")

    key: str  # "Oro" or "@maya"
    description: str = ""
    images: list[str] = Field(default_factory=list)  # absolute paths (fictional members only)
    cameo: str | None = None  # handle without "@"


class GenerationRequest(BaseModel):
    """Everything a backend needs; serialisable so queued jobs survive a restart."""

    model_config = ConfigDict(extra="forbid")

    operation: Operation = Operation.GENERATE
    shot_id: str | None = None
    prompt: str  # the shot's own prompt; the backend applies the preset
    prompt_b: str | None = None  # prompt-blend: second prompt
    prompt_weight: float = Field(default=0.5, ge=0, le=1)  # prompt-blend weight of prompt_b
    duration: float = Field(gt=0)
    camera: Camera = Camera.STATIC
    preset: str | None = None
    seed: int = Field(default=0, ge=0, lt=2**32)
    format: OutputFormat = OutputFormat.VERTICAL
    fps: int = 24  # project fps (the backend may generate at its own rate)
    image: str | None = None  # absolute path to a reference / first-frame image
    image_strength: float = Field(default=1.0, ge=0, le=1)  # how strictly `image` is held
    last_image: str | None = None  # absolute path to a last-frame image
    keyframes: list[Keyframe] = Field(default_factory=list)  # in-between frames, absolute paths
    dialogue: list[DialogueLine] = Field(default_factory=list)  # spoken lines, for sound models
    cameo_images: list[str] = Field(default_factory=list)
    cameos: list[str] = Field(default_factory=list)
    cast: list[CastReference] = Field(default_factory=list)  # members the prompt names
    loras: list[LoraRef] = Field(default_factory=list)  # resolved files, all levels merged
    retake_range: tuple[float, float] | None = None  # RETAKE: seconds of sources[0] to redo
    batch: str | None = None  # variations: the batch this seed belongs to
    sources: list[SourceTake] = Field(default_factory=list)
    strength: float = Field(default=0.55, ge=0, le=1)  # remix / blend re-noise strength
    blend_curve: list[float] = Field(default_factory=lambda: [0.0, 1.0])  # influence of B over time
    extend_seconds: float = Field(default=0.0, ge=0)
    extend_backwards: bool = False
    size: tuple[int, int] | None = None  # generation size override (W, H)
    steps: int | None = None
    guidance: float | None = None
    model: str | None = None  # backend-specific model id or path
    device: str | None = None
    previews: bool = True
    project_id: str | None = None  # the project the take is for (Project.id): jobs route by it
    # where that project was when the job was queued: only a hint for finding a closed project
    # after a restart (checked against project_id); never where the engine writes
    bundle: str | None = None
    label: str = ""

    def describe(self) -> str:
        return self.label or f"{self.operation.value}: {self.prompt[:48]}"


class SoundResult(BaseModel):
    """The sound a picture model made in the same run (a WAV file, in sync with the video)."""

    model_config = ConfigDict(extra="forbid")

    path: Path
    sample_rate: int
    samples: int
    channels: int = 2
    model_sample_rate: int = 0  # the rate the model wrote before resampling
    model_samples: int = 0  # how many samples the model wrote (before the cut/pad to length)


class TakeResult(BaseModel):
    """What a backend wrote: a media file and how it was made (becomes a Take)."""

    model_config = ConfigDict(extra="forbid")

    path: Path
    width: int
    height: int
    fps: float
    frames: int
    engine: str
    model: str | None = None
    prompt: str = ""
    negative_prompt: str = ""
    params: dict = Field(default_factory=dict)
    cast: list[str] = Field(default_factory=list)  # keys of the cast members that conditioned it
    references: list[str] = Field(default_factory=list)  # sha256 of the reference pictures used
    loras: list[LoraUse] = Field(default_factory=list)  # LoRAs attached while it was made
    sound: SoundResult | None = None  # an audio-video model's sound: a second, linked take
