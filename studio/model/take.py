"""A Take: one generated (or imported) result of a shot — a file plus how it was made."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from studio import limits
from studio.limits import PathText
from studio.model.lora import LoraUse
from studio.model.shot import new_id


class TakeKind(StrEnum):
    VIDEO = "video"
    AUDIO = "audio"


class Operation(StrEnum):
    GENERATE = "generate"
    REROLL = "reroll"
    REMIX = "remix"
    BLEND = "blend"
    EXTEND = "extend"
    LOOP = "loop"
    IMPORT = "import"
    RETAKE = "retake"  # a time range of a take generated again, the rest kept


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Take(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(default_factory=new_id)
    shot_id: str | None = None
    kind: TakeKind = TakeKind.VIDEO
    path: PathText  # bundle-relative media file
    engine: str
    model: str | None = None
    operation: Operation = Operation.GENERATE
    seed: int | None = Field(default=None, ge=0, le=limits.MAX_SEED)
    prompt: str = ""  # after the preset was applied
    negative_prompt: str = ""
    preset: str | None = None
    camera: str | None = None
    width: int = Field(default=0, ge=0, le=limits.MAX_PIXELS_SIDE)
    height: int = Field(default=0, ge=0, le=limits.MAX_PIXELS_SIDE)
    fps: float = Field(default=0.0, ge=0, le=240, allow_inf_nan=False)
    frames: int = Field(default=0, ge=0, le=limits.MAX_MEDIA_FRAMES)
    duration: float = Field(default=0.0, ge=0, le=limits.MAX_MEDIA_SECONDS, allow_inf_nan=False)
    remix_of: str | None = None
    blend_of: list[str] = Field(default_factory=list, max_length=limits.MAX_ITEMS)
    extend_of: str | None = None
    loop_of: str | None = None
    cameos: list[str] = Field(default_factory=list)
    cast: list[str] = Field(default_factory=list, max_length=64)  # keys: "Oro", "@maya"
    references: list[str] = Field(default_factory=list, max_length=512)  # sha256 of ref pictures
    loras: list[LoraUse] = Field(default_factory=list, max_length=64)
    retake_of: str | None = None
    # (start, end) seconds of retake_of that were generated again; the rest is kept
    retake_range: tuple[float, float] | None = None
    batch: str | None = None  # the variations batch (N seeds of one shot) this take came from
    # the take made by the same run in the other medium (an audio-video model's picture ↔ sound)
    linked: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)  # steps, guidance, scheduler, revision...
    created: str = Field(default_factory=_now)

    @property
    def parents(self) -> list[str]:
        """Every take this one was made from (remix, blend, extend, loop lineage)."""
        out = [t for t in (self.remix_of, self.extend_of, self.loop_of, self.retake_of) if t]
        return out + [t for t in self.blend_of if t not in out]
