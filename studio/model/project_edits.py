"""Project-level edits: settings (title, format, fps, style, fit, storyboard LoRAs), markers, In/Out points and
track switches (mute, solo, lock, gain). Pure, Qt-free, one `Edit` each, exactly undoable.

Changing the fps re-fits the timeline: positions are integer frames at the project fps, so
every clip, transition, marker and In/Out point is rescaled to keep its time in seconds (a
crossfade keeps joining the same two clips). Changing the format needs no clip change: the
compositor fits every take into the new frame with each clip's fit mode.
"""

from __future__ import annotations

from typing import Any

from studio.model.edit import Edit, EditError, Recorder, track_by_id
from studio.model.formats import SUPPORTED_FPS, FitMode, OutputFormat
from studio.model.lora_edits import checked_loras
from studio.model.project import Project
from studio.model.timeline import Clip, Marker, Track

SETTINGS = ("title", "format", "fps", "style", "fit", "loras")


def _checked(name: str, value: Any) -> Any:
    """A settings value in its model type, or EditError naming the field."""
    try:
        if name == "title":
            text = str(value).strip()
            if not text or len(text) > 200:
                raise ValueError("a title has 1 to 200 characters")
            return text
        if name == "format":
            return OutputFormat(str(value).lower())
        if name == "fit":
            return FitMode(str(value).lower())
        if name == "fps":
            if int(value) not in SUPPORTED_FPS:
                raise ValueError(f"fps must be one of {', '.join(map(str, SUPPORTED_FPS))}")
            return int(value)
        if name == "style":
            return str(value) if value else None
        if name == "loras":
            return checked_loras(value)
    except ValueError as exc:
        raise EditError(f"{name}: {exc}") from None
    raise EditError(f"'{name}' is not a project setting")


def set_project_settings(project: Project, **changes: Any) -> Edit:
    """Change any of title, format, fps, style, fit and the storyboard's LoRAs as one edit
    (Project Settings)."""
    values = {name: _checked(name, v) for name, v in changes.items()}
    rec = Recorder(project, "Change project settings")
    new_fps = values.get("fps", project.fps)
    if new_fps != project.fps:
        _refit(rec, project.fps, new_fps)
    for name, value in values.items():
        if getattr(project, name) != value:
            rec.set_field(name, value)
    return rec.finish()


def _scale(frame: int, old: int, new: int) -> int:
    return int(round(frame * new / old))


def _refit(rec: Recorder, old: int, new: int) -> None:
    """Rescale every frame position from `old` to `new` fps, keeping times in seconds."""
    project = rec.project
    for track in project.tracks:
        rec.track(track)
        track.clips = _rescaled(track, old, new)
    markers = [m.model_copy(update={"frame": _scale(m.frame, old, new)}) for m in project.markers]
    rec.set_field("markers", markers)
    for name in ("in_point", "out_point"):
        value = getattr(project, name)
        if value is not None:
            rec.set_field(name, _scale(value, old, new))


def _rescaled(track: Track, old: int, new: int) -> list[Clip]:
    out: list[Clip] = []
    prev_end: int | None = None
    for clip in track.sorted_clips():
        start, end = _scale(clip.start, old, new), _scale(clip.end, old, new)
        end = max(end, start + 1)
        update: dict[str, Any] = {
            "start": start,
            "duration": end - start,
            "source_in": _scale(clip.source_in, old, new),
        }
        if clip.transition_in is not None:
            over = prev_end - start if prev_end is not None and prev_end > start else 0
            dur = over or _scale(clip.transition_in.duration, old, new)
            update["transition_in"] = clip.transition_in.model_copy(update={"duration": dur})
        if clip.transition_out is not None:
            dur = _scale(clip.transition_out.duration, old, new)
            update["transition_out"] = clip.transition_out.model_copy(update={"duration": dur})
        out.append(clip.model_copy(update=update))
        prev_end = end
    return out


# --- markers and In/Out -------------------------------------------------------------------------


def add_marker(project: Project, frame: int, name: str = "") -> Edit:
    """A marker at `frame` (M). A second marker on the same frame is not added."""
    frame = max(0, int(frame))
    rec = Recorder(project, "Add marker")
    if all(m.frame != frame for m in project.markers):
        marker = Marker(frame=frame, name=name or f"Marker {len(project.markers) + 1}")
        rec.set_field("markers", sorted([*project.markers, marker], key=lambda m: m.frame))
    return rec.finish()


def remove_marker(project: Project, frame: int) -> Edit:
    rec = Recorder(project, "Remove marker")
    kept = [m for m in project.markers if m.frame != frame]
    if len(kept) != len(project.markers):
        rec.set_field("markers", kept)
    return rec.finish()


def set_in_out(project: Project, in_point: int | None = -1, out_point: int | None = -1) -> Edit:
    """Set the In point (I) and/or Out point (O); -1 leaves one as it is, None clears it.
    An In after the Out (or an Out before the In) moves the other point out of the way."""
    new_in = project.in_point if in_point == -1 else in_point
    new_out = project.out_point if out_point == -1 else out_point
    if new_in is not None and new_out is not None and new_in >= new_out:
        if in_point != -1:
            new_out = None
        else:
            new_in = None
    rec = Recorder(project, "Set In/Out")
    if new_in != project.in_point:
        rec.set_field("in_point", None if new_in is None else max(0, int(new_in)))
    if new_out != project.out_point:
        rec.set_field("out_point", None if new_out is None else max(0, int(new_out)))
    return rec.finish()


# --- track switches -----------------------------------------------------------------------------

_TRACK_FIELDS = {"muted", "solo", "locked", "gain_db", "name"}


def set_track_fields(project: Project, track_id: str, **changes: Any) -> Edit:
    """Mute, solo, lock, gain or rename a track (the track is replaced by a changed copy)."""
    bad = set(changes) - _TRACK_FIELDS
    if bad:
        raise EditError(f"cannot set {', '.join(sorted(bad))} on a track")
    track = track_by_id(project, track_id)
    try:
        new = Track.model_validate(
            {**track.model_dump(exclude={"clips"}), **changes, "clips": list(track.clips)}
        )
    except ValueError as exc:
        raise EditError(str(exc).splitlines()[-1] if str(exc) else "invalid value") from None
    rec = Recorder(project, "Change track")
    tracks = rec.track_list()
    tracks[tracks.index(track)] = new
    new.clips = list(track.clips)  # the same clip values, a list of its own
    return rec.finish()
