"""The Project document: shots, takes and the timeline, plus its output format."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from studio import limits
from studio.model.cast import MAX_CAST, CastMember
from studio.model.formats import SUPPORTED_FPS, FitMode, OutputFormat
from studio.model.lora import MAX_LORAS, LoraRef
from studio.model.shot import Shot, new_id
from studio.model.take import Take
from studio.model.timeline import Clip, Marker, MediaItem, Track, TrackKind, TrackRole

SCHEMA_VERSION = 2
# schema 1 marked the storyboard's tracks by name only; schema 2 gives them a role
_V1_ROLES = {
    ("video", "V1"): TrackRole.STORYBOARD_VIDEO,
    ("audio", "Shot sound"): TrackRole.STORYBOARD_SOUND,
}


def _migrate(data: Any) -> Any:
    """Bring an older project.json up to this schema (called before validation)."""
    if not isinstance(data, dict) or not isinstance(data.get("schema_version"), int):
        return data
    if data["schema_version"] < 2 and isinstance(data.get("tracks"), list):
        data = dict(data)
        tracks, seen = [], set()
        for track in data["tracks"]:
            if isinstance(track, dict) and "role" not in track:
                role = _V1_ROLES.get((track.get("kind", "video"), track.get("name")))
                if role is not None and role not in seen:
                    seen.add(role)
                    track = {**track, "role": role.value}
            tracks.append(track)
        data["tracks"] = tracks
    if data["schema_version"] < SCHEMA_VERSION:
        data = {**data, "schema_version": SCHEMA_VERSION}
    return data


class Project(BaseModel):
    model_config = ConfigDict(extra="forbid")

    schema_version: int = SCHEMA_VERSION
    # stable identity: generation jobs find their project by it, wherever its folder moves
    # (Save As). A project.json from before it existed gets a fresh one, kept on its next save.
    id: str = Field(default_factory=new_id)
    title: str = "Untitled"
    format: OutputFormat = OutputFormat.VERTICAL
    fps: int = 24
    style: str | None = None  # default preset for every shot
    fit: FitMode = FitMode.COVER
    shots: list[Shot] = Field(default_factory=list, max_length=limits.MAX_ITEMS)
    takes: dict[str, Take] = Field(default_factory=dict, max_length=10 * limits.MAX_ITEMS)
    tracks: list[Track] = Field(default_factory=list, max_length=limits.MAX_ITEMS)
    media: list[MediaItem] = Field(default_factory=list, max_length=limits.MAX_ITEMS)  # the bin
    cast: list[CastMember] = Field(default_factory=list, max_length=MAX_CAST)
    loras: list[LoraRef] = Field(default_factory=list, max_length=MAX_LORAS)  # for every shot
    markers: list[Marker] = Field(default_factory=list, max_length=limits.MAX_ITEMS)
    # In/Out points (I/O): a marked range of the timeline, in frames
    in_point: int | None = Field(default=None, ge=0, le=limits.MAX_TIMELINE_FRAMES)
    out_point: int | None = Field(default=None, ge=0, le=limits.MAX_TIMELINE_FRAMES)

    @model_validator(mode="before")
    @classmethod
    def _upgrade(cls, data: Any) -> Any:
        return _migrate(data)

    @field_validator("fps")
    @classmethod
    def _fps(cls, v: int) -> int:
        if v not in SUPPORTED_FPS:
            raise ValueError(f"fps must be one of {', '.join(map(str, SUPPORTED_FPS))}")
        return v

    @field_validator("schema_version")
    @classmethod
    def _version(cls, v: int) -> int:
        if v > SCHEMA_VERSION:
            raise ValueError(
                f"made by a newer Storyboard Studio (schema {v}, this one reads {SCHEMA_VERSION})"
            )
        return v

    # --- look-ups -----------------------------------------------------------------------
    def shot(self, shot_id: str) -> Shot:
        for s in self.shots:
            if s.id == shot_id:
                return s
        raise KeyError(shot_id)

    def tracks_of(self, kind: TrackKind) -> list[Track]:
        return [t for t in self.tracks if t.kind == kind]

    def ensure_track(self, kind: TrackKind, index: int = 0) -> Track:
        """The index-th track of a kind, created if missing."""
        tracks = self.tracks_of(kind)
        while len(tracks) <= index:
            label = "V" if kind == TrackKind.VIDEO else "A"
            track = Track(kind=kind, name=f"{label}{len(tracks) + 1}")
            self.tracks.append(track)
            tracks.append(track)
        return tracks[index]

    def track_with_role(self, role: TrackRole) -> Track | None:
        return next((t for t in self.tracks if t.role == role), None)

    def find_clip(self, clip_id: str) -> tuple[Track, Clip]:
        for track in self.tracks:
            for clip in track.clips:
                if clip.id == clip_id:
                    return track, clip
        raise KeyError(clip_id)

    @property
    def duration_frames(self) -> int:
        return max((t.end for t in self.tracks), default=0)

    @property
    def duration(self) -> float:
        return self.duration_frames / self.fps

    def seconds_to_frames(self, seconds: float) -> int:
        return int(round(seconds * self.fps))
