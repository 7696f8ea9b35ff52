"""Spoken lines in the prompt, in the form the model family was trained on.

LTX-2 learned speech from captions that quote the words and say who speaks them, so each line
becomes `Maya says: "We made it."` after the scene description. A family without sound gets the
prompt unchanged: words it cannot speak would only turn into captions drawn in the picture.
"""

from __future__ import annotations

from collections.abc import Sequence

from studio.model import DialogueLine
from studio.models.families import Family


def speaker_phrase(speaker: str) -> str:
    """How a speaker is named in the prompt: a cameo @handle without its @."""
    name = speaker.strip()
    return name[1:] if name.startswith("@") else name


def spoken(line: DialogueLine) -> str:
    words = " ".join(line.text.split()).replace('"', "'")
    return f'{speaker_phrase(line.speaker)} says: "{words}"'


def prompt_with_dialogue(prompt: str, lines: Sequence[DialogueLine], family: Family | None) -> str:
    """`prompt` with the shot's lines in `family`'s form (unchanged for a silent family)."""
    if not lines or family is None or not family.produces_sound:
        return prompt
    said = " ".join(spoken(line) for line in lines)
    prompt = prompt.rstrip()
    if not prompt:
        return said
    return f"{prompt}{'' if prompt.endswith(('.', '!', '?')) else '.'} {said}"
