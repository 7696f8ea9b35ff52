"""From storyboard to timeline: shots become a project, takes become clips on tracks.

The storyboard order sets the cut; each shot's transition overlaps it with the next shot (and
the last shot's transition fades to black), so the video lasts the sum of the shot durations
minus the transitions between them.
"""

from __future__ import annotations

from studio.audio.decode import probe_audio
from studio.bundle import Bundle
from studio.errors import InputError, Location
from studio.model import Clip, Project, Shot, Take, Track, TrackKind, Transition, TransitionKind
from studio.script.storyboard import Storyboard, transition_seconds

VIDEO_TRACK = "V1"
SOUND_TRACK = "Shot sound"


def project_from_storyboard(board: Storyboard, bundle_path) -> Bundle:
    """A new bundle holding the storyboard's shots and audio cues; media copied into it."""
    script = board.script
    project = Project(
        title=script.title, format=script.format, fps=script.fps, style=script.style, fit=script.fit
    )
    bundle = Bundle(bundle_path, project)
    bundle.path.mkdir(parents=True, exist_ok=True)
    for s in script.shot:
        image = bundle.import_media(board.resolve(s.image)) if s.image else None
        project.shots.append(
            Shot(
                name=s.name,
                prompt=s.prompt,
                duration=s.duration,
                camera=s.camera,
                style=s.style,
                seed=s.seed,
                image=image,
                transition=s.transition,
                transition_duration=transition_seconds(s),
                audio=s.audio,
            )
        )
    end = board.duration
    for cue in script.audio:
        if cue.start >= end:
            continue  # the storyboard check already warned about it
        source = board.resolve(cue.file)
        media = bundle.import_media(source)
        length = cue.duration or max(_sound_seconds(source) - cue.offset, 1 / project.fps)
        length = min(length, end - cue.start)  # sound under the film, not past its end
        track = _named_track(project, TrackKind.AUDIO, f"A{cue.track}")
        track.clips.append(
            Clip(
                media=media,
                start=project.seconds_to_frames(cue.start),
                source_in=project.seconds_to_frames(cue.offset),
                duration=max(1, project.seconds_to_frames(length)),
                gain_db=cue.gain_db,
                fade_in=cue.fade_in,
                fade_out=cue.fade_out,
                pan=cue.pan,
            )
        )
    bundle.save()
    return bundle


def _sound_seconds(path) -> float:
    info = probe_audio(path)
    if info is None:
        raise InputError("this file has no sound to play", Location(file=str(path)))
    return info.duration


def _named_track(project: Project, kind: TrackKind, name: str) -> Track:
    for track in project.tracks_of(kind):
        if track.name == name:
            return track
    track = Track(kind=kind, name=name)
    project.tracks.append(track)
    return track


def shot_frames(project: Project, shot: Shot) -> int:
    return max(1, project.seconds_to_frames(shot.duration))


def transition_frames(project: Project, shot: Shot) -> int:
    if shot.transition == TransitionKind.CUT:
        return 0
    return project.seconds_to_frames(shot.transition_duration)


def assemble_timeline(project: Project) -> None:
    """Lay every shot's current take (and sound take) on the timeline in storyboard order.

    Rebuilds the storyboard's video track and shot-sound track; other tracks are left alone.
    """
    video = _named_track(project, TrackKind.VIDEO, VIDEO_TRACK)
    video.clips = []
    sound = next((t for t in project.tracks_of(TrackKind.AUDIO) if t.name == SOUND_TRACK), None)
    if sound:
        sound.clips = []
    start, previous = 0, None
    for shot in project.shots:
        frames = shot_frames(project, shot)
        overlap = transition_frames(project, previous) if previous else 0
        start = max(0, start - overlap)
        if shot.current_take:
            clip = Clip(take_id=shot.current_take, shot_id=shot.id, start=start, duration=frames)
            if previous and overlap:
                clip.transition_in = Transition(kind=previous.transition, duration=overlap)
            video.clips.append(clip)
        if shot.sound_take:
            sound = sound or _named_track(project, TrackKind.AUDIO, SOUND_TRACK)
            sound.clips.append(
                Clip(take_id=shot.sound_take, shot_id=shot.id, start=start, duration=frames)
            )
        start += frames
        previous = shot
    if video.clips and previous and previous.transition != TransitionKind.CUT:
        last = video.clips[-1]
        out = min(transition_frames(project, previous), last.duration)
        last.transition_out = Transition(kind=TransitionKind.DIP_TO_BLACK, duration=out)
    project.tracks = [t for t in project.tracks if not (t.name == SOUND_TRACK and not t.clips)]


def add_take(project: Project, take: Take, make_current: bool = True) -> None:
    """Keep a new take beside the shot's others; optionally make it the one on the timeline."""
    project.takes[take.id] = take
    if not (make_current and take.shot_id):
        return
    try:
        shot = project.shot(take.shot_id)
    except KeyError:
        return
    if take.kind == "audio":
        shot.sound_take = take.id
    else:
        shot.current_take = take.id
