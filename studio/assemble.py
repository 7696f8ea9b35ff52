"""From storyboard to project: a script's shots and audio cues become a bundle.

Where takes go on the timeline is studio.layout (the storyboard order sets the cut; each shot's
transition overlaps it with the next shot and the last shot's fades to black, so the video lasts
the sum of the shot durations minus the transitions between them).
"""

from __future__ import annotations

from studio.audio.decode import probe_audio
from studio.bundle import Bundle
from studio.errors import InputError, Location
from studio.layout.storyboard import SOUND_NAME, VIDEO_NAME, rebuild, shot_frames
from studio.model import (
    CastMember,
    Clip,
    DialogueLine,
    Keyframe,
    LoraRef,
    Project,
    Shot,
    Take,
    Track,
    TrackKind,
)
from studio.script.storyboard import Storyboard, transition_seconds

VIDEO_TRACK, SOUND_TRACK = VIDEO_NAME, SOUND_NAME  # names shown; the role marks the tracks
__all__ = ["add_take", "assemble_timeline", "project_from_storyboard", "shot_frames"]


def project_from_storyboard(board: Storyboard, bundle_path) -> Bundle:
    """A new bundle holding the storyboard's shots and audio cues; media copied into it."""
    script = board.script
    project = Project(
        title=script.title, format=script.format, fps=script.fps, style=script.style, fit=script.fit
    )
    bundle = Bundle(bundle_path, project)
    bundle.path.mkdir(parents=True, exist_ok=True)
    for c in script.cast:  # a cameo's pictures stay in her profile: only fictional ones copied
        images = [bundle.import_media(board.resolve(i)) for i in c.images]
        project.cast.append(
            CastMember(name=c.name or "", description=c.description, images=images, cameo=c.cameo)
        )
    project.loras = [_lora(board, bundle, lo) for lo in script.lora]
    for s in script.shot:
        image = bundle.import_media(board.resolve(s.image)) if s.image else None
        last = bundle.import_media(board.resolve(s.last_image)) if s.last_image else None
        keyframes = [
            Keyframe(
                at=k.at, image=bundle.import_media(board.resolve(k.image)), strength=k.strength
            )
            for k in s.keyframe
        ]
        project.shots.append(
            Shot(
                name=s.name,
                prompt=s.prompt,
                duration=s.duration,
                camera=s.camera,
                style=s.style,
                seed=s.seed,
                image=image,
                image_strength=s.image_strength,
                last_image=last,
                keyframes=keyframes,
                dialogue=[DialogueLine(speaker=d.speaker, text=d.text) for d in s.dialogue],
                transition=s.transition,
                transition_duration=transition_seconds(s),
                audio=s.audio,
                loras=[_lora(board, bundle, lo) for lo in s.lora],
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


def _lora(board: Storyboard, bundle: Bundle, lora) -> LoraRef:
    """A script's LoRA as the project keeps it: copied into the bundle's loras/ when it is
    script-relative, by name when it is in the user's LoRA folder (studio.lorafiles.locate)."""
    from studio.lorafiles.locate import import_lora

    return LoraRef(file=import_lora(bundle.path, board.base_dir, lora.file), weight=lora.weight)


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


def assemble_timeline(project: Project) -> None:
    """Lay every shot's current take (and sound take) on the storyboard's tracks in storyboard
    order (a Rebuild; see studio.layout.storyboard). Other tracks are left alone."""
    rebuild(project)


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
