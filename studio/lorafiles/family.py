"""Which model family a LoRA was made for, from its header alone (no torch).

The rule, in order:
1. Metadata. A family the file declares — our own `studio.family`, or what trainers write:
   `modelspec.architecture`, `ss_base_model_version`, `base_model`, `ss_sd_model_name` — is
   taken as said ("wan2.1-t2v-14b/lora" → Wan, "flux-1-dev/lora" → flux).
2. Layer names (and widths). Wan's transformer has `blocks.N.attn1`/`self_attn`, LTX-2's has
   audio attention, Flux has `single_transformer_blocks`, Stable Diffusion `down_blocks`;
   `transformer_blocks.N` is LTX-Video or CogVideoX, told apart by the hidden width
   (LTX-Video 2B: 2048; CogVideoX: 1920 or 3072). Anything else: unknown.

A guess by layer names is only used to *name* a family; whether a LoRA fits the loaded model
is decided when it is attached, by its layers and shapes against the model's transformer
(studio.engine.diffusion.adapters). A family declared in the metadata that is not the model's
is refused outright.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from studio.lorafiles.header import LoraHeader
from studio.models.families import family_named

METADATA_KEYS = (
    "studio.family",
    "modelspec.architecture",
    "ss_base_model_version",
    "base_model",
    "ss_sd_model_name",
)
# (pattern on lower-case text, family name); ours first, then others we can name
_TEXT_FAMILIES = (
    (r"ltx[-_ ]?2(?![\d.]*b)|ltxv2", "ltx2"),
    (r"ltx", "ltx-video"),
    (r"(^|[^a-z])wan", "wan"),
    (r"cogvideo", "cogvideox"),
    (r"hunyuan", "hunyuan-video"),
    (r"mochi", "mochi"),
    (r"flux", "flux"),
    (r"sdxl|sd_xl|stable-diffusion-xl", "sdxl"),
    (r"sd3|stable-diffusion-3", "sd3"),
    (r"sd[-_ ]?v?1|sd[-_ ]?v?2|stable-diffusion", "stable-diffusion"),
)
_PREFIXES = ("base_model.model.", "model.diffusion_model.", "diffusion_model.", "transformer.")
_WAN = re.compile(r"(^|\.)blocks\.\d+\.(self_attn|cross_attn|attn1|attn2|ffn)\.")
_TRANSFORMER_BLOCK_Q = re.compile(r"(^|\.)transformer_blocks\.\d+\.attn1\.to_q\.lora_(a|down)")
_WIDTHS = {2048: "ltx-video", 1920: "cogvideox", 3072: "cogvideox"}


@dataclass(frozen=True)
class FamilyGuess:
    """A family name (ours, e.g. "wan", or another, e.g. "flux") and how it was found."""

    name: str | None
    how: str = ""  # "metadata" | "layers" | "" (unknown)

    @property
    def known(self) -> bool:
        return self.name is not None

    @property
    def title(self) -> str:
        """How to say the family to a person."""
        if self.name is None:
            return "an unknown model family"
        ours = family_named(self.name)
        return ours.title if ours else self.name

    def __str__(self) -> str:
        return f"{self.title} (by its {self.how})" if self.name else "unknown"


def family_from_text(text: str) -> str | None:
    low = text.lower()
    for pattern, name in _TEXT_FAMILIES:
        if re.search(pattern, low):
            return name
    return None


def declared_family(metadata: dict[str, str]) -> str | None:
    """The family the file's metadata names, if any."""
    for key in METADATA_KEYS:
        value = metadata.get(key)
        if value:
            found = family_from_text(value)
            if found:
                return found
            if key == "studio.family":
                return value.strip().lower()[:64] or None
    return None


def _normal(key: str) -> str:
    for prefix in _PREFIXES:
        if key.startswith(prefix):
            return key[len(prefix) :]
    return key


def family_by_layers(header: LoraHeader) -> str | None:
    """A family guessed from the names (and width) of the layers the LoRA changes."""
    keys = [_normal(k) for k in header.tensors]
    low = [k.lower() for k in keys]
    if any("audio_attn" in k or "audio_to_video" in k or "video_to_audio" in k for k in low):
        return "ltx2"
    if any(k.startswith("lora_unet_blocks_") for k in low) or any(_WAN.search(k) for k in keys):
        return "wan"
    if any("single_transformer_blocks" in k or "double_blocks" in k for k in low):
        return "flux"
    if any(k.startswith(("lora_unet_down_blocks", "lora_unet_input_blocks")) for k in low) or any(
        k.startswith(("down_blocks.", "unet.down_blocks.")) for k in keys
    ):
        return "stable-diffusion"
    if any("joint_blocks" in k for k in low):
        return "sd3"
    for key, original in zip(keys, header.tensors, strict=True):
        if _TRANSFORMER_BLOCK_Q.search(key.lower()):
            width = header.tensors[original].shape[-1] if header.tensors[original].shape else 0
            return _WIDTHS.get(width)
    return None


def lora_family(header: LoraHeader) -> FamilyGuess:
    """The family a LoRA was made for: declared in its metadata, else guessed from layers."""
    declared = declared_family(header.metadata)
    if declared:
        return FamilyGuess(declared, "metadata")
    by_layers = family_by_layers(header)
    return FamilyGuess(by_layers, "layers") if by_layers else FamilyGuess(None)
