"""Edits of the project's cast: add, change and remove members. Pure, Qt-free, one `Edit`
each, exactly undoable (the cast list is a project-level field; members are values, replaced
by changed copies, never mutated).

Each member's key (a name, or a cameo's @handle) must be unique, names compared regardless of
case, since a prompt names members by it ("oro" names Oro).
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from studio.model.cast import MAX_CAST, CastMember
from studio.model.edit import Edit, EditError, Recorder
from studio.model.project import Project

MEMBER_FIELDS = ("name", "description", "images")


def _member(project: Project, member_id: str) -> tuple[int, CastMember]:
    for i, member in enumerate(project.cast):
        if member.id == member_id:
            return i, member
    raise EditError(f"no cast member with id '{member_id}'")


def _check_unique(cast: list[CastMember], member: CastMember) -> None:
    key = member.key.lower()
    for other in cast:
        if other.id != member.id and other.key.lower() == key:
            raise EditError(f"the cast already has {other.key}")


def _valid(data: dict[str, Any]) -> CastMember:
    """A member from field values, or EditError with the model's own message."""
    try:
        return CastMember.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        message = str(error["msg"]).removeprefix("Value error, ")
        raise EditError(f"{where}: {message}" if where else message) from None


def add_cast_member(project: Project, member: CastMember) -> Edit:
    """Add a character or a cameo at the end of the cast."""
    member = _valid(member.model_dump())
    if len(project.cast) >= MAX_CAST:
        raise EditError(f"a cast has at most {MAX_CAST} members")
    if member.name.strip().startswith("@"):
        raise EditError("a character's name does not start with @ (that is how cameos are named)")
    if any(m.id == member.id for m in project.cast):
        raise EditError(f"the cast already has a member with id '{member.id}'")
    _check_unique(project.cast, member)
    rec = Recorder(project, f"Add {member.key} to the cast")
    rec.set_field("cast", [*project.cast, member])
    return rec.finish()


def set_cast_member(project: Project, member_id: str, **changes: Any) -> Edit:
    """Change a member's name, description or pictures (a cameo has no name or pictures)."""
    bad = set(changes) - set(MEMBER_FIELDS)
    if bad:
        raise EditError(f"cannot set {', '.join(sorted(bad))} on a cast member")
    i, member = _member(project, member_id)
    if member.is_cameo and ({"name", "images"} & set(changes)):
        raise EditError("a cameo's name and pictures come from the person's profile")
    if "images" in changes:
        changes["images"] = list(changes["images"])
    new = _valid({**member.model_dump(), **changes})
    if new.name.strip().startswith("@"):
        raise EditError("a character's name does not start with @ (that is how cameos are named)")
    _check_unique(project.cast, new)
    rec = Recorder(project, f"Change {new.key}")
    if new != member:
        cast = list(project.cast)
        cast[i] = new
        rec.set_field("cast", cast)
    return rec.finish()


def remove_cast_member(project: Project, member_id: str) -> Edit:
    """Take a member out of the cast (shots that name it simply stop being conditioned)."""
    i, member = _member(project, member_id)
    rec = Recorder(project, f"Remove {member.key} from the cast")
    rec.set_field("cast", [m for m in project.cast if m.id != member_id])
    return rec.finish()
