"""What one generation will be: size, frames, steps, guidance and the prompt after the preset.

No torch here: the numbers follow from the request, the style preset, the backend's defaults and
the family table (with the loaded pipeline's own size / frame multiples).
"""

from __future__ import annotations

from dataclasses import dataclass

from studio.engine.diffusion.references import with_descriptions
from studio.engine.request import GenerationRequest
from studio.model import Camera
from studio.models.families import Family
from studio.presets.preset import StylePreset

CAMERA_PHRASES = {
    Camera.STATIC: "",
    Camera.PAN_LEFT: "the camera pans slowly to the left",
    Camera.PAN_RIGHT: "the camera pans slowly to the right",
    Camera.TILT_UP: "the camera tilts up",
    Camera.TILT_DOWN: "the camera tilts down",
    Camera.DOLLY_IN: "the camera dollies in slowly",
    Camera.DOLLY_OUT: "the camera pulls back slowly",
    Camera.ORBIT: "the camera orbits around the subject",
}


@dataclass(frozen=True)
class JobPlan:
    width: int
    height: int
    frames: int  # frames to generate at the family's fps
    fps: int
    steps: int
    guidance: float
    prompt: str  # after preset and camera
    negative_prompt: str
    prompt_b: str | None
    frame_multiple: int
    preset: StylePreset | None
    prompt_weight: float = 0.5  # prompt-blend: share of prompt_b

    @property
    def size(self) -> tuple[int, int]:
        return self.width, self.height

    def frames_for(self, seconds: float) -> int:
        return frames_covering(round(seconds * self.fps), self.frame_multiple)


def frames_covering(count: int, multiple: int) -> int:
    """The smallest multiple·k + 1 frame count ≥ count (at least multiple + 1)."""
    k = max(1, -(-(max(1, count) - 1) // multiple))
    return multiple * k + 1


def shape_prompt(prompt: str, preset: StylePreset | None, camera: Camera) -> tuple[str, str]:
    text, negative = preset.apply_prompt(prompt) if preset else (prompt, "")
    phrase = CAMERA_PHRASES.get(camera, "")
    if phrase:
        text = f"{text}, {phrase}" if text else phrase
    return text, negative


def make_plan(
    request: GenerationRequest,
    family: Family,
    preset: StylePreset | None,
    size_multiple: int,
    frame_multiple: int,
    default_steps: int | None = None,
) -> JobPlan:
    """Request > backend default (--steps) > preset hint > family default."""
    width, height = family.nearest_size(request.size, request.format, size_multiple)
    steps = request.steps or default_steps or (preset.steps if preset else None) or family.steps
    guidance = request.guidance
    if guidance is None:
        guidance = preset.guidance if preset and preset.guidance is not None else family.guidance
    described = with_descriptions(request.prompt, request.cast)  # the cast's descriptions
    prompt, negative = shape_prompt(described, preset, request.camera)
    prompt_b = None
    if request.prompt_b:
        prompt_b, _ = shape_prompt(request.prompt_b, preset, request.camera)
    frames = frames_covering(round(request.duration * family.fps), frame_multiple)
    return JobPlan(
        width=width,
        height=height,
        frames=frames,
        fps=family.fps,
        steps=int(steps),
        guidance=float(guidance),
        prompt=prompt,
        negative_prompt=negative,
        prompt_b=prompt_b,
        frame_multiple=frame_multiple,
        preset=preset,
        prompt_weight=request.prompt_weight,
    )
