"""Sampled latents kept on disk until their take is saved, so a retry only decodes again.

Sampling is the expensive part of a job; the VAE decode after it is the part most likely to run
out of memory (and a crash there used to throw the sampling away). The latents are stored in
the user cache under a key hashed from everything that determines them — model revision, the
prompt after the preset, seed, steps, guidance, size, frames, operation and its sources — so
retrying the same request (the Retry button resubmits it; an interrupted job keeps it) finds
them, and a different seed or prompt never does.

Files are removed once their take is written: the take is the durable result, and a cache that
kept every job's latents would grow by megabytes per take for no gain (the same request with
the same seed gives the same take anyway). What is left behind — failed jobs never retried — is
pruned oldest-first past MAX_BYTES. torch / safetensors are imported inside functions only.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

from studio import atomic
from studio.engine.request import GenerationRequest
from studio.paths import user_cache_dir

log = logging.getLogger(__name__)

MAX_BYTES = 4 * 1024**3  # left-behind latents (failed, never retried) past this are pruned
KEY_VERSION = 1  # bump when the meaning of kept latents changes (layout, normalisation)


def _file_digest(path: str | None) -> str | None:
    """Content hash of a small input file (a first-frame image): an edit in place is a new key."""
    if not path:
        return None
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return f"missing:{path}"


def latents_key(
    model: dict, plan, request: GenerationRequest, frames: int, references: list[str] | tuple = ()
) -> str:
    """Stable hash of everything that determines the sampled latents of one job.

    `model` names the weights (id, revision, family, pipeline class); `plan` carries the prompt
    after preset and camera, steps, guidance and size. Things that only change the decode or the
    speed (VAE tiling, offload, previews, the project bundle, labels) are left out on purpose.
    """
    image = request.image
    fields = {
        "v": KEY_VERSION,
        "model": model,
        "operation": request.operation.value,
        "prompt": plan.prompt,
        "negative": plan.negative_prompt,
        "prompt_b": plan.prompt_b,
        "prompt_weight": plan.prompt_weight if plan.prompt_b else None,
        "seed": request.seed,
        "steps": plan.steps,
        "guidance": plan.guidance,
        "size": [plan.width, plan.height],
        "frames": frames,
        "fps": plan.fps,
        "image": _file_digest(image),
        "sources": [_source_identity(s) for s in request.sources],
        "strength": request.strength if request.sources else None,
        "blend_curve": list(request.blend_curve) if request.sources else None,
        "extend": [request.extend_seconds, request.extend_backwards] if request.sources else None,
    }
    if request.retake_range is not None:  # only then: keys of other jobs stay as they were
        fields["retake"] = list(request.retake_range)
    if references:  # the cast's reference pictures, by content (absent: keys stay as before)
        fields["references"] = [_file_digest(p) for p in references]
    if request.loras:  # the LoRAs attached change the sampling (left out when none: old keys)
        fields["loras"] = [[_lora_digest(lo.file), lo.weight] for lo in request.loras]
    text = json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _lora_digest(path: str) -> str | None:
    from studio.lorafiles.header import file_sha256

    try:
        return file_sha256(Path(path))
    except OSError:
        return None


def _source_identity(src) -> dict:
    """A source take by id and the part used; its size catches a file replaced under the id."""
    try:
        size = os.path.getsize(src.path)
    except OSError:
        size = None
    return {
        "take": src.take_id,
        "in": src.source_in,
        "n": src.source_frames,
        "fps": src.fps,
        "frames": src.frames,
        "bytes": size,
    }


@dataclass
class Kept:
    """Latents found for a job, with the sidecar saying how they were sampled."""

    latents: object  # torch.Tensor in the pipeline's layout
    info: dict


class LatentStore:
    """<key>.safetensors + <key>.json in user_cache_dir()/latents, written atomically."""

    def __init__(self, folder: Path | None = None, max_bytes: int = MAX_BYTES):
        self._folder = Path(folder) if folder else None
        self.max_bytes = max_bytes

    @property
    def folder(self) -> Path:
        """Resolved on use: STUDIO_HOME may change after the backend is built (tests, CLI)."""
        return self._folder or user_cache_dir() / "latents"

    def tensor_path(self, key: str) -> Path:
        return self.folder / f"{key}.safetensors"

    def sidecar_path(self, key: str) -> Path:
        return self.folder / f"{key}.json"

    def save(self, key: str, latents, info: dict) -> Path:
        """Write tensor then sidecar (the sidecar's presence marks a complete entry)."""
        from safetensors.torch import save

        data = save({"latents": latents.detach().contiguous().cpu()})
        path = self.tensor_path(key)
        atomic.write_bytes(path, data)
        sidecar = {
            **info,
            "key": key,
            "shape": list(latents.shape),
            "dtype": str(latents.dtype).replace("torch.", ""),
            "saved_at": time.time(),
        }
        atomic.write_text(self.sidecar_path(key), json.dumps(sidecar, indent=1, default=str))
        self.prune(keep=key)
        return path

    def load(self, key: str) -> Kept | None:
        """The kept latents for `key`, or None; a broken entry is removed, never trusted."""
        path, sidecar = self.tensor_path(key), self.sidecar_path(key)
        if not (path.is_file() and sidecar.is_file()):
            return None
        try:
            from safetensors.torch import load_file

            info = json.loads(sidecar.read_text(encoding="utf-8"))
            latents = load_file(str(path))["latents"]
            if info.get("key") != key or list(latents.shape) != info.get("shape"):
                raise ValueError("sidecar does not match the latents")
        except Exception as exc:  # truncated by a crash, edited by hand: sample again
            log.warning("kept latents %s unusable (%s); sampling again", path.name, exc)
            self.discard(key)
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # most recently used: pruned last
        return Kept(latents, info)

    def discard(self, key: str) -> None:
        for path in (self.sidecar_path(key), self.tensor_path(key)):
            with contextlib.suppress(OSError):
                path.unlink()

    def prune(self, keep: str | None = None) -> None:
        """Drop the least recently used entries while the folder holds more than max_bytes."""
        try:
            files = sorted(self.folder.glob("*.safetensors"), key=lambda p: p.stat().st_mtime)
            sizes = {p: p.stat().st_size for p in files}
        except OSError:
            return
        total = sum(sizes.values())
        for path in files:
            if total <= self.max_bytes:
                break
            if path.stem != keep:
                self.discard(path.stem)
                total -= sizes[path]
