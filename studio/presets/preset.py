"""StylePreset: how a style shapes the prompt, the generation and the look of the frames."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from studio.model.lora import MAX_LORAS, LoraRef


class Grade(BaseModel):
    """A colour grade, applied in linear-ish RGB with numpy."""

    model_config = ConfigDict(extra="forbid")

    saturation: float = Field(default=1.0, ge=0, le=3)
    contrast: float = Field(default=1.0, ge=0, le=3)
    brightness: float = Field(default=0.0, ge=-1, le=1)
    gamma: float = Field(default=1.0, gt=0, le=4)
    tint: tuple[float, float, float] = (1.0, 1.0, 1.0)  # per-channel gain
    lift: tuple[float, float, float] = (0.0, 0.0, 0.0)  # added to shadows
    monochrome: bool = False
    sepia: float = Field(default=0.0, ge=0, le=1)


class Texture(BaseModel):
    """Surface effects layered after the grade."""

    model_config = ConfigDict(extra="forbid")

    grain: float = Field(default=0.0, ge=0, le=1)
    vignette: float = Field(default=0.0, ge=0, le=1)
    posterize: int = Field(default=0, ge=0, le=64)  # levels per channel, 0 = off
    paper: float = Field(default=0.0, ge=0, le=1)
    scanlines: float = Field(default=0.0, ge=0, le=1)
    pixelate: int = Field(default=0, ge=0, le=64)  # block size in px at 1080p, 0 = off
    chroma_shift: int = Field(default=0, ge=0, le=32)  # px of red/blue misregistration
    flicker: float = Field(default=0.0, ge=0, le=1)
    bloom: float = Field(default=0.0, ge=0, le=1)
    ink: float = Field(default=0.0, ge=0, le=1)  # darkened outlines on luminance edges


class Look(BaseModel):
    model_config = ConfigDict(extra="forbid")

    grade: Grade = Field(default_factory=Grade)
    texture: Texture = Field(default_factory=Texture)
    palette: list[str] = Field(default_factory=list)  # hex colours the animatic leans on


class PresetLora(LoraRef):
    """A preset's LoRA: a `.safetensors` file of the user's LoRA folder, by name."""

    @field_validator("file")
    @classmethod
    def _bare_safetensors_name(cls, value: str) -> str:
        from studio.lorafiles.header import suffix_problem
        from studio.lorafiles.library import is_bare_name, lora_file_name

        if not is_bare_name(value):
            raise ValueError(
                f"'{value}': a preset names a LoRA of your LoRA folder by its file name "
                "(no folders)"
            )
        problem = suffix_problem(lora_file_name(value))
        if problem:
            raise ValueError(problem)
        return value


class StylePreset(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str = ""
    description: str = ""
    extends: str | None = None
    prompt_prefix: str = ""
    prompt_suffix: str = ""
    negative_prompt: str = ""
    guidance: float | None = Field(default=None, ge=0, le=30)
    steps: int | None = Field(default=None, ge=1, le=200)
    look: Look = Field(default_factory=Look)
    # `[[lora]]` style LoRAs, by file name in the user's LoRA folder (a preset is not part of
    # a project, so it names no paths); see studio.lorafiles.library
    lora: list[PresetLora] = Field(default_factory=list, max_length=MAX_LORAS)
    builtin: bool = Field(default=False, exclude=True)

    def apply_prompt(self, prompt: str) -> tuple[str, str]:
        """The prompt with this style's prefix/suffix, and its negative prompt."""
        parts = [
            p.strip(" ,") for p in (self.prompt_prefix, prompt, self.prompt_suffix) if p.strip()
        ]
        return ", ".join(parts), self.negative_prompt
