"""The document model: Project, Shot, Take, Track, Clip, Transition."""

from studio.model.cast import CastMember, cast_in_prompt
from studio.model.formats import SUPPORTED_FPS, FitMode, OutputFormat
from studio.model.lora import LoraRef
from studio.model.project import SCHEMA_VERSION, Project
from studio.model.shot import (
    Camera,
    DialogueLine,
    Keyframe,
    Shot,
    TransitionKind,
    mentioned_handles,
    new_id,
)
from studio.model.take import Operation, Take, TakeKind
from studio.model.timeline import (
    Clip,
    Marker,
    MediaItem,
    MediaKind,
    Title,
    Track,
    TrackKind,
    TrackRole,
    Transition,
)

__all__ = [
    "SCHEMA_VERSION",
    "SUPPORTED_FPS",
    "Camera",
    "CastMember",
    "DialogueLine",
    "Keyframe",
    "LoraRef",
    "Marker",
    "MediaItem",
    "MediaKind",
    "Clip",
    "FitMode",
    "Operation",
    "OutputFormat",
    "Project",
    "Shot",
    "Take",
    "TakeKind",
    "Title",
    "Track",
    "TrackKind",
    "TrackRole",
    "Transition",
    "TransitionKind",
    "cast_in_prompt",
    "mentioned_handles",
    "new_id",
]
