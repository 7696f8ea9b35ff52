"""The consent ledger: what this machine has seen, kept where `cameo remove` cannot reach.

One hash-chained, append-only JSON-lines file in the user data folder (beside `cameos/`,
never inside a cameo's own folder) holds two kinds of facts:

- `consent`: the newest signed consent record ever seen for a cameo (a *tombstone*). It
  survives `cameo remove` and a deleted or damaged `consent.json`, so an older record — an
  old `.cameo` file, an old copy of `consent.json` — can never undo a revocation. Records
  are stored whole and signed by the cameo's owner: nobody else can raise a tombstone, and
  one that does not verify is ignored.
- `take`: the SHA-256 of a take file the engine wrote, and the cameos (profile id, handle,
  consent record number) that made it, inherited through remix/blend/extend/loop sources.
  Export looks take files up here by content, so editing `take.cameos` or `take.prompt` in
  `project.json` changes nothing.

Each line carries the hash of the line before it; a torn last line after a crash is kept as
an (ignored) line of its own, so the chain survives crashes but not edits.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from studio.cameo.consent import ConsentRecord, parse_record
from studio.cameo.signing import user_id_for, verify

try:  # POSIX: serialise appends between processes (the editor and a CLI render at once)
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

LEDGER_NAME = "consent-ledger.jsonl"
_LOCK = threading.Lock()


@dataclass(frozen=True)
class CameoUse:
    """A cameo as it went into a take: which profile, under which consent record."""

    handle: str
    profile_id: str | None = None
    seq: int | None = None

    def as_dict(self) -> dict:
        return {"handle": self.handle, "profile_id": self.profile_id, "seq": self.seq}


@dataclass
class TakeFacts:
    """Everything the ledger knows about one take file's content."""

    sha256: str
    cameos: list[CameoUse] = field(default_factory=list)


@dataclass
class _State:
    key: tuple[int, int] | None = None
    tombstones: dict[tuple[str, str], ConsentRecord] = field(default_factory=dict)
    takes: dict[str, TakeFacts] = field(default_factory=dict)
    broken_at: int | None = None  # first line whose `prev` does not match (1-based)
    last_line: bytes = b""
    ends_clean: bool = True


def _owner_signed(record: ConsentRecord) -> bool:
    try:
        return user_id_for(record.owner_key) == record.owner_id and verify(
            record.signable(), record.owner_key
        )
    except (ValueError, TypeError):
        return False


def _take_cameos(items: object) -> list[CameoUse]:
    out = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and isinstance(item.get("handle"), str):
            pid, seq = item.get("profile_id"), item.get("seq")
            out.append(
                CameoUse(
                    item["handle"],
                    pid if isinstance(pid, str) else None,
                    seq if isinstance(seq, int) and not isinstance(seq, bool) else None,
                )
            )
    return out


def _merge(into: list[CameoUse], more: list[CameoUse]) -> None:
    for use in more:
        if use not in into:
            into.append(use)


class ConsentLedger:
    """The ledger file of one user data folder; reads are cached by file size and mtime."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._state = _State()

    # --- reading ------------------------------------------------------------------------
    def _read(self) -> _State:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            self._state = _State()
            return self._state
        key = (st.st_size, st.st_mtime_ns)
        if self._state.key == key:
            return self._state
        state = _State(key=key)
        data = self.path.read_bytes()
        state.ends_clean = not data or data.endswith(b"\n")
        prev = b""
        for number, line in enumerate(data.splitlines(), 1):
            try:
                entry = json.loads(line)
            except (ValueError, RecursionError):
                entry = None  # a torn line after a crash: chained over, its content ignored
            if isinstance(entry, dict):
                if entry.get("prev") != hashlib.sha256(prev).hexdigest():
                    state.broken_at = state.broken_at or number
                self._learn(state, entry)
            prev = line
        state.last_line = prev
        self._state = state
        return state

    @staticmethod
    def _learn(state: _State, entry: dict) -> None:
        if entry.get("kind") == "consent":
            record = parse_record(entry.get("record"))
            if record is None or not _owner_signed(record):
                return  # only the owner's signature can raise a tombstone
            key = (record.profile_id, record.owner_key)  # another key cannot shadow the owner
            known = state.tombstones.get(key)
            if known is None or record.seq > known.seq:
                state.tombstones[key] = record
        elif entry.get("kind") == "take" and isinstance(entry.get("sha256"), str):
            facts = state.takes.setdefault(entry["sha256"], TakeFacts(entry["sha256"]))
            _merge(facts.cameos, _take_cameos(entry.get("cameos")))  # entries only add cameos

    def newest(self, profile_id: str, owner_key: str) -> ConsentRecord | None:
        """The newest consent record seen for this profile signed by this owner (its tombstone)."""
        return self._read().tombstones.get((profile_id, owner_key))

    def take(self, sha256: str) -> TakeFacts | None:
        return self._read().takes.get(sha256)

    def broken_line(self) -> int | None:
        """The first line that was removed, reordered or edited after it was written."""
        return self._read().broken_at

    # --- writing ------------------------------------------------------------------------
    def _append(self, entry: dict) -> None:
        with _LOCK:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o644)
            try:
                if fcntl is not None:
                    fcntl.flock(fd, fcntl.LOCK_EX)
                self._state.key = None  # another process may have appended
                state = self._read()
                entry = {**entry, "time": datetime.now(UTC).isoformat(timespec="seconds")}
                entry["prev"] = hashlib.sha256(state.last_line).hexdigest()
                line = json.dumps(entry, ensure_ascii=False, sort_keys=True).encode() + b"\n"
                os.write(fd, (b"" if state.ends_clean else b"\n") + line)
                os.fsync(fd)
            finally:
                os.close(fd)  # closing releases the lock
            self._state.key = None

    def note_record(self, record: ConsentRecord) -> bool:
        """Remember a verified record if it is newer than the tombstone; True when written."""
        if not _owner_signed(record):
            return False
        known = self.newest(record.profile_id, record.owner_key)
        if known is not None and known.seq >= record.seq:
            return False
        self._append(
            {
                "kind": "consent",
                "profile_id": record.profile_id,
                "handle": record.handle,
                "seq": record.seq,
                "record": record.model_dump(mode="json"),
            }
        )
        return True

    def note_take(
        self,
        sha256: str,
        size: int,
        cameos: list[CameoUse],
        *,
        sources: list[str] = (),
        take_id: str = "",
        shot_id: str | None = None,
        bundle: str | None = None,
    ) -> TakeFacts:
        """Record which cameos a take file's content was made with (sources' cameos added)."""
        uses = list(cameos)
        for source in sources:
            facts = self.take(source)
            if facts:
                _merge(uses, facts.cameos)
        self._append(
            {
                "kind": "take",
                "sha256": sha256,
                "size": size,
                "cameos": [u.as_dict() for u in uses],
                "sources": list(sources),
                "take_id": take_id,
                "shot_id": shot_id,
                "bundle": bundle,
            }
        )
        return TakeFacts(sha256, uses)
