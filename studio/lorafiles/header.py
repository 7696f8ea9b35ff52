"""Reading a LoRA file's safetensors header, with limits, before any tensor is loaded.

A LoRA is a file from outside (a download, a script someone sent): it is read only as
safetensors — pickle formats (`.bin`, `.pt`, `.ckpt`, …) can run code when loaded and are
refused by name — and its header is checked here without torch: the length field, the JSON,
every tensor's dtype, shape and byte range, and the free-text metadata, each within limits.
The tensors themselves are loaded later by the safetensors library, from this same file.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import stat
import struct
from dataclasses import dataclass, field
from pathlib import Path

from studio.errors import InputError, Location

SUFFIX = ".safetensors"
PICKLE_SUFFIXES = frozenset({".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle"})
MAX_HEADER_BYTES = 16 * 2**20  # real LoRA headers are a few hundred KB
MAX_TENSORS = 20_000
MAX_METADATA_VALUE = 256 * 2**10  # kohya writes tag frequencies into one value
MAX_FILE_BYTES = 16 * 2**30
MAX_RANK = 8  # dimensions of one tensor
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0)
DTYPE_BYTES = {
    "F64": 8,
    "F32": 4,
    "F16": 2,
    "BF16": 2,
    "F8_E4M3": 1,
    "F8_E5M2": 1,
    "I64": 8,
    "I32": 4,
    "I16": 2,
    "I8": 1,
    "U8": 1,
    "BOOL": 1,
}


@dataclass(frozen=True)
class TensorInfo:
    dtype: str
    shape: tuple[int, ...]


@dataclass(frozen=True)
class LoraHeader:
    """What a LoRA file says about itself, without its tensors."""

    path: Path
    size: int
    tensors: dict[str, TensorInfo] = field(default_factory=dict)
    metadata: dict[str, str] = field(default_factory=dict)


def suffix_problem(name: str) -> str | None:
    """Why a file of this name is not taken as a LoRA (None: a .safetensors file)."""
    suffix = Path(name).suffix.lower()
    if suffix in PICKLE_SUFFIXES:
        return (
            f"'{Path(name).name}' is a pickle file ({suffix}), which can run code when it is "
            "loaded; only .safetensors LoRAs are accepted"
        )
    if suffix != SUFFIX:
        return (
            f"'{Path(name).name}' is not a .safetensors file; only .safetensors LoRAs are accepted"
        )
    return None


def read_header(
    path: Path, where: Location | None = None, follow_links: bool = False
) -> LoraHeader:
    """The checked header of a .safetensors LoRA; any problem is an InputError at `where`.

    Without `follow_links` a symbolic link is refused rather than read (a file from outside
    must not lead elsewhere on the disk)."""
    path = Path(path)
    where = where or Location(file=str(path))
    problem = suffix_problem(path.name)
    if problem:
        raise InputError(problem, where)
    flags = _READ_FLAGS | (0 if follow_links else os.O_NOFOLLOW)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise InputError(f"LoRA file not found: {path}", where) from None
    except OSError as exc:
        if not follow_links and os.path.islink(path):
            raise InputError(
                f"the LoRA {path} is a symbolic link; links are not followed", where
            ) from None
        raise InputError(f"cannot read the LoRA {path}: {exc.strerror}", where) from None
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise InputError(f"the LoRA {path} is not a plain file", where)
        if st.st_size > MAX_FILE_BYTES:
            raise InputError(f"the LoRA {path} is over {MAX_FILE_BYTES // 2**30} GiB", where)
        head = f.read(8)
        if len(head) < 8:
            raise InputError(f"{path.name} is not a safetensors file (too short)", where)
        (length,) = struct.unpack("<Q", head)
        if length > MAX_HEADER_BYTES or 8 + length > st.st_size:
            raise InputError(
                f"{path.name} is not a valid safetensors file (a header of {length} bytes)", where
            )
        raw = f.read(length)
    return _parse(raw, path, st.st_size - 8 - length, where)


def _parse(raw: bytes, path: Path, data_bytes: int, where: Location) -> LoraHeader:
    bad = f"{path.name} is not a valid safetensors file"
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise InputError(
            f"{bad}: its header is not JSON ({exc.__class__.__name__})", where
        ) from None
    if not isinstance(data, dict):
        raise InputError(f"{bad}: its header is not a table", where)
    meta = data.pop("__metadata__", None) or {}
    if not isinstance(meta, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and len(v) <= MAX_METADATA_VALUE
        for k, v in meta.items()
    ):
        raise InputError(f"{bad}: its metadata must be short texts", where)
    if not data:
        raise InputError(f"{path.name} holds no tensors", where)
    if len(data) > MAX_TENSORS:
        raise InputError(f"{bad}: over {MAX_TENSORS} tensors", where)
    tensors = {}
    for name, entry in data.items():
        tensors[name] = _tensor(name, entry, data_bytes, f"{bad}: tensor '{name[:80]}'", where)
    return LoraHeader(path, data_bytes, tensors, dict(meta))


def _tensor(name: str, entry: object, data_bytes: int, bad: str, where: Location) -> TensorInfo:
    if not isinstance(entry, dict):
        raise InputError(f"{bad} is not described by a table", where)
    dtype, shape, offsets = entry.get("dtype"), entry.get("shape"), entry.get("data_offsets")
    if dtype not in DTYPE_BYTES:
        raise InputError(f"{bad} has an unknown dtype {str(dtype)[:20]!r}", where)
    if (
        not isinstance(shape, list)
        or len(shape) > MAX_RANK
        or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in shape)
    ):
        raise InputError(f"{bad} has a bad shape", where)
    if (
        not isinstance(offsets, list)
        or len(offsets) != 2
        or not all(isinstance(n, int) and not isinstance(n, bool) for n in offsets)
        or not 0 <= offsets[0] <= offsets[1] <= data_bytes
    ):
        raise InputError(f"{bad} lies outside the file", where)
    if math.prod(shape) * DTYPE_BYTES[dtype] != offsets[1] - offsets[0]:
        raise InputError(f"{bad}: its size does not match its shape", where)
    return TensorInfo(dtype, tuple(shape))


_HASHES: dict[tuple, str] = {}


def file_sha256(path: Path) -> str:
    """The file's sha256, remembered per (path, size, mtime) so a big LoRA is hashed once."""
    st = os.stat(path)
    key = (os.path.realpath(path), st.st_size, st.st_mtime_ns)
    if key not in _HASHES:
        h = hashlib.sha256()
        with open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                h.update(chunk)
        _HASHES[key] = h.hexdigest()
    return _HASHES[key]
