"""Where a take goes: a finished take lands beside its shot's others and shows on the timeline.

On the storyboard track the take replaces its shot's clip in place; when its length differs
the clips after it ripple (an extended take lengthens the clip to the whole take). A shot with
no clip yet gets one in storyboard order, and later shots move right to make room. Nothing
ever lands on top of another clip; hand edits elsewhere on the track are kept (see
studio.layout.storyboard). Clips of the shot on hand-made tracks switch take in place.
"""

from __future__ import annotations

from studio.layout.frames import take_frames
from studio.layout.storyboard import new_clip_frames, restack, shot_frames
from studio.model.edit import Edit, EditError, Recorder, index_of
from studio.model.project import Project
from studio.model.shot import new_id
from studio.model.take import Operation, Take, TakeKind
from studio.model.timeline import Clip, TrackKind, TrackRole


def land_take(project: Project, take: Take, name: str = "") -> Edit:
    """Keep `take`, make it its shot's current (or sound) take and show it; one Edit.

    Never refused: if the timeline cannot show it (its track rules would break), the take is
    still kept and made current, and the timeline is left as it was."""
    name = name or f"New take ({take.operation.value})"
    try:
        return _land(project, take, name)
    except EditError:
        rec = Recorder(project, name)
        rec.put_take(take)
        shot = _shot(project, take.shot_id)
        if shot is not None:
            field = "sound_take" if take.kind == TakeKind.AUDIO else "current_take"
            rec.replace_shot(shot.model_copy(update={field: take.id}))
        return rec.finish()


def _land(project: Project, take: Take, name: str) -> Edit:
    rec = Recorder(project, name)
    rec.put_take(take)
    shot = _shot(project, take.shot_id)
    if shot is None:
        return rec.finish()
    if take.kind == TakeKind.AUDIO:
        rec.replace_shot(shot.model_copy(update={"sound_take": take.id}))
        restack(rec)
        if take.linked and take.linked in project.takes:  # made with its picture: cut together
            link_pair(rec, shot.id, take.linked, take.id)
        return rec.finish()
    grow = take.operation == Operation.EXTEND and take.duration > 0
    update: dict = {"current_take": take.id}
    if grow:  # the shot is now as long as its take
        update["duration"] = min(600.0, round(take.duration, 3))
    sound = project.takes.get(take.linked) if take.linked else None
    if sound is not None and sound.kind == TakeKind.AUDIO:
        update["sound_take"] = sound.id  # its own sound comes back with it
    rec.replace_shot(shot.model_copy(update=update))
    show_take(rec, shot.id, take, grow=grow, old_take=shot.current_take)
    if "sound_take" in update:
        restack(rec)
        link_pair(rec, shot.id, take.id, sound.id)
    return rec.finish()


def land_as_new_shot(project: Project, take: Take, after_shot_id: str, name: str = "") -> Edit:
    """Keep `take` as the current take of a NEW shot right after `after_shot_id` (a copy of
    that shot's fields, as long as the take), so the result is added as a new clip and the
    shot it was made from keeps its own take (a blend's "Add as a new clip"). One Edit."""
    source = _shot(project, after_shot_id)
    if source is None:
        return land_take(project, take, name)  # its shot was deleted meanwhile: just keep it
    from studio.model.shot_edits import add_shots  # shot_edits imports this package

    shot = source.model_copy(
        update={
            "id": new_id(),
            "name": None,
            "current_take": take.id,
            "sound_take": None,
            "duration": min(600.0, round(take.duration, 3)) if take.duration > 0 else 3.0,
        }
    )
    rec = Recorder(project, name or "New clip from a take")
    rec.put_take(take.model_copy(update={"shot_id": shot.id}))
    kept = rec.finish()
    at = next(i for i, s in enumerate(project.shots) if s.id == after_shot_id) + 1
    try:
        added = add_shots(project, [shot], at, name or "New clip from a take")
    except EditError:
        kept.undo(project)
        raise
    edit = kept.then(added)
    edit.name = added.name
    return edit


