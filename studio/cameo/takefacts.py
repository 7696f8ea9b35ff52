"""Which cameos a take file was made with, from the ledger rather than from project.json.

When the engine writes a take, `ledger_take_hook` hashes the file once and records
(SHA-256 → cameos, consent record numbers) in the consent ledger, adding the cameos of the
takes it was made from (remix, blend, extend, loop). At export every file the video tracks
use — takes and imported media alike — is hashed again and looked up, so what decides is the
content, not the editable `take.cameos` / `take.prompt` fields.

The rule for a file with no ledger entry: it was not generated on this machine (a user's own
footage, a collaborator's take) or its bytes changed after generation. Nothing is known about
it beyond what project.json claims, so those claims (take.cameos and @handles in its prompt)
are checked as before; it never carries a cameo in the C2PA manifest that it does not claim.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from studio.cameo.ledger import CameoUse, ConsentLedger, TakeFacts
from studio.cameo.store import CameoStore
from studio.engine.request import GenerationRequest
from studio.errors import StudioError
from studio.model import Clip, Project, Take, Track, TrackKind

Resolve = Callable[[str], Path]

_HASHES: dict[tuple[str, int, int, int], str] = {}
_HASH_LOCK = threading.Lock()


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, streamed; cached in memory by (path, size, mtime, inode)."""
    st = os.stat(path)
    key = (os.path.realpath(path), st.st_size, st.st_mtime_ns, st.st_ino)
    with _HASH_LOCK:
        if key in _HASHES:
            return _HASHES[key]
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    digest = h.hexdigest()
    with _HASH_LOCK:
        if len(_HASHES) > 4096:
            _HASHES.clear()
        _HASHES[key] = digest
    return digest


def ledger_take_hook(store: CameoStore | None = None):
    """The hook for `Engine.add_take_hook`: record each new take file's cameos in the ledger."""

    def record(request: GenerationRequest, take: Take, path: Path) -> None:
        cameos = store or CameoStore()
        uses = []
        for handle in request.cameos:
            cameo = cameos.find(handle)
            uses.append(
                CameoUse(
                    cameo.handle if cameo else handle,
                    cameo.profile.profile_id if cameo else None,
                    cameo.record.seq if cameo and cameo.record else None,
                )
            )
        sources = [file_sha256(Path(s.path)) for s in request.sources if Path(s.path).is_file()]
        facts = cameos.ledger.note_take(
            file_sha256(path),
            path.stat().st_size,
            uses,
            sources=sources,
            take_id=take.id,
            shot_id=take.shot_id,
            bundle=request.bundle,
        )
        take.cameos = list(dict.fromkeys([*take.cameos, *(u.handle for u in facts.cameos)]))

    return record


@dataclass
class UsedFile:
    """One clip on a video track, the file it shows, and what the ledger knows about it."""

    track: Track
    clip: Clip
    take: Take | None
    path: Path | None
    facts: TakeFacts | None = None
    claims: list[str] = field(default_factory=list)  # handles project.json says it uses


def bundle_resolver(project_path: str | None) -> Resolve | None:
    """Bundle-relative paths resolved under a bundle folder (None when it is only a label)."""
    if not project_path or not Path(project_path).is_dir():
        return None
    root = Path(project_path)
    return lambda rel: root / rel


def used_files(project: Project, resolve: Resolve | None, ledger: ConsentLedger) -> list[UsedFile]:
    """Every video clip with its file's ledger facts (hashing each file once)."""
    out = []
    for track in project.tracks_of(TrackKind.VIDEO):
        for clip in track.sorted_clips():
            take = project.takes.get(clip.take_id) if clip.take_id else None
            rel = take.path if take else clip.media
            path = None
            if resolve is not None and rel:
                try:
                    path = resolve(rel)
                except (StudioError, OSError, ValueError):
                    path = None
            facts = None
            if path is not None and path.is_file():
                facts = ledger.take(file_sha256(path))
            out.append(UsedFile(track, clip, take, path, facts, list(take.cameos) if take else []))
    return out


def timeline_cameos(project: Project, resolve: Resolve, ledger: ConsentLedger | None = None):
    """Handles of every cameo the timeline's files were made with: ledger ∪ project claims."""
    ledger = ledger or CameoStore().ledger
    handles: list[str] = []
    for used in used_files(project, resolve, ledger):
        handles += used.claims + [u.handle for u in (used.facts.cameos if used.facts else [])]
    return list(dict.fromkeys(handles))
