"""LoRA files: their safetensors header checked with limits, the family they were made for,
where a name in a script, preset or project leads, and the user's LoRA folder (no torch)."""

from studio.lorafiles.family import FamilyGuess, lora_family
from studio.lorafiles.header import LoraHeader, file_sha256, read_header, suffix_problem
from studio.lorafiles.library import InstalledLora, camera_lora, installed, is_bare_name

__all__ = [
    "FamilyGuess",
    "InstalledLora",
    "LoraHeader",
    "camera_lora",
    "file_sha256",
    "installed",
    "is_bare_name",
    "lora_family",
    "read_header",
    "suffix_problem",
]
