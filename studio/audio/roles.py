"""What a piece of sound is for — music, speech or effects — so the mixer knows what to duck
under what. Read from the words a creator already uses: track names ("Music", "VO",
"Dialogue") and, failing that, the take's description or the imported file's name."""

from __future__ import annotations

import re
from enum import StrEnum

from studio.model import Clip, Project, Track


class Role(StrEnum):
    MUSIC = "music"
    SPEECH = "speech"
    EFFECTS = "effects"


_MUSIC = {"music", "score", "song", "songs", "bgm", "soundtrack", "beat", "beats", "melody", "tune"}
_SPEECH = {
    "voice",
    "voices",
    "vo",
    "voiceover",
    "dialog",
    "dialogue",
    "dialogues",
    "speech",
    "narration",
    "narrator",
    "talk",
    "talking",
    "speaking",
    "spoken",
    "interview",
    "podcast",
    "tts",
    "lines",
}
_WORD = re.compile(r"[a-z]+")


def role_of_text(text: str) -> Role | None:
    """The role a name or description announces, or None if it says nothing about it."""
    words = set(_WORD.findall(text.lower().replace("voice-over", "voiceover")))
    if words & _SPEECH:
        return Role.SPEECH
    if words & _MUSIC:
        return Role.MUSIC
    return None


def clip_role(project: Project, track: Track, clip: Clip) -> Role:
    """The track's name decides; a neutral track ("A1") falls back to what the clip holds."""
    named = role_of_text(track.name)
    if named is not None:
        return named
    if clip.take_id and clip.take_id in project.takes:
        take = project.takes[clip.take_id]
        found = role_of_text(take.prompt)
        if found is not None:
            return found
    if clip.media:
        found = role_of_text(clip.media.rsplit("/", 1)[-1].rsplit(".", 1)[0])
        if found is not None:
            return found
    return Role.EFFECTS
