"""Building blocks for hostile-input tests: a small valid bundle to mutate, and real media files.

The base bundle is a real project: one 0.2 s shot whose take is a real 64×64 H.264 file, so a
bundle the checks accept renders for real (1080×1080 square, 5 frames: about a second).
"""

from __future__ import annotations

import copy
import json
import struct
import wave
import zlib
from pathlib import Path

import numpy as np

from studio.media.video import write_video

SHOT_ID = "shot00000001"
TAKE_ID = "take00000001"
TAKE_PATH = f"takes/{TAKE_ID}.mp4"

BASE_PROJECT: dict = {
    "schema_version": 1,
    "title": "Hostile",
    "format": "square",
    "fps": 24,
    "style": None,
    "fit": "cover",
    "shots": [
        {
            "id": SHOT_ID,
            "prompt": "a red lighthouse on a stormy sea",
            "duration": 0.2,
            "current_take": TAKE_ID,
        }
    ],
    "takes": {
        TAKE_ID: {
            "id": TAKE_ID,
            "shot_id": SHOT_ID,
            "kind": "video",
            "path": TAKE_PATH,
            "engine": "animatic",
            "width": 64,
            "height": 64,
            "fps": 24.0,
            "frames": 5,
            "duration": 5 / 24,
        }
    },
    "tracks": [
        {
            "id": "track0000001",
            "kind": "video",
            "name": "V1",
            "clips": [
                {
                    "id": "clip00000001",
                    "take_id": TAKE_ID,
                    "shot_id": SHOT_ID,
                    "start": 0,
                    "duration": 5,
                }
            ],
        }
    ],
}


def base_project() -> dict:
    """A fresh copy of the valid project to mutate."""
    return copy.deepcopy(BASE_PROJECT)


def clip(project: dict) -> dict:
    return project["tracks"][0]["clips"][0]


def take(project: dict) -> dict:
    return project["takes"][TAKE_ID]


_TAKE_CACHE: dict[str, bytes] = {}


def take_bytes() -> bytes:
    """A real 5-frame 64×64 H.264 take (made once per process)."""
    if "mp4" not in _TAKE_CACHE:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "t.mp4"
            frames = [np.full((64, 64, 3), 40 * i, np.uint8) for i in range(5)]
            write_video(path, frames, 24)
            _TAKE_CACHE["mp4"] = path.read_bytes()
    return _TAKE_CACHE["mp4"]


def wav_bytes(seconds: float = 0.2, rate: int = 48_000) -> bytes:
    """A real mono 16-bit WAV with a quiet tone."""
    import io

    n = int(seconds * rate)
    tone = (np.sin(np.arange(n) * 2 * np.pi * 440 / rate) * 3000).astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(tone.tobytes())
    return buf.getvalue()


def png_bytes(width: int = 8, height: int = 8, pixels: bool = True) -> bytes:
    """A PNG; with pixels=False only the header (a "decompression bomb" that claims a size)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
    if pixels:
        raw = b"".join(b"\x00" + b"\x80\x20\x20" * width for _ in range(height))
        out += chunk(b"IDAT", zlib.compress(raw))
    return out + chunk(b"IEND", b"")


def write_bundle(
    folder: Path, project: dict | None = None, text: str | bytes | None = None
) -> Path:
    """A bundle folder with the real take; project.json from `project` or raw `text`."""
    folder = Path(folder)
    (folder / "takes").mkdir(parents=True, exist_ok=True)
    (folder / "media").mkdir(exist_ok=True)
    (folder / TAKE_PATH).write_bytes(take_bytes())
    if text is None:
        text = json.dumps(project if project is not None else base_project(), indent=1)
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    (folder / "project.json").write_bytes(data)
    return folder
