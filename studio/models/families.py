"""What we know about each model family, in one table per family.

Everything family-specific the engine needs — native sizes per aspect, frame rate, the
frame-count rule, the size multiple, how latents are laid out and normalised, default steps and
guidance, which pipeline class does text→video / image→video / video→video — lives here, so the
engine code stays family-agnostic. Values describe the released checkpoints; the backend still
reads the loaded pipeline's own compression ratios, so odd (e.g. tiny test) configs work too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from studio.model import OutputFormat


@dataclass(frozen=True)
class Family:
    """One model family. `modality` is "video" or "audio" (audio families are listed only)."""

    name: str
    title: str
    modality: str
    pipelines: tuple[str, ...]  # pipeline class names in model_index.json that belong here
    t2v: str | None = None
    i2v: str | None = None
    v2v: str | None = None
    fps: int = 24
    frame_multiple: int = 8  # frames = frame_multiple * k + 1
    max_frames: int = 257  # longest the model was trained for
    size_multiple: int = 32
    sizes: dict[OutputFormat, tuple[int, int]] = field(default_factory=dict)  # (W, H)
    steps: int = 30
    guidance: float = 3.0
    layout: str = "video"  # "packed" (B, S, C) as LTX keeps them, or "video" (B, C, F, H, W)
    norm: str = "mean_std"  # how the VAE latents are normalised: "ltx", "mean_std", "scale"
    scheduler_kind: str = "flow"  # "flow" (flow matching: remix/blend/extend work) or "ddpm"
    # latent→RGB preview factors ((C+1)×3, the last row a bias). None: calibrated once per model
    # from its own VAE (see studio.engine.diffusion.previews) and cached by revision.
    preview_factors: tuple[tuple[float, float, float], ...] | None = None
    decode_timestep: float = 0.0  # LTX 0.9.1+ decodes with a little noise at this timestep
    decode_noise_scale: float = 0.0
    max_sequence_length: int = 226
    extra_call_args: dict = field(default_factory=dict)
    produces_sound: bool = False  # one run gives picture and sound (LTX-2)
    fps_choices: tuple[int, ...] = ()  # other frame rates the model was trained at
    condition: str | None = None  # pipeline taking frame conditions at any index (keyframes)
    two_stage_multiple: int = 64  # size multiple when a latent upsampler doubles a half pass
    # which keyframes the family honours: "any" (first, last, in-between), "first-last", "first"
    keyframes: str = "first"
    # how the family takes a cast member's reference pictures: "vace" (WanVACEPipeline's
    # `reference_images`: the subject, not a frame) or None (no reference support: a warning,
    # and only a fictional character's first picture may open the shot as its first frame)
    references: str | None = None

    @property
    def is_video(self) -> bool:
        return self.modality == "video"

    @property
    def supports_v2v(self) -> bool:
        return self.is_video and self.scheduler_kind == "flow" and self.v2v is not None

    def frames_for(self, seconds: float, multiple: int | None = None) -> int:
        """The smallest valid frame count covering `seconds` at the family's own fps."""
        m = multiple or self.frame_multiple
        wanted = max(1, round(seconds * self.fps))
        return m * max(1, math.ceil((wanted - 1) / m)) + 1

    def native_size(self, fmt: OutputFormat) -> tuple[int, int]:
        return self.sizes.get(fmt) or next(iter(self.sizes.values()))

    def nearest_size(
        self, wanted: tuple[int, int] | None, fmt: OutputFormat, multiple: int | None = None
    ) -> tuple[int, int]:
        """`wanted` (or the native size of the format) rounded to the size multiple."""
        m = multiple or self.size_multiple
        w, h = wanted or self.native_size(fmt)
        return max(m, round(w / m) * m), max(m, round(h / m) * m)


LTX_VIDEO = Family(
    name="ltx-video",
    title="LTX-Video",
    modality="video",
    pipelines=("LTXPipeline", "LTXImageToVideoPipeline", "LTXConditionPipeline"),
    t2v="LTXPipeline",
    i2v="LTXImageToVideoPipeline",
    v2v="LTXConditionPipeline",
    fps=24,
    frame_multiple=8,
    max_frames=257,
    size_multiple=32,
    sizes={
        OutputFormat.VERTICAL: (512, 768),
        OutputFormat.WIDESCREEN: (768, 512),
        OutputFormat.SQUARE: (640, 640),
    },
    steps=40,
    guidance=3.0,
    layout="packed",
    norm="ltx",
    decode_timestep=0.05,
    decode_noise_scale=0.025,
    max_sequence_length=128,
    condition="LTXConditionPipeline",
    keyframes="any",
)

