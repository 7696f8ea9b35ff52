"""The compositor: turns the project's timeline into RGB frames, for export and the preview.

Video tracks stack like an NLE's: later tracks in `project.tracks` (V2) are drawn over earlier
ones (V1); muted tracks are skipped and, if any video track is soloed, only soloed ones are
drawn. Gaps are transparent down to black. On a track, a clip whose `transition_in` overlaps the
previous clip crossfades or dips to black from it; a transition_in with nothing before it fades
the clip in (a crossfade fades its opacity over the tracks below, a dip-to-black fades it from
black), and a `transition_out` with nothing after it fades it out the same way.

Output frames are counted at the output fps, which may differ from the project's: frame i shows
the timeline at i / fps seconds, so a 24 fps project exports correctly at 30 fps.
"""

from __future__ import annotations

import bisect
import math
from collections import OrderedDict
from collections.abc import Callable, Iterator
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from studio.compose.fit import fit as fit_frame
from studio.compose.fit import placement
from studio.compose.sources import FrameSource, StillImage, open_source
from studio.compose.titles import draw_title
from studio.compose.transitions import blend, fade, mix, progress
from studio.compose.watermark import Watermark
from studio.compose.yuv import blend_yuv, yuv709
from studio.errors import InputError, Location
from studio.model import Clip, FitMode, Project, TakeKind, Track, TrackKind, TransitionKind

Resolve = Callable[[str], Path]
_FITTED_CACHE = 6  # fitted frames kept for repeats (stills, retimed or frozen frames)
_OPEN_SOURCES = 8  # decoders kept open


class _TrackIndex:
    """A track's clips sorted by start, for fast 'which clips cover time t' look-ups."""

    def __init__(self, track: Track):
        self.track = track
        self.clips = track.sorted_clips()
        self.starts = [c.start for c in self.clips]
        self.longest = max((c.duration for c in self.clips), default=0)
        self.overlapped_before: set[str] = set()  # clips with an earlier clip overlapping them
        self.overlapped_after: set[str] = set()  # clips with a later clip overlapping them
        reach = -1  # the furthest end of the clips so far
        for i, clip in enumerate(self.clips):
            if reach > clip.start:
                self.overlapped_before.add(clip.id)
            if i + 1 < len(self.clips) and self.clips[i + 1].start < clip.end:
                self.overlapped_after.add(clip.id)
            reach = max(reach, clip.end)

    def active(self, t: float) -> list[Clip]:
        """Clips covering time t (project frames), earliest start first."""
        i = bisect.bisect_right(self.starts, t) - 1
        out = []
        while i >= 0 and self.clips[i].start > t - self.longest:
            if self.clips[i].end > t:
                out.append(self.clips[i])
            i -= 1
        out.reverse()
        return out


