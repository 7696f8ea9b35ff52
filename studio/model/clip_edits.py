"""Edits on several clips at once: delete (and cut), paste and duplicate. Pure, Qt-free, one
`Edit` each (a multi-clip delete is one undo step, not one per clip).

A clipboard holds copies of clips with the track each came from. Pasted clips get new ids and
keep their spacing; they land on the track they came from, except that clips copied from a
storyboard track (whose clips follow the shots) land on a hand-made track of the same kind,
made if there is none, so a paste never rearranges the storyboard's layout. A paste that would
overlap a clip is refused, naming the track and the time.
"""

from __future__ import annotations

from dataclasses import dataclass

from studio.model.edit import Edit, EditError, Recorder, find, track_by_id
from studio.model.project import Project
from studio.model.shot import new_id
from studio.model.timeline import Clip, Track, TrackKind


@dataclass(frozen=True)
class Copied:
    """A clip on the clipboard and the id of the track it was copied from."""

    track_id: str
    kind: TrackKind
    clip: Clip


def copy_clips(project: Project, clip_ids: list[str]) -> list[Copied]:
    """The clipboard for `clip_ids` (sorted by start); no change to the project."""
    out = []
    for cid in clip_ids:
        track, clip = find(project, cid)
        out.append(Copied(track.id, track.kind, clip))
    return sorted(out, key=lambda c: c.clip.start)


def delete_clips(project: Project, clip_ids: list[str], name: str = "Delete clips") -> Edit:
    """Remove every clip in `clip_ids`, leaving gaps (one undo step)."""
    rec = Recorder(project, name)
    for cid in dict.fromkeys(clip_ids):
        track, clip = find(project, cid)
        rec.track(track).clips = [c for c in track.clips if c.id != clip.id]
    return rec.finish()


def _target_track(rec: Recorder, copied: Copied) -> Track:
    """Where a copied clip lands: its own track unless that one follows the storyboard."""
    project = rec.project
    try:
        track = track_by_id(project, copied.track_id)
    except EditError:
        track = None
    if track is not None and track.role is None:
        return track
    for t in project.tracks:
        if t.kind == copied.kind and t.role is None:
            return t
    label = "V" if copied.kind == TrackKind.VIDEO else "A"
    count = len(project.tracks_of(copied.kind))
    new = Track(kind=copied.kind, name=f"{label}{count + 1}")
    rec.track_list().append(new)
    return new


def paste_clips(project: Project, clipboard: list[Copied], at: int, name: str = "Paste") -> Edit:
    """Copies of the clipboard's clips with the first one starting at frame `at`."""
    if not clipboard:
        raise EditError("nothing to paste: copy clips first (Ctrl+C)")
    first = min(c.clip.start for c in clipboard)
    rec = Recorder(project, name)
    new_ids = []
    for copied in clipboard:
        track = rec.track(_target_track(rec, copied))
        clip = copied.clip.model_copy(
            update={
                "id": new_id(),
                "start": max(0, at + copied.clip.start - first),
                "transition_in": None,
                "transition_out": None,
            }
        )
        if any(c.start < clip.end and clip.start < c.end for c in track.clips):
            rec.edit.undo(project)  # put back what this paste already placed
            raise EditError(
                f"no room on track {track.name or track.kind.value} at frame {clip.start}: "
                "move the playhead to a gap or paste on another track"
            )
        track.clips.append(clip)
        new_ids.append(clip.id)
    return rec.finish(new_ids[0], new_ids)


def duplicate_clips(project: Project, clip_ids: list[str]) -> Edit:
    """Copies of the clips right after the last of them (Ctrl+D)."""
    board = copy_clips(project, clip_ids)
    if not board:
        raise EditError("select clips to duplicate")
    end = max(c.clip.end for c in board)
    return paste_clips(project, board, end, "Duplicate")