LTX2 = Family(
    name="ltx2",
    title="LTX-2",
    modality="video",
    pipelines=("LTX2Pipeline", "LTX2ConditionPipeline", "LTX2ImageToVideoPipeline"),
    t2v="LTX2Pipeline",
    i2v="LTX2ImageToVideoPipeline",
    v2v=None,  # remix/blend/extend go through latents the audio stream does not share yet
    fps=24,
    fps_choices=(24, 25),
    frame_multiple=8,
    max_frames=257,
    size_multiple=32,
    two_stage_multiple=64,
    sizes={
        OutputFormat.VERTICAL: (704, 1216),
        OutputFormat.WIDESCREEN: (1216, 704),
        OutputFormat.SQUARE: (960, 960),
    },
    steps=40,
    guidance=4.0,
    layout="ltx2",
    norm="ltx",
    max_sequence_length=1024,
    produces_sound=True,
    condition="LTX2ConditionPipeline",
    keyframes="any",
)

WAN = Family(
    name="wan",
    title="Wan 2.1 / 2.2",
    modality="video",
    pipelines=("WanPipeline", "WanImageToVideoPipeline", "WanVideoToVideoPipeline"),
    t2v="WanPipeline",
    i2v="WanImageToVideoPipeline",
    v2v="WanVideoToVideoPipeline",
    fps=16,
    frame_multiple=4,
    max_frames=81,
    size_multiple=16,
    sizes={
        OutputFormat.VERTICAL: (480, 832),
        OutputFormat.WIDESCREEN: (832, 480),
        OutputFormat.SQUARE: (624, 624),
    },
    steps=30,
    guidance=5.0,
    layout="video",
    norm="mean_std",
    max_sequence_length=512,
    keyframes="first-last",
)

WAN_VACE = Family(
    name="wan-vace",
    title="Wan VACE",
    modality="video",
    pipelines=("WanVACEPipeline",),
    t2v="WanVACEPipeline",
    v2v="WanVACEPipeline",  # steered through its latents as Wan is
    fps=16,
    frame_multiple=4,
    max_frames=81,
    size_multiple=16,
    sizes=WAN.sizes,
    steps=30,
    guidance=5.0,
    layout="video",
    norm="mean_std",
    max_sequence_length=512,
    keyframes="first-last",
    references="vace",
)

COGVIDEOX = Family(
    name="cogvideox",
    title="CogVideoX",
    modality="video",
    pipelines=(
        "CogVideoXPipeline",
        "CogVideoXImageToVideoPipeline",
        "CogVideoXVideoToVideoPipeline",
    ),
    t2v="CogVideoXPipeline",
    i2v="CogVideoXImageToVideoPipeline",
    v2v="CogVideoXVideoToVideoPipeline",
    fps=8,
    frame_multiple=8,
    max_frames=49,
    size_multiple=16,
    sizes={
        OutputFormat.VERTICAL: (480, 720),
        OutputFormat.WIDESCREEN: (720, 480),
        OutputFormat.SQUARE: (480, 480),
    },
    steps=50,
    guidance=6.0,
    layout="frames_first",
    norm="scale",
    scheduler_kind="ddpm",
)

AUDIOLDM2 = Family(
    name="audioldm2",
    title="AudioLDM 2",
    modality="audio",
    pipelines=("AudioLDM2Pipeline",),
    t2v="AudioLDM2Pipeline",
    steps=200,
    guidance=3.5,
)

AUDIOLDM = Family(
    name="audioldm",
    title="AudioLDM",
    modality="audio",
    pipelines=("AudioLDMPipeline", "MusicLDMPipeline"),
    t2v="AudioLDMPipeline",
    steps=100,
    guidance=2.5,
)

STABLE_AUDIO = Family(
    name="stable-audio",
    title="Stable Audio Open",
    modality="audio",
    pipelines=("StableAudioPipeline",),
    t2v="StableAudioPipeline",
    steps=100,
    guidance=7.0,
)

FAMILIES: tuple[Family, ...] = (
    LTX_VIDEO,
    LTX2,
    WAN,
    WAN_VACE,
    COGVIDEOX,
    AUDIOLDM2,
    AUDIOLDM,
    STABLE_AUDIO,
)


def family_for_pipeline(class_name: str | None) -> Family | None:
    """The family a model_index.json `_class_name` belongs to, or None if unknown."""
    for family in FAMILIES:
        if class_name in family.pipelines:
            return family
    return None


def family_named(name: str) -> Family | None:
    return next((f for f in FAMILIES if f.name == name), None)
