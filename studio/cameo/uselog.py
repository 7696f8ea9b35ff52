"""The use log of a cameo: every check, allowed or refused, one JSON line each, append-only.

Lines are only ever appended (never rewritten); each line carries the hash of the previous
line, so deleting or editing an entry in the middle is detectable (`UseLog.verify_chain`).
Entries have ids, so logs that travel back to the owner inside an exported profile merge
without duplicates.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from studio.model.shot import new_id

_LOCK = threading.Lock()  # the engine thread and the UI thread may both log


@dataclass
class UseEntry:
    user_id: str
    user_name: str
    outcome: str  # "allowed" or "refused"
    rule: str = ""
    reason: str = ""
    stage: str = "submit"  # submit / engine / export
    project: str | None = None
    shot: str | None = None
    prompt: str = ""
    handle: str = ""
    time: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    id: str = field(default_factory=lambda: new_id() + new_id())

    @classmethod
    def from_dict(cls, data: dict) -> UseEntry:
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)


class UseLog:
    def __init__(self, path: Path):
        self.path = Path(path)

    def _last_line(self) -> bytes:
        if not self.path.exists():
            return b""
        with open(self.path, "rb") as f:
            lines = f.read().splitlines()
        return lines[-1] if lines else b""

    def append(self, entry: UseEntry) -> None:
        """Add one line at the end (O_APPEND, fsync): earlier lines are never touched."""
        with _LOCK:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            record = asdict(entry)
            record["prev"] = hashlib.sha256(self._last_line()).hexdigest()
            line = json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n"
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(fd, line.encode("utf-8"))
                os.fsync(fd)
            finally:
                os.close(fd)

    def entries(self) -> list[UseEntry]:
        out = []
        if self.path.exists():
            for line in self.path.read_text(encoding="utf-8").splitlines():
                try:
                    out.append(UseEntry.from_dict(json.loads(line)))
                except (ValueError, TypeError):
                    continue  # a torn last line after a crash: skip it, keep the rest
        return out

    def verify_chain(self) -> bool:
        """False when a line was removed, reordered or edited after it was written."""
        prev = b""
        if not self.path.exists():
            return True
        for line in self.path.read_bytes().splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                return False
            if record.get("prev") != hashlib.sha256(prev).hexdigest():
                return False
            prev = line
        return True

    def merge(self, entries: list[UseEntry]) -> int:
        """Append entries not yet in this log (from an imported copy); returns how many."""
        have = {e.id for e in self.entries()}
        added = 0
        for entry in sorted(entries, key=lambda e: e.time):
            if entry.id not in have:
                self.append(entry)
                have.add(entry.id)
                added += 1
        return added
