"""Can a media file be used? The same questions for `validate` and for `render`.

Each check opens the file the way rendering will (PIL for pictures, PyAV for video and sound)
and answers with a reason a person can act on, or None. `validate` asks before saying ok and
`render` asks before any work starts, so a file that validate accepts never fails the render
(a picture that does not open used to pass validate and then fail generation with exit 4).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import av

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif", ".tif", ".tiff"})


def _missing(path: Path) -> str | None:
    try:
        if not path.exists():
            return "file not found"
        if not path.is_file():
            return "not a file"
    except OSError as exc:
        return f"cannot open: {exc.strerror or exc}"
    return None


def image_problem(path: Path) -> str | None:
    """Why a picture cannot be used as a reference frame or a still clip, or None."""
    from PIL import Image, ImageOps

    path = Path(path)
    problem = _missing(path)
    if problem:
        return problem
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                ImageOps.exif_transpose(img).convert("RGB")
    except Exception as exc:  # Pillow raises many kinds on hostile files; all mean "unreadable"
        return f"cannot read image: {_reason(exc)}"
    return None


def video_problem(path: Path) -> str | None:
    """Why a file cannot be played as a video clip (no video stream, no frame decodes), or None."""
    path = Path(path)
    problem = _missing(path)
    if problem:
        return problem
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                return "the file has no video stream"
            stream = container.streams.video[0]
            if not stream.codec_context.width or not stream.codec_context.height:
                return "the video has no picture size"
            for _frame in container.decode(stream):
                break
            else:
                return "the video has no frames"
            if container.streams.audio:
                return _first_sound(container)
    except (av.FFmpegError, OSError, ValueError, UnicodeDecodeError) as exc:
        return f"cannot read video: {_reason(exc)}"
    return None


def sound_problem(path: Path, need_sound: bool = True) -> str | None:
    """Why a file's sound cannot be mixed, or None. A file without sound is a problem only
    when `need_sound` (an audio cue must sound; a video clip may be silent)."""
    path = Path(path)
    problem = _missing(path)
    if problem:
        return problem
    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                return "has no sound in it" if need_sound else None
            return _first_sound(container)
    except (av.FFmpegError, OSError, ValueError, UnicodeDecodeError) as exc:
        return f"cannot read sound: {_reason(exc)}"


def _first_sound(container) -> str | None:
    stream = container.streams.audio[0]
    if not stream.codec_context.sample_rate:
        return "the sound has no sample rate"
    try:
        for _frame in container.decode(stream):
            break
    except (av.FFmpegError, ValueError) as exc:
        return f"cannot decode sound: {_reason(exc)}"
    return None


def _reason(exc: BaseException) -> str:
    text = getattr(exc, "strerror", None) or str(exc) or exc.__class__.__name__
    return text.splitlines()[0][:200]
