"""The Project document: shots, takes and the timeline, plus its output format."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from studio import limits
from studio.model.formats import SUPPORTED_FPS, FitMode, OutputFormat
from studio.model.shot import Shot
from studio.model.take import Take
from studio.model.timeline import Clip, Track, TrackKind

SCHEMA_VERSION = 1


class Project(BaseModel):
    model_config = ConfigDict(extra="forbid")

    schema_version: int = SCHEMA_VERSION
    title: str = "Untitled"
    format: OutputFormat = OutputFormat.VERTICAL
    fps: int = 24
    style: str | None = None  # default preset for every shot
    fit: FitMode = FitMode.COVER
    shots: list[Shot] = Field(default_factory=list, max_length=limits.MAX_ITEMS)
    takes: dict[str, Take] = Field(default_factory=dict, max_length=10 * limits.MAX_ITEMS)
    tracks: list[Track] = Field(default_factory=list, max_length=limits.MAX_ITEMS)

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
