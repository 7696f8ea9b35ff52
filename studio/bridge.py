"""A bridge shot between two adjacent shots: it starts on the last frame the first shot shows and
ends on the first frame the second shot shows, so generating it joins the two.

The frames are read from the shots' current takes (the part their clips use on the timeline)
and written into the bundle's media/ as PNGs, like any picture a shot refers to.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from PIL import Image

from studio.bundle import Bundle
from studio.errors import InputError, Location
from studio.media.video import iter_frames
from studio.model import Shot, TrackRole

BRIDGE_SECONDS = 2.0


def _used_frames(bundle: Bundle, shot: Shot) -> tuple[int, int | None]:
    """(first, last) frame index of the take that the shot's clips show (last None: the end)."""
    project = bundle.project
    take = project.takes[shot.current_take]
    track = project.track_with_role(TrackRole.STORYBOARD_VIDEO)
    clips = [c for c in (track.sorted_clips() if track else []) if c.take_id == take.id]
    if not clips:
        return 0, None
    scale = (take.fps or project.fps) / project.fps  # clip frames are at project fps
    first = round(clips[0].source_in * scale)
    last = round((clips[-1].source_out - 1) * scale)
    return first, last


def take_frame(bundle: Bundle, shot: Shot, last: bool) -> str:
    """The first or last frame the shot shows, saved into media/ as a PNG; its bundle path."""
    if not shot.current_take or shot.current_take not in bundle.project.takes:
        raise InputError(
            "generate this shot first: a bridge starts and ends on the neighbours' takes",
            Location(field=f"shot {shot.name or shot.id}"),
        )
    first, final = _used_frames(bundle, shot)
    wanted = final if last else first
    picture = None
    for index, frame in enumerate(iter_frames(bundle.take_file(shot.current_take))):
        picture = frame
        if wanted is not None and index >= wanted:
            break
    if picture is None:
        raise InputError("the take has no frames", Location(file=shot.current_take))
    with tempfile.TemporaryDirectory(prefix="studio-bridge-") as work:
        path = Path(work) / f"{'last' if last else 'first'}.png"
        Image.fromarray(picture).save(path)
        return bundle.import_media(path)


def bridge_shot(bundle: Bundle, before: Shot, after: Shot) -> Shot:
    """A new shot from `before`'s last frame to `after`'s first (not yet in the project)."""
    start, end = take_frame(bundle, before, last=True), take_frame(bundle, after, last=False)
    prompt = f"a continuous move from {before.prompt.strip()} to {after.prompt.strip()}"
    return Shot(
        prompt=prompt[:2000],
        duration=BRIDGE_SECONDS,
        style=before.style,
        image=start,
        last_image=end,
    )
