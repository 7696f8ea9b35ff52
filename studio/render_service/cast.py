"""The cast members a shot names, as the engine needs them (CastReference).

A fictional member carries its description and its pictures resolved to absolute paths inside
the bundle; a cameo carries only its handle (and description): her pictures are read from her
consented profile by the consent check right before generation, never from the project.
"""

from __future__ import annotations

from pathlib import Path

from studio.bundle import Bundle
from studio.engine.request import CastReference
from studio.errors import Location, PolicyRefusal
from studio.model import cast_in_prompt


def cast_references(bundle: Bundle, *prompts: str | None) -> list[CastReference]:
    """The members any of `prompts` names, in cast order."""
    members = []
    for prompt in prompts:
        for member in cast_in_prompt(prompt or "", bundle.project.cast):
            if member not in members:
                members.append(member)
    return [
        CastReference(
            key=m.key,
            description=m.description,
            images=[] if m.is_cameo else [str(bundle.resolve(i)) for i in m.images],
            cameo=m.cameo,
        )
        for m in members
    ]


def cast_cameos(cast: list[CastReference]) -> list[str]:
    """The handles of the cameos among `cast` (they count as the shot's cameos for consent)."""
    return [ref.cameo for ref in cast if ref.cameo]


def check_script_cast(board) -> None:
    """Refuse (PolicyRefusal, exit 3) a script whose `[[cast]]` has a cameo without a local
    profile or without consent for this user, naming the file, line and key of each."""
    from studio.script.locate import KeyLocator

    handles = [(i, c.cameo) for i, c in enumerate(board.script.cast) if c.cameo]
    if not handles:
        return
    try:
        locator = KeyLocator(Path(board.path).read_text(encoding="utf-8-sig"))
    except (OSError, ValueError):
        locator = None

    def where(i: int) -> Location:
        line = locator.line_of(("cast", i, "cameo")) if locator else None
        return Location(str(board.path), line, f"cast[{i}].cameo", f"cast {i + 1}, key 'cameo'")

    _refuse(handles, where, board.script.title)


def check_project_cast(bundle: Bundle) -> None:
    """The same for a project bundle's cast (project.json, field cast[N].cameo)."""
    cast = bundle.project.cast
    handles = [(i, m.cameo) for i, m in enumerate(cast) if m.cameo]
    if handles:
        file = str(bundle.project_file)
        _refuse(handles, lambda i: Location(file, None, f"cast[{i}].cameo"), bundle.project.title)


def _refuse(handles: list[tuple[int, str]], where, project: str) -> None:
    from studio.cameo.guard import cast_problems

    problems = cast_problems([h for _, h in handles], project=project)
    lines = []
    for i, handle in handles:
        reason = problems.get(handle.strip().lstrip("@").lower())
        if reason:
            lines.append(f"{where(i)}: {reason}")
    if lines:
        raise PolicyRefusal("the cast cannot be used:\n  - " + "\n  - ".join(lines))
