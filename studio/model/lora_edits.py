"""Edits of the LoRAs a shot or the whole storyboard asks for. Pure, Qt-free, one `Edit` each,
exactly undoable: a shot is replaced by a changed copy, the project's list is a project-level
field (studio.model.edit.Recorder.set_field).

A list is checked as a whole (at most MAX_LORAS, weights −4…4, each file named once), so the
editor's add, weight change and remove are all one operation: "the list is now this".
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import ValidationError

from studio.model.edit import Edit, EditError, Recorder
from studio.model.lora import MAX_LORAS, LoraRef
from studio.model.project import Project


def checked_loras(loras: Iterable[LoraRef]) -> list[LoraRef]:
    """The list as LoraRef values, or EditError saying what is wrong with it."""
    out: list[LoraRef] = []
    for ref in loras:
        try:
            out.append(
                LoraRef.model_validate(ref.model_dump() if isinstance(ref, LoraRef) else ref)
            )
        except ValidationError as exc:
            error = exc.errors()[0]
            where = ".".join(str(p) for p in error["loc"])
            raise EditError(f"LoRA {where}: {error['msg']}") from None
    if len(out) > MAX_LORAS:
        raise EditError(f"at most {MAX_LORAS} LoRAs")
    seen: set[str] = set()
    for ref in out:
        if ref.file in seen:
            raise EditError(f"the LoRA {ref.file} is in the list already")
        seen.add(ref.file)
    return out


def set_shot_loras(project: Project, shot_id: str, loras: Iterable[LoraRef]) -> Edit:
    """The shot's own LoRAs become `loras` (in this order)."""
    try:
        old = project.shot(shot_id)
    except KeyError:
        raise EditError(f"no shot with id '{shot_id}'") from None
    new_list = checked_loras(loras)
    rec = Recorder(project, "Edit LoRAs")
    if new_list != list(old.loras):
        rec.replace_shot(old.model_copy(update={"loras": new_list}))
    return rec.finish()


def set_project_loras(project: Project, loras: Iterable[LoraRef]) -> Edit:
    """The storyboard's LoRAs (used by every shot) become `loras`."""
    new_list = checked_loras(loras)
    rec = Recorder(project, "Edit storyboard LoRAs")
    if new_list != list(project.loras):
        rec.set_field("loras", new_list)
    return rec.finish()
