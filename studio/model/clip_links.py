"""Linked clips: a picture and the sound one model run made with it stay cut together.

Clips that share a `Clip.link` id are one unit for the timeline operations of
studio.model.edits: the operation is made on the clip the editor acted on, then the same
operation on each linked clip (on its own track, same timeline frames), all as one Edit. If a
linked clip cannot follow (its track has no room), nothing changes and the error says so;
`unlink` cuts them apart for editors who want that.
"""

from __future__ import annotations

from collections.abc import Callable

from studio.model.edit import Edit, EditError, Recorder, find
from studio.model.project import Project
from studio.model.shot import new_id
from studio.model.timeline import Clip

Follow = Callable[[str, Clip], Edit]  # (linked clip id, that clip now) → its edit


def linked_ids(project: Project, clip: Clip) -> list[str]:
    """Ids of the other clips linked to `clip`, in track order."""
    if not clip.link:
        return []
    return [
        c.id for t in project.tracks for c in t.clips if c.link == clip.link and c.id != clip.id
    ]


def follow(project: Project, edit: Edit, partners: list[str], op: Follow) -> Edit:
    """`edit` (already applied) followed by `op` on each of `partners`, as one Edit; if one
    cannot follow, everything is put back and the error names the link."""
    done = [edit]
    try:
        for pid in partners:
            _track, clip = find(project, pid)
            done.append(op(pid, clip))
    except EditError as exc:
        for applied in reversed(done):
            applied.undo(project)
        raise EditError(f"its linked clip cannot follow ({exc}); unlink them first") from None
    out = done[0]
    for later in done[1:]:
        out = out.then(later)
    out.clip_id = edit.clip_id
    return out


def relink(project: Project, edit: Edit, clip_ids: list[str]) -> Edit:
    """Give `clip_ids` a fresh shared link (the right halves of a linked split)."""
    if len(clip_ids) < 2:
        return edit
    rec = Recorder(project, edit.name)
    group = new_id()
    for cid in clip_ids:
        track, clip = find(project, cid)
        rec.track(track)
        track.clips[track.clips.index(clip)] = clip.model_copy(update={"link": group})
    return edit.then(rec.finish())


def link_clips(project: Project, clip_ids: list[str], name: str = "Link clips") -> Edit:
    """Link clips so they edit together (landing does this for a linked picture and sound)."""
    rec = Recorder(project, name)
    group = new_id()
    for cid in clip_ids:
        track, clip = find(project, cid)
        rec.track(track)
        track.clips[track.clips.index(clip)] = clip.model_copy(update={"link": group})
    return rec.finish(clip_ids[0] if clip_ids else None)


def unlink(project: Project, clip_id: str) -> Edit:
    """Cut a clip apart from the clips linked to it (each then edits on its own)."""
    _track, clip = find(project, clip_id)
    if not clip.link:
        raise EditError("this clip is not linked to another")
    rec = Recorder(project, "Unlink")
    for t in project.tracks:
        for i, c in enumerate(t.clips):
            if c.link == clip.link:
                rec.track(t)
                t.clips[i] = c.model_copy(update={"link": None})
    return rec.finish(clip_id)
