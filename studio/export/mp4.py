"""MP4 export: the compositor's frames, watermarked, as H.264 + AAC with faststart.

The file is written to a staged temp path beside the destination and renamed over it only when
everything (including the provenance hook) succeeded, so a cancelled or failed export never
leaves a partial file where the user expects a finished one.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import av

from studio.atomic import staged_output
from studio.audio.mixer import MixOptions, render_export_audio
from studio.compose.captions import CaptionBurner, caption_cues
from studio.compose.compositor import Compositor, Resolve
from studio.compose.sources import FrameSource
from studio.compose.watermark import Watermark
from studio.errors import Cancelled, ExportFailure, InputError, Location, StudioError
from studio.export.pump import FramePump
from studio.export.settings import ExportSettings
from studio.export.srt import srt_path, write_srt
from studio.export.streams import (
    AudioWriter,
    add_audio_stream,
    add_video_stream,
    container_metadata,
    fit_length,
)
from studio.model import Project

Progress = Callable[[int, int], None]
Provenance = Callable[[Path], None]


@dataclass(frozen=True)
class ExportResult:
    """What an export produced, for the summary shown to the user."""

    path: Path
    width: int
    height: int
    fps: int
    frames: int
    duration: float  # seconds
    loudness_lufs: float | None  # integrated loudness of the soundtrack; None when silent
    elapsed: float  # seconds the export took
    bytes: int = 0
    captions: Path | None = None  # the .srt written beside the MP4

    @property
    def frames_per_second(self) -> float:
        return self.frames / self.elapsed if self.elapsed > 0 else 0.0


def export_project(
    project: Project,
    resolve: Resolve,
    dest: Path,
    settings: ExportSettings | None = None,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    provenance: Provenance | None = None,
    open_media: Callable[[Path], FrameSource] | None = None,
    mix_options: MixOptions | None = None,
) -> ExportResult:
    """Render the project's timeline to an MP4 at `dest`.

    resolve maps a bundle-relative media path to a file (Bundle.resolve). progress(done, total)
    is called after each frame; setting `cancel` stops the export with Cancelled. provenance is
    called with the finished temp file before it is moved into place (e.g. to sign it); if it
    raises, the export fails with ExportFailure and nothing is left at `dest`. open_media
    replaces how media files are opened and mix_options how the sound is mixed (a fresh
    animatic render feeds its frames directly, and its takes, still being written, are silent).
    """
    started = time.perf_counter()
    settings = settings or ExportSettings()
    settings.validate(project)
    dest = Path(dest)
    size, fps = settings.output_size(project), settings.output_fps(project)
    extra = {"open_media": open_media} if open_media is not None else {}
    compositor = Compositor(project, resolve, size, fps, settings.output_fit(project), **extra)
    try:
        total = compositor.frame_count
        if total == 0:
            raise InputError("nothing to export: the timeline is empty", Location(field="tracks"))
        duration = total / fps
        samples, loudness = render_export_audio(
            project,
            resolve,
            settings.sample_rate,
            duration_s=duration,
            target_lufs=settings.target_lufs,
            options=mix_options,
        )
        samples = fit_length(samples, round(duration * settings.sample_rate))
        cues = caption_cues(project) if settings.captions != "off" else []
        burner = CaptionBurner(size, cues) if settings.captions == "burn" else None
        with staged_output(dest) as staged:
            _encode(compositor, staged, project, settings, samples, progress, cancel, burner)
            _check_cancel(cancel)
            if provenance is not None:
                _run_provenance(provenance, staged)
        subtitles = write_srt(srt_path(dest), cues) if settings.captions == "srt" else None
    except (StudioError, Cancelled):
        raise
    except av.FFmpegError as exc:
        raise ExportFailure(f"encoding {dest.name} failed: {exc}") from exc
    except OSError as exc:
        raise ExportFailure(f"cannot write {dest}: {exc.strerror or exc}") from exc
    finally:
        compositor.close()
    return ExportResult(
        path=dest,
        width=size[0],
        height=size[1],
        fps=fps,
        frames=total,
        duration=duration,
        loudness_lufs=loudness,
        elapsed=time.perf_counter() - started,
        bytes=dest.stat().st_size,
        captions=subtitles,
    )


def _encode(
    compositor: Compositor,
    path: Path,
    project: Project,
    settings: ExportSettings,
    samples,
    progress: Progress | None,
    cancel: threading.Event | None,
    captions: CaptionBurner | None = None,
) -> None:
    fps, total = compositor.fps, compositor.frame_count
    options = {"movflags": "+faststart"}
    with av.open(str(path), "w", format="mp4", options=options) as container:
        container.metadata.update(container_metadata(project, settings.quality))
        video = add_video_stream(container, settings, compositor.size, fps)
        audio = AudioWriter(container, add_audio_stream(container, settings), samples)
        if progress:
            progress(0, total)
        with FramePump(compositor, Watermark(compositor.size), captions=captions) as frames:
            for done, frame in enumerate(frames, start=1):
                _check_cancel(cancel)
                for packet in video.encode(frame):
                    container.mux(packet)
                audio.write_until(done / fps)
                if progress:
                    progress(done, total)
        for packet in video.encode(None):
            container.mux(packet)
        audio.finish()


def _check_cancel(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise Cancelled("export cancelled")


def _run_provenance(provenance: Provenance, staged: Path) -> None:
    try:
        provenance(staged)
    except (ExportFailure, Cancelled):
        raise
    except Exception as exc:
        raise ExportFailure(f"could not add provenance to the export: {exc}") from exc
