"""A project's storyboard written back as a script: the storyboard is also a text file.

The inverse of storyboard.py: the cast, shots and audio cues become `[[cast]]`, `[[shot]]` and
`[[audio]]` tables a creator can read, diff, edit by hand and render again.
"""

from __future__ import annotations

import os
from pathlib import Path

from studio.bundle import Bundle
from studio.model import CastMember, Clip, Project, Shot, TrackKind
from studio.presets.library import toml_value

_HEADER = "# Storyboard Studio storyboard script. Render it: storyboard-studio render {name} -o film.mp4\n"


def storyboard_text(bundle: Bundle, script_path: Path) -> str:
    """TOML for the bundle's project; media paths are written relative to the script."""
    project = bundle.project
    base = Path(script_path).resolve().parent
    lines = [_HEADER.format(name=Path(script_path).name)]
    lines += _pairs(
        {
            "title": project.title,
            "format": project.format.value,
            "fps": project.fps,
            "style": project.style,
            "fit": project.fit.value,
        }
    )
    for member in project.cast:
        lines += ["", "[[cast]]", *_pairs(_cast_fields(member, bundle, base))]
    for lora in project.loras:
        lines += ["", "[[lora]]", *_pairs(_lora_fields(lora, bundle, base))]
    for shot in project.shots:
        lines += ["", "[[shot]]", *_pairs(_shot_fields(shot, bundle, base))]
        for lora in shot.loras:
            lines += ["", "[[shot.lora]]", *_pairs(_lora_fields(lora, bundle, base))]
        for key in shot.keyframes:
            image = _relative(bundle, key.image, base)
            lines += ["", "[[shot.keyframe]]"]
            lines += _pairs({"at": key.at, "image": image, "strength": key.strength})
        for line in shot.dialogue:
            lines += [
                "",
                "[[shot.dialogue]]",
                *_pairs({"speaker": line.speaker, "text": line.text}),
            ]
    for number, clip in _audio_cues(project):
        lines += ["", "[[audio]]", *_pairs(_cue_fields(clip, number, project, bundle, base))]
    return "\n".join(lines) + "\n"


def write_storyboard(bundle: Bundle, script_path: Path) -> Path:
    from studio import atomic

    atomic.write_text(Path(script_path), storyboard_text(bundle, script_path))
    return Path(script_path)


def _pairs(fields: dict) -> list[str]:
    return [f"{k} = {toml_value(v)}" for k, v in fields.items() if v is not None]


def _relative(bundle: Bundle, media: str, base: Path) -> str:
    return Path(os.path.relpath(bundle.resolve(media), base)).as_posix()


def _lora_fields(lora, bundle: Bundle, base: Path) -> dict:
    """A LoRA kept in the bundle is written relative to the script; a name of the user's LoRA
    folder stays a bare name."""
    from studio.lorafiles.library import is_bare_name

    file = lora.file if is_bare_name(lora.file) else _relative(bundle, lora.file, base)
    return {"file": file, "weight": lora.weight}


def _shot_fields(shot: Shot, bundle: Bundle, base: Path) -> dict:
    cut = shot.transition == "cut"
    return {
        "name": shot.name,
        "prompt": shot.prompt,
        "duration": shot.duration,
        "camera": shot.camera.value,
        "style": shot.style,
        "seed": shot.seed,
        "image": _relative(bundle, shot.image, base) if shot.image else None,
        "image_strength": shot.image_strength if shot.image_strength != 1.0 else None,
        "last_image": _relative(bundle, shot.last_image, base) if shot.last_image else None,
        "transition": None if cut else shot.transition.value,
        "transition_duration": None if cut else shot.transition_duration,
        "audio": shot.audio,
    }


def _cast_fields(member: CastMember, bundle: Bundle, base: Path) -> dict:
    """A character with its pictures relative to the script; a cameo by its handle only."""
    return {
        "name": member.name.strip() or None,
        "cameo": f"@{member.cameo}" if member.cameo else None,
        "description": member.description or None,
        "images": [_relative(bundle, i, base) for i in member.images] or None,
    }


def _audio_cues(project: Project) -> list[tuple[int, Clip]]:
    """Imported sound on audio tracks (generated shot sound comes from each shot's `audio`)."""
    out = []
    for number, track in enumerate(project.tracks_of(TrackKind.AUDIO), start=1):
        out += [(number, c) for c in track.sorted_clips() if c.media]
    return out


def _cue_fields(clip: Clip, track: int, project: Project, bundle: Bundle, base: Path) -> dict:
    fps = project.fps
    return {
        "file": _relative(bundle, clip.media, base),
        "start": clip.start / fps,
        "offset": clip.source_in / fps or None,
        "duration": clip.duration / fps,
        "gain_db": clip.gain_db,
        "fade_in": clip.fade_in or None,
        "fade_out": clip.fade_out or None,
        "pan": clip.pan or None,
        "track": track,
    }
