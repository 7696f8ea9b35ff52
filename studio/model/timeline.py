"""Tracks, clips and transitions: the edit. Timeline positions are integer frames at the
project's fps, so splits and trims are exact."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from studio import limits
from studio.limits import PathText
from studio.model.formats import FitMode
from studio.model.shot import TransitionKind, new_id

_MAX_FADE = limits.MAX_TIMELINE_SECONDS


class TrackKind(StrEnum):
    VIDEO = "video"
    AUDIO = "audio"


class TrackRole(StrEnum):
    """What made a track: the storyboard's picture and shot-sound tracks follow the shots
    (their clips move when shots are reordered or change length); others are hand-made."""

    STORYBOARD_VIDEO = "storyboard-video"
    STORYBOARD_SOUND = "storyboard-sound"


class Transition(BaseModel):
    """Blends a clip in from the previous clip on its track; the two overlap by `duration`.

    On a clip with nothing before it (transition_in) or after it (transition_out) it fades
    from or to black over `duration` frames inside the clip instead."""

    model_config = ConfigDict(extra="forbid")

    kind: TransitionKind = TransitionKind.CROSSFADE
    duration: int = Field(ge=0, le=limits.MAX_TIMELINE_FRAMES)  # frames


class Title(BaseModel):
    """Text drawn over the picture by a title clip (studio.compose.titles)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str = Field(min_length=1, max_length=500)
    font: str = Field(default="DejaVu Sans Bold", max_length=100)  # a family Pillow can find
    size: int = Field(default=96, ge=8, le=400)  # px on a 1080-px short side, scaled with it
    colour: str = Field(default="#ffffff", pattern=r"^#[0-9a-fA-F]{6}$")
    # where the text's centre sits inside the frame's safe area (0..1 each way)
    x: float = Field(default=0.5, ge=0, le=1)
    y: float = Field(default=0.5, ge=0, le=1)


class Clip(BaseModel):
    """A span of a take (or an imported media file) placed on a track."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(default_factory=new_id)
    take_id: str | None = None
    media: PathText | None = None  # imported file (bundle-relative or explicitly imported absolute)
    title: Title | None = None  # a title clip: text, no take or file
    shot_id: str | None = None
    start: int = Field(ge=0, le=limits.MAX_TIMELINE_FRAMES)  # timeline frame
    # frames into the take, at project fps
    source_in: int = Field(default=0, ge=0, le=int(limits.MAX_MEDIA_SECONDS * limits.MAX_FPS))
    duration: int = Field(gt=0, le=limits.MAX_TIMELINE_FRAMES)  # frames
    fit: FitMode | None = None  # None: the project's default
    transition_in: Transition | None = None  # from the previous clip (or from black if none)
    transition_out: Transition | None = None  # to black, when no clip follows (e.g. a fade-out)
    gain_db: float = Field(default=0.0, ge=-96, le=24)
    fade_in: float = Field(default=0.0, ge=0, le=_MAX_FADE, allow_inf_nan=False)  # seconds
    fade_out: float = Field(default=0.0, ge=0, le=_MAX_FADE, allow_inf_nan=False)
    pan: float = Field(default=0.0, ge=-1, le=1)
    # clips sharing a link id move, trim, split and go together (a picture and the sound the
    # same model run made with it); None: the clip stands alone
    link: str | None = Field(default=None, max_length=64)

    @model_validator(mode="after")
    def _has_source(self) -> Clip:
        if not self.take_id and not self.media and self.title is None:
            raise ValueError("a clip needs a take_id, a media file or a title")
        return self

    @property
    def end(self) -> int:
        """First frame after the clip."""
        return self.start + self.duration

    @property
    def source_out(self) -> int:
        return self.source_in + self.duration


class MediaKind(StrEnum):
    VIDEO = "video"
    IMAGE = "image"
    AUDIO = "audio"


class MediaItem(BaseModel):
    """A file imported into the bundle's media/ (the media bin lists these)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: PathText  # bundle-relative, media/<hash>-<name>
    kind: MediaKind
    name: str = Field(default="", max_length=255)  # the file's name when imported
    seconds: float | None = Field(default=None, ge=0, le=limits.MAX_MEDIA_SECONDS)  # None: still


class Marker(BaseModel):
    """A named point on the timeline (M adds one at the playhead)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    frame: int = Field(ge=0, le=limits.MAX_TIMELINE_FRAMES)
    name: str = Field(default="", max_length=200)


class Track(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(default_factory=new_id)
    kind: TrackKind = TrackKind.VIDEO
    name: str = ""
    role: TrackRole | None = None  # None: a hand-made track
    clips: list[Clip] = Field(default_factory=list, max_length=limits.MAX_ITEMS)
    muted: bool = False
    solo: bool = False
    locked: bool = False  # a locked track refuses edits of its clips
    gain_db: float = Field(default=0.0, ge=-96, le=24)

    def sorted_clips(self) -> list[Clip]:
        return sorted(self.clips, key=lambda c: c.start)

    @property
    def end(self) -> int:
        return max((c.end for c in self.clips), default=0)
