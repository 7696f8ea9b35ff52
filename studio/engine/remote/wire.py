"""Messages between the editor and its engine worker process: a JSON header, then bytes.

Each message is `<4-byte big-endian length><JSON>`, and when the header says `"blob": N`, N raw
bytes follow (a preview frame's pixels). JSON and raw bytes, not pickle: the worker runs in
another environment whose numpy and pydantic versions may differ from the editor's.
"""

from __future__ import annotations

import json
import struct
from typing import BinaryIO

import numpy as np

from studio.engine.events import EngineEvent, JobWarning, PreviewFrame, StepProgress

MAX_HEADER = 64 * 1024 * 1024
_LEN = struct.Struct(">I")


class WireClosed(EOFError):
    """The other side closed the pipe (it exited or was killed)."""


def send(stream: BinaryIO, header: dict, blob: bytes | None = None) -> None:
    """Write one message (caller serialises writers)."""
    if blob is not None:
        header = {**header, "blob": len(blob)}
    data = json.dumps(header, separators=(",", ":")).encode("utf-8")
    stream.write(_LEN.pack(len(data)) + data)
    if blob is not None:
        stream.write(blob)
    stream.flush()


def _read_exact(stream: BinaryIO, n: int) -> bytes:
    chunks, left = [], n
    while left:
        chunk = stream.read(left)
        if not chunk:
            raise WireClosed("the pipe closed")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def receive(stream: BinaryIO) -> tuple[dict, bytes | None]:
    """Read one message: (header, blob or None). Raises WireClosed at end of stream."""
    (size,) = _LEN.unpack(_read_exact(stream, _LEN.size))
    if size > MAX_HEADER:
        raise ValueError(f"message header of {size} bytes is too large")
    header = json.loads(_read_exact(stream, size).decode("utf-8"))
    if not isinstance(header, dict):
        raise ValueError("message header is not an object")
    blob = _read_exact(stream, int(header["blob"])) if header.get("blob") else None
    return header, blob


def event_message(event: EngineEvent) -> tuple[dict, bytes | None] | None:
    """A job's progress or preview as a message; other events stay on the engine side."""
    if isinstance(event, StepProgress):
        return {
            "t": "step",
            "job": event.job_id,
            "step": event.step,
            "total": event.total,
            "phase": event.phase,
        }, None
    if isinstance(event, JobWarning):
        return {"t": "warning", "job": event.job_id, "message": event.message}, None
    if isinstance(event, PreviewFrame) and event.image is not None:
        image = np.ascontiguousarray(event.image, dtype=np.uint8)
        head = {"t": "preview", "job": event.job_id, "step": event.step, "shape": image.shape}
        return {**head, "shape": list(image.shape)}, image.tobytes()
    return None


def preview_image(header: dict, blob: bytes) -> np.ndarray:
    shape = tuple(int(n) for n in header["shape"])
    if len(shape) != 3 or shape[2] != 3 or int(np.prod(shape)) != len(blob):
        raise ValueError(f"preview frame of shape {shape} does not match {len(blob)} bytes")
    return np.frombuffer(blob, dtype=np.uint8).reshape(shape).copy()
