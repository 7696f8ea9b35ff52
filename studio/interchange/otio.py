"""Hand the edit on to a professional editor: the timeline as an OpenTimelineIO file.

Each clip points at its take's media file; transitions become OTIO transitions between clips,
and every clip carries the take's lineage (prompt, seed, engine) in its metadata.
"""

from __future__ import annotations

from pathlib import Path

import opentimelineio as otio

from studio.bundle import Bundle
from studio.model import Clip, Project, Track, TrackKind, TransitionKind

_OTIO_TRANSITION = {
    TransitionKind.CROSSFADE: otio.schema.TransitionTypes.SMPTE_Dissolve,
    TransitionKind.DIP_TO_BLACK: otio.schema.TransitionTypes.Custom,
}


def _rt(frames: int, fps: int) -> otio.opentime.RationalTime:
    return otio.opentime.RationalTime(frames, fps)


def project_to_otio(project: Project, bundle: Bundle) -> otio.schema.Timeline:
    timeline = otio.schema.Timeline(name=project.title)
    timeline.global_start_time = _rt(0, project.fps)
    timeline.metadata["storyboard_studio"] = {
        "format": project.format.value,
        "size": list(project.format.size),
        "fps": project.fps,
    }
    for track in project.tracks:
        timeline.tracks.append(_track(track, project, bundle))
    return timeline


def _track(track: Track, project: Project, bundle: Bundle) -> otio.schema.Track:
    kind = (
        otio.schema.TrackKind.Video
        if track.kind == TrackKind.VIDEO
        else otio.schema.TrackKind.Audio
    )
    out = otio.schema.Track(name=track.name or track.id, kind=kind)
    cursor = 0
    for clip in track.sorted_clips():
        gap = clip.start - cursor
        trans = clip.transition_in
        if gap > 0:
            out.append(otio.schema.Gap(source_range=_range(0, gap, project.fps)))
        elif gap < 0 and trans and trans.duration:
            half = trans.duration / 2
            _shorten_last_clip(out, (-gap) // 2)
            out.append(
                otio.schema.Transition(
                    name=trans.kind.value,
                    transition_type=_OTIO_TRANSITION.get(
                        trans.kind, otio.schema.TransitionTypes.Custom
                    ),
                    in_offset=otio.opentime.RationalTime(half, project.fps),
                    out_offset=otio.opentime.RationalTime(half, project.fps),
                )
            )
        out.append(_clip(clip, project, bundle, overlap=max(0, -gap)))
        cursor = clip.end
    return out


def _shorten_last_clip(track: otio.schema.Track, frames: int) -> None:
    """The cut sits mid-transition: the outgoing clip ends `frames` before its own end."""
    if len(track) and isinstance(track[-1], otio.schema.Clip):
        prev = track[-1]
        r = prev.source_range
        prev.source_range = otio.opentime.TimeRange(
            r.start_time, r.duration - _rt(frames, r.duration.rate)
        )


def _clip(clip: Clip, project: Project, bundle: Bundle, overlap: int) -> otio.schema.Clip:
    """OTIO clips do not overlap: a transition's frames are shared between its two clips."""
    take = project.takes.get(clip.take_id) if clip.take_id else None
    media_path = take.path if take else clip.media
    url = bundle.resolve(media_path).as_uri() if media_path else ""
    ref = otio.schema.ExternalReference(target_url=url)
    lead = overlap // 2
    trimmed_start = clip.source_in + (overlap - lead)
    source = _range(trimmed_start, clip.duration - (overlap - lead), project.fps)
    out = otio.schema.Clip(name=_name(clip, project), media_reference=ref, source_range=source)
    if take:
        out.metadata["storyboard_studio"] = {
            "take": take.id,
            "shot": take.shot_id,
            "prompt": take.prompt,
            "seed": take.seed,
            "engine": take.engine,
            "model": take.model,
            "operation": take.operation.value,
            "parents": take.parents,
            "ai_generated": True,
        }
    return out


def _name(clip: Clip, project: Project) -> str:
    if clip.shot_id:
        try:
            shot = project.shot(clip.shot_id)
            return shot.name or shot.prompt[:40]
        except KeyError:
            pass
    return Path(clip.media or clip.take_id or clip.id).stem


def _range(start: int, duration: int, fps: int) -> otio.opentime.TimeRange:
    return otio.opentime.TimeRange(_rt(start, fps), _rt(max(0, duration), fps))


def write_otio(project: Project, bundle: Bundle, dest: Path) -> Path:
    from studio import atomic

    timeline = project_to_otio(project, bundle)
    atomic.write_text(Path(dest), otio.adapters.write_to_string(timeline, "otio_json"))
    return Path(dest)
