"""A fresh animatic render straight into the export, with its takes written alongside.

The engine path renders a shot, encodes it to a take, and the export then opens and decodes
that take again. For new animatic shots rendered for an export (the CLI's `render`), this
module instead plans every take up front (its size and frame count follow from the request),
lands the takes on the timeline, and exports while `ParallelShots` renders the shots on both
cores: each frame goes to its take's encoder and, in memory, to the export's compositor.
The takes are complete and in the bundle when the export is; if anything fails or is
cancelled, no take file is left behind (and the caller does not save the project).
With `keep_takes=False` (the project is thrown away after the export, e.g. a script rendered
without --project) no take file is encoded at all: the frames only feed the export, and a
draft export renders them at half size (draft.py).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from studio import bundle_files
from studio.audio.decode import SAMPLE_RATE, DecodeCache, shared_cache
from studio.audio.mixer import MixOptions
from studio.bundle import Bundle
from studio.compose.sources import FrameSource, open_source
from studio.engine.animatic.backend import GENERATING, AnimaticBackend, planned_size
from studio.engine.animatic.draft import draft_size
from studio.engine.animatic.parallel import FEED_DEPTH, ParallelShots, ShotWork
from studio.engine.request import GenerationRequest
from studio.engine.worker import take_record
from studio.media.video import VideoInfo
from studio.model import Project, Take, TrackKind, new_id
from studio.placement import land_take

ANIMATIC = "animatic"


@dataclass(frozen=True)
class ExportFeed:
    """What the export needs to read a fresh render: how to open media (the takes being
    rendered come from memory) and a mix that knows those takes are silent (animatic takes
    have no sound, and their files are not written yet when the mix is made)."""

    open_media: Callable[[Path], FrameSource]
    mix_options: MixOptions

    def kwargs(self) -> dict:
        return {"open_media": self.open_media, "mix_options": self.mix_options}


class _SilentTakes(DecodeCache):
    """The shared decode cache, with the fresh takes known to be silent."""

    def __init__(self, silent: set[Path], inner: DecodeCache):
        super().__init__(inner.max_bytes)
        self._silent, self._inner = silent, inner

    def get(self, path: Path, sample_rate: int = SAMPLE_RATE):
        if Path(path).resolve() in self._silent:
            return None
        return self._inner.get(path, sample_rate)


def is_fresh(backend: str, request: GenerationRequest) -> bool:
    """True for a job this module can render straight into an export (a new animatic shot)."""
    return backend == ANIMATIC and request.operation in GENERATING


def render_fresh(
    bundle: Bundle,
    requests: list[GenerationRequest],
    export: Callable[[ExportFeed], object],
    *,
    backend: AnimaticBackend | None = None,
    preflight: Callable[[GenerationRequest], None] | None = None,
    take_hooks: list[Callable[[GenerationRequest, Take, Path], None]] = (),
    workers: int = 2,
    cancel: threading.Event | None = None,
    keep_takes: bool = True,
    draft: bool = False,
) -> tuple[list[str], object]:
    """Render `requests` into takes of `bundle` while `export(feed)` runs on their frames;
    returns the new take ids and what `export` returned. keep_takes=False: the takes are
    recorded in the project but no file is written (nobody will read them); then draft=True
    renders the frames at the draft's reduced size (see draft.py), the export scales them."""
    draft = draft and not keep_takes
    backend = backend or AnimaticBackend()
    project = bundle.project
    takes_dir = bundle_files.make_dirs(bundle.path, "takes")  # never through a link
    planned = []
    for request in requests:
        size, count = planned_size(request)
        take_id = new_id()
        path = takes_dir / f"{take_id}.mp4"
        result = backend.describe(
            request, path, VideoInfo(size[0], size[1], float(request.fps), count)
        )
        take = take_record(request, result, take_id, f"takes/{path.name}")
        land_take(project, take)
        planned.append((request, take, path, (size, float(request.fps), count)))
    if not any(t.clips for t in project.tracks_of(TrackKind.VIDEO)):
        from studio.assemble import assemble_timeline

        assemble_timeline(project)
    order = _timeline_order(project)
    planned.sort(key=lambda p: order.get(p[1].id, float("inf")))
    works = [
        ShotWork(
            key=take.id,
            take_path=path if keep_takes else None,
            make=partial(backend.layer_shot, request, draft=draft),
            check=partial(preflight, request) if preflight else None,
        )
        for request, take, path, _ in planned
    ]
    by_path = {path.resolve(): take.id for _, take, path, _ in planned}
    sizes = [
        (draft_size(size) if draft else size, fps, n) for size, fps, n in (p[3] for p in planned)
    ]
    # a shot may run ahead of the export by its outgoing transition: the export reads both
    # shots across a transition, so the earlier one must be able to finish (one worker)
    lead = FEED_DEPTH + _longest_overlap(project)
    with ParallelShots(works, sizes, workers=workers, lead=lead, cancel=cancel) as shots:
        shots.detach([k for k in shots.feeds if k not in order])  # not on screen: takes only

        def open_media(media: Path) -> FrameSource:
            key = by_path.get(Path(media).resolve())
            return shots.feeds[key] if key is not None else open_source(media)

        silent = _SilentTakes(set(by_path), shared_cache())
        result = export(ExportFeed(open_media, MixOptions(cache=silent)))
        shots.detach()
        shots.join()
    for request, take, path, _ in planned:  # e.g. the consent ledger: take file hash → cameos
        for hook in take_hooks if keep_takes else ():
            hook(request, take, path)
    return [take.id for _, take, _, _ in planned], result


def _longest_overlap(project: Project) -> int:
    """The most frames two clips on one video track overlap (a transition's length)."""
    longest = 0
    for track in project.tracks_of(TrackKind.VIDEO):
        clips = track.sorted_clips()
        for a, b in zip(clips, clips[1:], strict=False):
            longest = max(longest, math.ceil(min(a.end, b.end) - b.start))
    return longest


def _timeline_order(project: Project) -> dict[str, float]:
    """Take id → the start of its first visible clip (what the export reads first)."""
    video = [t for t in project.tracks_of(TrackKind.VIDEO) if not t.muted]
    shown = [t for t in video if t.solo] or video
    first: dict[str, float] = {}
    for track in shown:
        for clip in track.clips:
            if clip.take_id:
                first[clip.take_id] = min(first.get(clip.take_id, clip.start), clip.start)
    return first
