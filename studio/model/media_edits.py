"""Edits for imported media: the bin, and placing a bin item on the timeline. Pure, Qt-free,
one `Edit` each.

Pictures and videos go on a hand-made video track above the storyboard's (a still lasts
`STILL_SECONDS` unless told otherwise); sound goes on its own audio track, "Music" or
"Voice-over", made when missing. A placement never overwrites: when the spot is taken the
clip goes after the last clip of that track.
"""

from __future__ import annotations

from studio.model.drop_edits import DropMode, make_room
from studio.model.edit import Edit, EditError, Recorder, find
from studio.model.project import Project
from studio.model.timeline import Clip, MediaItem, MediaKind, Title, Track, TrackKind

STILL_SECONDS = 3.0
MUSIC, VOICE_OVER = "Music", "Voice-over"


def add_media(project: Project, items: list[MediaItem]) -> Edit:
    """Add items to the bin (a file already there is not listed twice)."""
    rec = Recorder(project, "Import media")
    known = {m.path for m in project.media}
    new = [m for m in items if m.path not in known and not known.add(m.path)]
    if new:
        rec.set_field("media", [*project.media, *new])
    return rec.finish()


def remove_media(project: Project, path: str) -> Edit:
    rec = Recorder(project, "Remove from bin")
    kept = [m for m in project.media if m.path != path]
    if len(kept) != len(project.media):
        rec.set_field("media", kept)
    return rec.finish()


def _track(rec: Recorder, kind: TrackKind, name: str | None) -> Track:
    """The hand-made track for this media (by name for sound), made when missing."""
    project = rec.project
    for t in project.tracks:
        if t.kind == kind and t.role is None and (name is None or t.name == name):
            return t
    if name is None:
        name = f"V{len(project.tracks_of(kind)) + 1}"
    track = Track(kind=kind, name=name)
    rec.track_list().append(track)
    return track


def media_frames(project: Project, item: MediaItem, still_seconds: float = STILL_SECONDS) -> int:
    seconds = still_seconds if item.seconds is None else item.seconds
    return max(1, int(round(seconds * project.fps)))


def place_media(
    project: Project,
    item: MediaItem,
    at: int,
    still_seconds: float = STILL_SECONDS,
    audio_track: str = MUSIC,
    mode: DropMode = DropMode.NORMAL,
    track_id: str | None = None,
) -> Edit:
    """A clip of `item` at frame `at`. NORMAL: after the track's last clip if that spot is
    taken; INSERT / OVERWRITE: exactly there, making room (studio.model.drop_edits).
    `track_id` picks a hand-made track of the item's kind (where it was dropped)."""
    if item.kind == MediaKind.IMAGE and not 0 < still_seconds <= 3600:
        raise EditError("a still lasts between a frame and an hour")
    verb = {DropMode.INSERT: "Insert", DropMode.OVERWRITE: "Overwrite"}.get(mode, "Add")
    rec = Recorder(project, f"{verb} {item.name or item.kind.value}")
    kind = TrackKind.AUDIO if item.kind == MediaKind.AUDIO else TrackKind.VIDEO
    chosen = next(
        (t for t in project.tracks if t.id == track_id and t.kind == kind and t.role is None),
        None,
    )
    if chosen is None:
        chosen = _track(rec, kind, audio_track if kind == TrackKind.AUDIO else None)
    track = rec.track(chosen)
    frames = media_frames(project, item, still_seconds)
    start = max(0, int(at))
    if mode == DropMode.NORMAL:
        if any(c.start < start + frames and start < c.end for c in track.clips):
            start = track.end
    else:
        make_room(track, start, start + frames, mode)
    clip = Clip(media=item.path, start=start, duration=frames)
    track.clips.append(clip)
    return rec.finish(clip.id, [clip.id])


def import_and_place(
    project: Project, items: list[MediaItem], at: int | None, audio_track: str = MUSIC
) -> Edit:
    """Bin the items and, when `at` is given, place them one after another from there (sound
    from `at` on its own track): what File → Import and a drop do, as ONE undo step."""
    edit = add_media(project, items)
    if at is None:
        return edit
    cursor = {TrackKind.VIDEO: int(at), TrackKind.AUDIO: int(at)}
    try:
        for item in items:
            kind = TrackKind.AUDIO if item.kind == MediaKind.AUDIO else TrackKind.VIDEO
            placed = place_media(project, item, cursor[kind], audio_track=audio_track)
            _track, clip = project.find_clip(placed.clip_id)
            cursor[kind] = clip.end
            edit = edit.then(placed)
    except EditError:
        edit.undo(project)  # nothing of a refused import stays
        raise
    edit.name = "Import media"
    return edit


TITLES = "Titles"


def add_title(
    project: Project,
    title: Title,
    at: int,
    seconds: float = 3.0,
    fade_in: float = 0.5,
    fade_out: float = 0.5,
) -> Edit:
    """A title clip on the "Titles" track (made on top of the others when missing)."""
    if not 0 < seconds <= 3600:
        raise EditError("a title lasts between a frame and an hour")
    rec = Recorder(project, "Add title")
    track = next(
        (t for t in project.tracks if t.kind == TrackKind.VIDEO and t.name == TITLES), None
    )
    if track is None:
        track = Track(kind=TrackKind.VIDEO, name=TITLES)
        rec.track_list().append(track)
    rec.track(track)
    frames = max(1, int(round(seconds * project.fps)))
    start = max(0, int(at))
    if any(c.start < start + frames and start < c.end for c in track.clips):
        start = track.end
    half = seconds / 2
    fade_in, fade_out = min(max(0.0, fade_in), half), min(max(0.0, fade_out), half)
    clip = Clip(title=title, start=start, duration=frames, fade_in=fade_in, fade_out=fade_out)
    track.clips.append(clip)
    return rec.finish(clip.id, [clip.id])


def set_title(
    project: Project, clip_id: str, title: Title, fade_in: float, fade_out: float
) -> Edit:
    """Change a title clip's text, look, place and fades (one edit)."""
    track, clip = find(project, clip_id)
    if clip.title is None:
        raise EditError("that clip is not a title")
    if not (0 <= fade_in <= 3600 and 0 <= fade_out <= 3600):
        raise EditError("fades last between 0 and 3600 seconds")
    rec = Recorder(project, "Edit title")
    rec.track(track)
    new = clip.model_copy(update={"title": title, "fade_in": fade_in, "fade_out": fade_out})
    track.clips[track.clips.index(clip)] = new
    return rec.finish(clip_id)
