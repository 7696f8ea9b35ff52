"""Edits of a shot's takes for the takes browser: keep a new take without showing it, delete
takes, delete all but the chosen ones. Pure, Qt-free, one `Edit` each, exact undo.

Picking a take as the shot's current one is `studio.layout.landing.switch_take` (it also
switches the timeline's clips). A take that is in use — a shot's current or sound take, or
shown by a clip — is never deleted. Deleting a picture deletes the sound take linked with it
(made by the same run) when nothing else uses that sound. The files are not touched here:
studio.take_files moves the ones nothing uses any more into the bundle's trash.
"""

from __future__ import annotations

from studio.model.edit import Edit, EditError, Recorder
from studio.model.project import Project
from studio.model.take import Take, TakeKind


def keep_take(project: Project, take: Take, name: str = "") -> Edit:
    """Add a take to the project without making it current (a variation landing beside the
    shot's present take); a shot with no take yet shows it, as a first take would."""
    from studio.layout.landing import land_take

    shot = next((s for s in project.shots if s.id == take.shot_id), None)
    if shot is not None and take.kind == TakeKind.VIDEO and not shot.current_take:
        return land_take(project, take, name or "New take (variation)")
    rec = Recorder(project, name or "New take (variation)")
    rec.put_take(take)
    return rec.finish()


def in_use(project: Project) -> dict[str, str]:
    """Take id → why it cannot be deleted ("current take of Shot 2", "on the timeline")."""
    why: dict[str, str] = {}
    for i, shot in enumerate(project.shots):
        label = f"shot {shot.name or i + 1}"
        if shot.current_take:
            why.setdefault(shot.current_take, f"the current take of {label}")
        if shot.sound_take:
            why.setdefault(shot.sound_take, f"the sound take of {label}")
    for track in project.tracks:
        for clip in track.clips:
            if clip.take_id:
                why.setdefault(clip.take_id, "shown by a clip on the timeline")
    return why


def delete_takes(project: Project, take_ids: list[str], name: str = "Delete takes") -> Edit:
    """Remove takes from the project; refused (nothing changed) if one is unknown or in use."""
    used = in_use(project)
    for tid in take_ids:
        if tid not in project.takes:
            raise EditError(f"no take with id '{tid}'")
        if tid in used:
            raise EditError(f"take {tid} is {used[tid]}: pick another take first")
    rec = Recorder(project, name)
    doomed = list(dict.fromkeys(take_ids))
    for tid in list(doomed):
        linked = project.takes[tid].linked
        if linked and linked in project.takes and linked not in used and linked not in doomed:
            doomed.append(linked)  # its sound, made by the same run, goes with it
    for tid in doomed:
        _drop(rec, tid)
    return rec.finish()


def delete_other_takes(project: Project, shot_id: str, keep: list[str]) -> Edit:
    """Delete the shot's picture takes except `keep` and those in use (which stay)."""
    used = in_use(project)
    doomed = [
        t.id
        for t in project.takes.values()
        if t.shot_id == shot_id
        and t.kind == TakeKind.VIDEO
        and t.id not in keep
        and t.id not in used
    ]
    return delete_takes(project, doomed, "Delete other takes")


def shot_takes(project: Project, shot_id: str) -> list[Take]:
    """The shot's picture takes, oldest first (the browser's order)."""
    takes = [t for t in project.takes.values() if t.shot_id == shot_id]
    return sorted((t for t in takes if t.kind == TakeKind.VIDEO), key=lambda t: t.created)


def _drop(rec: Recorder, take_id: str) -> None:
    """Record the take, then take it out (the Edit's `after` for it is None: removed)."""
    rec.edit.takes_before.setdefault(take_id, rec.project.takes.get(take_id))
    rec.project.takes.pop(take_id, None)