class Compositor:
    """Frames of a project's timeline at an output size and frame rate.

    `frame(i)` gives random access (the preview's scrubbing); `frames()` is the sequential path
    the exporter uses (each source frame decoded once). Not thread-safe: use one per thread.
    """

    def __init__(
        self,
        project: Project,
        resolve: Resolve,
        size: tuple[int, int] | None = None,
        fps: int | None = None,
        fit: FitMode | None = None,
        *,
        quality: str = "high",
        watermark: bool = False,
        strict: bool = True,
        open_media: Callable[[Path], FrameSource] = open_source,
    ):
        """size is (width, height), default the project's format; fps the output rate, default
        the project's; fit replaces the project's default fit mode (a clip's own fit still wins).
        quality "draft" scales faster for live previews. watermark stamps frames as the export
        does (the exporter always stamps its own). strict=False shows a "media offline" frame
        for a missing or unreadable file instead of raising, as an editor's preview should.
        open_media opens a media file as a frame source (a fresh render's export passes one
        that serves frames still being rendered, see studio.engine.animatic.parallel)."""
        self.project = project
        self._resolve = resolve
        self.size = tuple(size) if size else project.format.size
        if self.size[0] < 2 or self.size[1] < 2:
            raise InputError(
                f"output size {self.size[0]}x{self.size[1]} is too small", Location(field="size")
            )
        self.fps = fps or project.fps
        if self.fps <= 0:
            raise InputError("fps must be positive", Location(field="fps"))
        self.fit = FitMode(fit) if fit else project.fit
        if quality not in ("high", "draft"):
            raise ValueError(f"quality must be 'high' or 'draft', not {quality!r}")
        self.quality = quality
        self.strict = strict
        self._open_media = open_media
        self.watermark = Watermark(self.size) if watermark else None
        self.offline: dict[str, str] = {}  # media path -> why it could not be shown
        # one decoder per clip (two clips of one take crossfading must not fight over a
        # decoder), the most recently used kept open
        self._sources: OrderedDict[tuple[Path, str], FrameSource] = OrderedDict()
        self._fitted: OrderedDict[tuple, np.ndarray] = OrderedDict()
        self._placeholders: dict[str, np.ndarray] = {}
        self.reload()

    # --- public -------------------------------------------------------------------------
    def reload(self) -> None:
        """Re-read the timeline after the project was edited; open decoders are kept."""
        video = [t for t in self.project.tracks_of(TrackKind.VIDEO) if not t.muted]
        soloed = [t for t in video if t.solo]
        self._tracks = [_TrackIndex(t) for t in reversed(soloed or video)]  # topmost first
        # title clips are drawn over the composed picture, bottom track first
        self._titles = [c for t in (soloed or video) for c in t.sorted_clips() if c.title]
        self._fitted.clear()
        self.offline.clear()  # a relinked or regenerated file gets another try
        total = self.project.duration_frames * self.fps / self.project.fps
        self.frame_count = max(0, math.ceil(total - 1e-9))

    @property
    def duration(self) -> float:
        """Seconds of output (frame_count / fps)."""
        return self.frame_count / self.fps

    def timeline_frame(self, index: int) -> float:
        """The project-fps timeline position that output frame `index` shows."""
        return index * self.project.fps / self.fps

    def frame(self, index: int) -> np.ndarray:
        """Output frame `index` as a new (H, W, 3) uint8 array the caller may modify."""
        out, fresh = self._render(self.timeline_frame(index))
        if not fresh:
            out = out.copy()
        if self.watermark is not None:
            self.watermark.apply(out, index / self.fps)
        return out

    def encoder_frame(self, index: int) -> av.VideoFrame | np.ndarray:
        """Output frame `index` for an encoder, with no copy or colour conversion to spare.

        When the picture is exactly one take's decoded frame, only scaled (the output's aspect,
        no crop, bars or fade), it is that yuv420p av.VideoFrame at the take's size, so the
        export scales and converts it in one YUV pass instead of YUV→RGB→YUV; a transition
        between two such frames is blended in YUV (compose.yuv); otherwise an RGB array. They
        may be shared with caches: read them, never write to them. No watermark: the exporter
        stamps its own."""
        t = self.timeline_frame(index)
        direct = self._direct(t)
        if direct is not None:
            return direct
        out, fresh = self._render(t)
        if fresh:
            out.flags.writeable = False
        return out

    def frames(self, start: int = 0, end: int | None = None) -> Iterator[np.ndarray]:
        """Frames start..end-1 in order (sequential decoding, no seeks)."""
        end = self.frame_count if end is None else min(end, self.frame_count)
        for i in range(max(0, start), end):
            yield self.frame(i)

    def close(self) -> None:
        for src in self._sources.values():
            src.close()
        self._sources.clear()
        self._fitted.clear()

    def __enter__(self) -> Compositor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- layering -----------------------------------------------------------------------
    def _render(self, t: float) -> tuple[np.ndarray, bool]:
        """The frame at time t and whether it is a new array (else shared with a cache)."""
        layers: list[tuple[np.ndarray, float, bool]] = []  # (image, opacity, fresh) top first
        for track in self._tracks:
            got = self._track_frame(track, t)
            if got is not None:
                layers.append(got)
                if got[1] >= 1.0:
                    break
        if not layers:
            out, fresh = np.zeros((self.size[1], self.size[0], 3), np.uint8), True
        else:
            out, alpha, fresh = layers.pop()
            if alpha < 1.0:
                out, fresh = fade(out, alpha), True
            for img, alpha, _ in reversed(layers):
                out, fresh = mix(out, img, alpha), True
        titles = self._titles_at(t)
        if titles:
            out, fresh = (out if fresh else out.copy()), True
            for clip in titles:
                draw_title(out, clip, t, self.project.fps)
        return out, fresh

    def _titles_at(self, t: float) -> list[Clip]:
        return [c for c in self._titles if c.start <= t < c.end]

    def _direct(self, t: float) -> av.VideoFrame | None:
        """The decoded take frame shown untouched at time t, if the picture is just that."""
        if self._titles_at(t):
            return None
        for track in self._tracks:
            active = track.active(t)
            if not active:
                continue
            clip = active[-1]
            tr = clip.transition_in
            if len(active) > 1 and tr is not None and tr.kind != TransitionKind.CUT:
                a, b = active[-2], clip
                frame_a, frame_b = self._direct_clip(a, t), self._direct_clip(b, t)
                if frame_a is None or frame_b is None:
                    return None
                overlap = min(a.end, b.end) - b.start
                size = self.size
                return blend_yuv(
                    tr.kind, yuv709(frame_a, size), yuv709(frame_b, size), t - b.start, overlap
                )
            if self._fade_levels(track, clip, t) != (1.0, 1.0):
                return None
            return self._direct_clip(clip, t)
        return None

    def _direct_clip(self, clip: Clip, t: float) -> av.VideoFrame | None:
        """The clip's decoded yuv420p frame at t if it fills the output only scaled."""
        path = self._media_path(clip)
        src = self._source(path, clip.id) if path is not None else None
        if src is None or isinstance(src, StillImage):
            return None
        fitted = placement(src.size, self.size, clip.fit or self.fit)
        if fitted.scaled != self.size or fitted.offset != (0, 0):
            return None  # cropped or barred: composed in RGB
        frame = src.read(src.index_at(self._source_seconds(clip, t)))
        return frame if frame.format.name == "yuv420p" else None

    def _track_frame(self, track: _TrackIndex, t: float) -> tuple[np.ndarray, float, bool] | None:
        active = track.active(t)
        if not active:
            return None
        if len(active) >= 2:
            a, b = active[-2], active[-1]
            tr = b.transition_in
            if tr is not None and tr.kind != TransitionKind.CUT:
                img_a, img_b = self._clip_image(a, t), self._clip_image(b, t)
                if img_a is None or img_b is None:
                    return self._single(track, b, t)
                overlap = min(a.end, b.end) - b.start
                return blend(tr.kind, img_a, img_b, t - b.start, overlap), 1.0, True
        return self._single(track, active[-1], t)

    def _single(
        self, track: _TrackIndex, clip: Clip, t: float
    ) -> tuple[np.ndarray, float, bool] | None:
        img = self._clip_image(clip, t)
        if img is None:
            return None
        opacity, level = self._fade_levels(track, clip, t)
        if level < 1.0:
            return fade(img, level), opacity, True
        return img, opacity, False

    def _fade_levels(self, track: _TrackIndex, clip: Clip, t: float) -> tuple[float, float]:
        """(opacity, brightness) of a clip fading in from or out to nothing at time t."""
        opacity, level = 1.0, 1.0
        tin, tout = clip.transition_in, clip.transition_out
        if tin and tin.kind != TransitionKind.CUT and clip.id not in track.overlapped_before:
            d = min(tin.duration, clip.duration)
            if d > 0 and t - clip.start < d:
                p = progress(t, clip.start, d)
                opacity, level = _apply(tin.kind, p, opacity, level)
        if tout and tout.kind != TransitionKind.CUT and clip.id not in track.overlapped_after:
            d = min(tout.duration, clip.duration)
            if d > 0 and clip.end - t <= d:
                p = 1.0 - progress(t, clip.end - d, d)
                opacity, level = _apply(tout.kind, p, opacity, level)
        return opacity, level

    # --- sources ------------------------------------------------------------------------
    def _source_seconds(self, clip: Clip, t: float) -> float:
        return (clip.source_in + (t - clip.start)) / self.project.fps

    def _clip_image(self, clip: Clip, t: float) -> np.ndarray | None:
        """The clip's picture at time t, fitted to the output (shared: do not modify)."""
        if clip.title is not None:
            return None  # drawn over everything by _render
        path = self._media_path(clip)
        if path is None:
            return None
        src = self._source(path, clip.id)
        mode = clip.fit or self.fit
        if src is None:
            return self._placeholder(path)
        index = src.index_at(self._source_seconds(clip, t))
        key = (path, index, mode)
        img = self._fitted.get(key)
        if img is None:
            img = fit_frame(src.read(index), self.size, mode, self.quality)
            img.flags.writeable = False  # shared by the cache: blends and copies only
            self._fitted[key] = img
            while len(self._fitted) > _FITTED_CACHE:
                self._fitted.popitem(last=False)
        return img

    def _media_path(self, clip: Clip) -> Path | None:
        if clip.take_id:
            take = self.project.takes.get(clip.take_id)
            if take is None:
                raise InputError(
                    f"clip '{clip.id}' uses unknown take '{clip.take_id}'",
                    Location(field="take_id"),
                )
            if take.kind == TakeKind.AUDIO:
                return None  # a sound take has no picture
            return self._resolve(take.path)
        assert clip.media is not None
        return self._resolve(clip.media)

    def _source(self, path: Path, clip_id: str) -> FrameSource | None:
        key = (path, clip_id)
        src = self._sources.get(key)
        if src is not None:
            self._sources.move_to_end(key)
            return src
        if str(path) in self.offline:
            return None
        try:
            src = self._open_media(path)
        except InputError as exc:
            if self.strict:
                raise
            self.offline[str(path)] = exc.message
            return None
        self._sources[key] = src
        while len(self._sources) > _OPEN_SOURCES:
            self._sources.popitem(last=False)[1].close()
        return src

    def _placeholder(self, path: Path) -> np.ndarray:
        """A 'media offline' frame, the way editors show a missing file."""
        key = str(path)
        if key not in self._placeholders:
            w, h = self.size
            img = Image.new("RGB", (w, h), (90, 16, 24))
            draw = ImageDraw.Draw(img)
            font = ImageFont.load_default(size=max(8, min(w, h) // 16))
            text = f"Media offline\n{path.name}"
            draw.multiline_text(
                (w / 2, h / 2), text, font=font, fill=(255, 255, 255), anchor="mm", align="center"
            )
            self._placeholders[key] = np.asarray(img)
        return self._placeholders[key]


def _apply(kind: TransitionKind, p: float, opacity: float, level: float) -> tuple[float, float]:
    """A fade from/to nothing: dip-to-black darkens, a crossfade reveals the tracks below."""
    if kind == TransitionKind.DIP_TO_BLACK:
        return opacity, level * p
    return opacity * p, level
