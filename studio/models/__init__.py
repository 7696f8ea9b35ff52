"""Model registry and family knowledge (no torch imported here)."""

from studio.models.families import FAMILIES, Family, family_for_pipeline, family_named
from studio.models.registry import (
    ModelInfo,
    ModelRegistry,
    human_size,
    inspect_folder,
    makes_sound,
)

__all__ = [
    "FAMILIES",
    "Family",
    "ModelInfo",
    "ModelRegistry",
    "family_for_pipeline",
    "family_named",
    "human_size",
    "inspect_folder",
    "makes_sound",
]
