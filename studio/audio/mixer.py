"""The project mixer: renders all audio of a project to 48 kHz stereo float32.

Every track that carries sound takes part: audio tracks (imported files, generated sound
takes) and video tracks whose takes have a sound stream. Per clip: placement in frames at the
project's fps, source offset, gain (clip + track), equal-power fades and crossfades, constant-
power pan; per track: mute and solo. Music is ducked under speech, and a true-peak limiter
keeps the result under −1 dBTP so nothing clips, in the player or after AAC encoding.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from studio.audio.decode import DecodeCache, shared_cache
from studio.audio.dynamics import apply_fades, db_to_gain, duck_gain, limit, pan_gains
from studio.audio.roles import Role, clip_role
from studio.errors import InputError, Location
from studio.model import Clip, Project, Track

SAMPLE_RATE = 48_000
_CONTEXT_S = 0.5  # rendered around a window so ducking and the limiter see what comes next

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MixOptions:
    """How the mix is made; the defaults are what a creator expects from an export."""

    ducking: bool = True
    duck_db: float = -10.0
    duck_threshold_db: float = -45.0
    limiter: bool = True
    ceiling_dbtp: float = -1.0
    strict: bool = True  # a missing or unreadable file raises; False (player): it is skipped
    cache: DecodeCache | None = field(default=None, compare=False)


@dataclass
class _Buses:
    music: np.ndarray
    speech: np.ndarray
    other: np.ndarray
    used: set[Role] = field(default_factory=set)


def render_project_audio(
    project: Project,
    resolve: Callable[[str], Path],
    sample_rate: int = SAMPLE_RATE,
    start_s: float = 0.0,
    duration_s: float | None = None,
    *,
    options: MixOptions | None = None,
) -> np.ndarray:
    """Mix the project's audio tracks; returns an (N, 2) float32 array in [-1, 1].

    N = round(duration_s * sample_rate), from `start_s` (the whole project by default).
    """
    opts = options or MixOptions()
    mix = _render_window(project, resolve, sample_rate, start_s, duration_s, opts)
    return mix


def render_export_audio(
    project: Project,
    resolve: Callable[[str], Path],
    sample_rate: int = SAMPLE_RATE,
    duration_s: float | None = None,
    target_lufs: float | None = -14.0,
    *,
    options: MixOptions | None = None,
) -> tuple[np.ndarray, float | None]:
    """The export's soundtrack: the mix, loudness-normalised to target_lufs (None: untouched).

    Returns (samples (N, 2) float32, measured integrated loudness in LUFS or None if silent).
    The loudness is measured on what is returned: after normalisation and the limiter.
    """
    from studio.audio.loudness import integrated_loudness, normalise

    opts = options or MixOptions()
    if target_lufs is None:
        samples = render_project_audio(project, resolve, sample_rate, 0.0, duration_s, options=opts)
        return samples, integrated_loudness(samples, sample_rate)
    raw_opts = MixOptions(
        ducking=opts.ducking,
        duck_db=opts.duck_db,
        duck_threshold_db=opts.duck_threshold_db,
        limiter=False,
        strict=opts.strict,
        cache=opts.cache,
    )
    raw = render_project_audio(project, resolve, sample_rate, 0.0, duration_s, options=raw_opts)
    return normalise(raw, sample_rate, target_lufs, ceiling_dbtp=opts.ceiling_dbtp)


# --- the window renderer --------------------------------------------------------------------


def _render_window(
    project: Project,
    resolve: Callable[[str], Path],
    sr: int,
    start_s: float,
    duration_s: float | None,
    opts: MixOptions,
) -> np.ndarray:
    total = project.duration - start_s if duration_s is None else duration_s
    n = max(0, int(round(total * sr)))
    w0 = int(round(start_s * sr))
    before = min(w0, int(_CONTEXT_S * sr)) if (opts.limiter or opts.ducking) else 0
    after = int(_CONTEXT_S * sr) if (opts.limiter or opts.ducking) else 0
    a, b = w0 - before, w0 + n + after
    length = b - a
    buses = _Buses(*(np.zeros((length, 2), np.float32) for _ in range(3)))
    cache = opts.cache or shared_cache()
    for ti, track, clips in _audible_tracks(project):
        for ci, clip, prev_clip, next_clip in clips:
            role = clip_role(project, track, clip)
            bus = {Role.MUSIC: buses.music, Role.SPEECH: buses.speech}.get(role, buses.other)
            if _place_clip(
                project,
                resolve,
                cache,
                sr,
                a,
                b,
                track,
                clip,
                (prev_clip, next_clip),
                bus,
                opts,
                f"tracks[{ti}].clips[{ci}]",
            ):
                buses.used.add(role)
    mix = _sum_buses(buses, sr, opts)
    if opts.limiter:
        mix = limit(mix, sr, opts.ceiling_dbtp)
    return np.ascontiguousarray(mix[before : before + n], dtype=np.float32)


def _audible_tracks(project: Project):
    """(index, track, [(clip index, clip, clip before, clip after)]) for tracks that sound: muted
    tracks never do; if any track is soloed, only soloed tracks do."""
    soloed = any(t.solo and not t.muted for t in project.tracks)
    for ti, track in enumerate(project.tracks):
        if track.muted or (soloed and not track.solo) or not track.clips:
            continue
        ordered = [c for c in track.sorted_clips() if c.title is None]  # titles are silent
        if not ordered:
            continue
        index = {id(c): i for i, c in enumerate(track.clips)}
        before = [None, *ordered[:-1]]
        after = [*ordered[1:], None]
        yield (
            ti,
            track,
            [
                (index[id(c)], c, prev, nxt)
                for c, prev, nxt in zip(ordered, before, after, strict=True)
            ],
        )


def _sum_buses(buses: _Buses, sr: int, opts: MixOptions) -> np.ndarray:
    mix = buses.other
    if Role.SPEECH in buses.used:
        mix += buses.speech
    if Role.MUSIC in buses.used:
        if opts.ducking and Role.SPEECH in buses.used:
            gain = duck_gain(buses.speech, sr, opts.duck_db, opts.duck_threshold_db)
            buses.music *= gain[:, None]
        mix += buses.music
    return mix


def _clip_source(project: Project, clip: Clip, resolve: Callable[[str], Path], field: str) -> Path:
    if clip.media:
        return Path(resolve(clip.media))
    take = project.takes.get(clip.take_id or "")
    if take is None:
        raise InputError(
            f"clip refers to a take that is not in the project: {clip.take_id}",
            Location(field=f"{field}.take_id"),
        )
    return Path(resolve(take.path))


def _place_clip(
    project: Project,
    resolve: Callable[[str], Path],
    cache: DecodeCache,
    sr: int,
    a: int,
    b: int,
    track: Track,
    clip: Clip,
    neighbours: tuple[Clip | None, Clip | None],
    bus: np.ndarray,
    opts: MixOptions,
    field: str,
) -> bool:
    """Add one clip's part of the window [a, b) into `bus`; True if it added sound."""
    fps = project.fps
    c0 = _frames_to_samples(clip.start, fps, sr)
    c1 = _frames_to_samples(clip.end, fps, sr)
    lo, hi = max(a, c0), min(b, c1)
    if hi <= lo:
        return False
    try:
        path = _clip_source(project, clip, resolve, field)
        source = cache.get(path, sr)
    except InputError as exc:
        if opts.strict:
            if exc.location.field is None:
                exc.location.field = field
                exc.args = (f"{exc.location}: {exc.message}",)
            raise
        log.warning("skipping %s: %s", field, exc)
        return False
    if source is None or source.shape[0] == 0:
        return False
    offset = _frames_to_samples(clip.source_in, fps, sr)
    s_lo, s_hi = offset + (lo - c0), offset + (hi - c0)
    avail_hi = min(s_hi, source.shape[0])
    if avail_hi <= s_lo:
        return False  # the clip runs past the end of its source: silence there
    seg = source[s_lo:avail_hi]
    dst = slice(lo - a, lo - a + seg.shape[0])
    gain = db_to_gain(clip.gain_db + track.gain_db)
    left, right = pan_gains(clip.pan)
    fade_in, fade_out = _fade_lengths(clip, *neighbours, fps, sr)
    part = seg * np.array([gain * left, gain * right], np.float32)
    apply_fades(part, lo - c0, c1 - c0, fade_in, fade_out)
    bus[dst] += part
    return True


def _fade_lengths(
    clip: Clip, prev_clip: Clip | None, next_clip: Clip | None, fps: int, sr: int
) -> tuple[int, int]:
    """Fade in/out in samples: the clip's own fades, widened by transitions from/to black and
    by overlaps: two clips that overlap on a track crossfade over the overlap."""
    fade_in = clip.fade_in
    if clip.transition_in is not None:
        fade_in = max(fade_in, clip.transition_in.duration / fps)
    if prev_clip is not None and prev_clip.end > clip.start:
        fade_in = max(fade_in, (min(prev_clip.end, clip.end) - clip.start) / fps)
    fade_out = clip.fade_out
    if clip.transition_out is not None:
        fade_out = max(fade_out, clip.transition_out.duration / fps)
    if next_clip is not None and next_clip.start < clip.end:
        fade_out = max(fade_out, (clip.end - max(next_clip.start, clip.start)) / fps)
    return int(round(fade_in * sr)), int(round(fade_out * sr))


def _frames_to_samples(frames: int, fps: int, sr: int) -> int:
    return (frames * sr + fps // 2) // fps