def link_pair(rec: Recorder, shot_id: str, video_id: str, sound_id: str) -> None:
    """Link the shot's picture clip of `video_id` on the storyboard track with its sound clip
    of `sound_id` on the shot-sound track (one model run made both), in sync: the sound starts
    where the picture does and is no longer than it."""
    project = rec.project
    picture = project.track_with_role(TrackRole.STORYBOARD_VIDEO)
    sound = project.track_with_role(TrackRole.STORYBOARD_SOUND)
    if picture is None or sound is None:
        return
    pics = [c for c in picture.clips if c.shot_id == shot_id and c.take_id == video_id]
    sounds = [c for c in sound.clips if c.shot_id == shot_id and c.take_id == sound_id]
    if len(pics) != 1 or len(sounds) != 1:
        return  # a split or hand-edited shot: leave the clips as the editor made them
    pic, snd = pics[0], sounds[0]
    group = pic.link or snd.link or new_id()
    rec.track(picture).clips[picture.clips.index(pic)] = pic.model_copy(update={"link": group})
    synced = snd.model_copy(
        update={
            "link": group,
            "start": pic.start,
            "source_in": pic.source_in,
            "duration": min(snd.duration, pic.duration),
        }
    )
    rec.track(sound).clips[sound.clips.index(snd)] = synced


def switch_take(project: Project, shot_id: str, take_id: str) -> Edit:
    """Show another of a shot's takes (the inspector's and the clip menu's "Swap take")."""
    rec = Recorder(project, "Swap take")
    shot, take = _shot(project, shot_id), project.takes.get(take_id)
    if shot is None or take is None or take.kind != TakeKind.VIDEO:
        raise EditError("choose a picture take of this shot")
    rec.replace_shot(shot.model_copy(update={"current_take": take_id}))
    show_take(rec, shot_id, take, old_take=shot.current_take)
    return rec.finish()


def show_take(
    rec: Recorder, shot_id: str, take: Take, grow: bool = False, old_take: str | None = None
) -> None:
    """Switch the shot's clips to `take` in place (recorded in `rec`), then ripple."""
    project = rec.project
    available = take_frames(project, take)
    full = {shot_frames(project, project.shot(shot_id))}
    old_len = take_frames(project, project.takes.get(old_take)) if old_take else None
    if old_len:
        full.add(old_len)
    placed = False  # on a hand-made track a clip never grows (it could cover the next one)
    for track in project.tracks:
        if track.kind != TrackKind.VIDEO:
            continue
        mine = [c for c in track.clips if c.shot_id == shot_id]
        if not mine:
            continue
        rec.track(track)
        ripple = track.role == TrackRole.STORYBOARD_VIDEO
        placed = placed or ripple
        whole = len(mine) == 1 and mine[0].source_in == 0 and mine[0].duration in full
        for clip in mine:
            new = _on_take(
                project, clip, take, available, grow and whole and ripple, whole and ripple
            )
            track.clips[index_of(track.clips, clip)] = new
    if placed:
        restack(rec)
    else:
        restack(rec, fresh={shot_id: new_clip_frames(project, project.shot(shot_id), take.id)})


def _on_take(project, clip: Clip, take: Take, available, grow: bool, whole: bool) -> Clip:
    source_in = clip.source_in
    if grow or (available is not None and source_in >= available):
        source_in = 0
    if available is None:
        duration = clip.duration
    elif grow:
        duration = available
    elif whole:  # the clip showed the whole shot: it shows the whole new take, up to the shot
        shot = project.shot(clip.shot_id)
        duration = min(shot_frames(project, shot), available)
    else:
        duration = min(clip.duration, available - source_in)
    return clip.model_copy(
        update={
            "take_id": take.id,
            "media": None,
            "source_in": source_in,
            "duration": max(1, duration),
            # a picture without its own sound is no longer cut together with the old sound
            "link": clip.link if take.linked else None,
        }
    )


def _shot(project: Project, shot_id: str | None):
    if not shot_id:
        return None
    return next((s for s in project.shots if s.id == shot_id), None)
