"""Where a new take goes on the timeline (pure model code, no Qt).

A take of a shot that already has clips switches those clips to the new take (clamped to the
take's length). A shot with no clip yet gets one on the first video track, after the clips of
the shots before it in storyboard order; later clips on that track move right to make room.
"""

from __future__ import annotations

from studio.assemble import SOUND_TRACK, VIDEO_TRACK, add_take, assemble_timeline
from studio.model import Clip, Operation, Project, Shot, Take, TrackKind


def take_frames(project: Project, take: Take) -> int:
    """How many project-rate frames a take provides."""
    seconds = take.duration or (take.frames / take.fps if take.fps else 0.0)
    return max(1, int(round(seconds * project.fps)))


def clips_of_shot(project: Project, shot_id: str) -> list[Clip]:
    return [
        c
        for t in project.tracks
        if t.kind == TrackKind.VIDEO
        for c in t.clips
        if c.shot_id == shot_id
    ]


def place_take(project: Project, shot: Shot, take: Take, grow: bool = False) -> list[Clip]:
    """Make the timeline show `take` for `shot`; returns the clips that now show it.

    With `grow` (an extended take) each clip lengthens to the whole take and the clips after
    it on its track move right by as much (a ripple), so nothing is covered."""
    available = take_frames(project, take)
    clips = clips_of_shot(project, shot.id)
    for clip in clips:
        clip.take_id, clip.media = take.id, None
        if clip.source_in >= available or grow:
            clip.source_in = 0
        old_end = clip.end
        want = available if grow else clip.duration
        clip.duration = max(1, min(want, available - clip.source_in))
        if grow:
            _ripple_after(project, clip, old_end, clip.end - old_end)
    if clips:
        return clips
    track = project.ensure_track(TrackKind.VIDEO, 0)
    order = {s.id: i for i, s in enumerate(project.shots)}
    mine = order.get(shot.id, len(order))
    earlier = [c for c in track.clips if order.get(c.shot_id, -1) < mine and c.shot_id in order]
    start = max((c.end for c in earlier), default=0) if earlier else _first_gap(track, mine, order)
    duration = max(1, min(project.seconds_to_frames(shot.duration), available))
    for other in track.clips:
        if other.start >= start:
            other.start += duration
    clip = Clip(take_id=take.id, shot_id=shot.id, start=start, duration=duration)
    track.clips.append(clip)
    track.clips.sort(key=lambda c: c.start)
    return [clip]


def _ripple_after(project: Project, clip: Clip, old_end: int, delta: int) -> None:
    for track in project.tracks:
        if clip in track.clips and delta:
            for other in track.clips:
                if other is not clip and other.start >= old_end - (
                    other.transition_in.duration if other.transition_in else 0
                ):
                    other.start += delta


def _first_gap(track, mine: int, order: dict) -> int:
    """Start for a shot with no earlier shots on the track: before later shots, else at end."""
    later = [c.start for c in track.clips if order.get(c.shot_id, -1) > mine]
    return min(later) if later else track.end


def _timeline_key(project: Project) -> list[tuple]:
    """The storyboard-made tracks, ignoring clip ids (which assemble regenerates)."""
    out = []
    for track in project.tracks:
        if track.name in (VIDEO_TRACK, SOUND_TRACK):
            for c in track.sorted_clips():
                out.append(
                    (
                        track.name,
                        c.take_id,
                        c.shot_id,
                        c.start,
                        c.source_in,
                        c.duration,
                        c.transition_in,
                        c.transition_out,
                    )
                )
    return out


def follows_storyboard(project: Project) -> bool:
    """True when the timeline is exactly what the storyboard order makes (no hand edits)."""
    expected = project.model_copy(deep=True)
    assemble_timeline(expected)
    return _timeline_key(expected) == _timeline_key(project)


def land_take(project: Project, take: Take) -> None:
    """Add a finished take beside the shot's others and show it on the timeline.

    An untouched timeline (one that follows the storyboard) is re-laid in storyboard order
    with the shots' transitions; a hand-edited one is changed only where this shot sits.
    """
    follows = follows_storyboard(project)
    add_take(project, take)
    if not take.shot_id or take.shot_id not in {s.id for s in project.shots}:
        return
    shot = project.shot(take.shot_id)
    grow = take.operation == Operation.EXTEND and take.kind == "video" and take.duration > 0
    if grow:
        shot.duration = min(600.0, round(take.duration, 3))  # the shot is now as long as its take
    if follows:
        assemble_timeline(project)
    elif take.kind == "video":
        place_take(project, shot, take, grow=grow)


def relayout_if_following(project: Project, change) -> None:
    """Apply a storyboard change; keep an untouched timeline following the storyboard."""
    follows = follows_storyboard(project)
    change(project)
    if follows:
        assemble_timeline(project)
