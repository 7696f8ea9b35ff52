"""Cameo files: a profile, its signed consent record and (optionally) its use log, zipped.

This is how a person hands their cameo to a collaborator, how a new grant or a revocation
travels (a newer record from the same owner replaces the older one; an older one is ignored,
so a revocation cannot be undone by re-importing an old file), and how a collaborator's use
log travels back to the owner.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

from studio import atomic
from studio.cameo.consent import ConsentRecord, parse_record, record_problem
from studio.cameo.profile import CameoProfile, profile_problem
from studio.cameo.store import CameoStore, StoredCameo, load_cameo
from studio.cameo.uselog import UseEntry
from studio.errors import InputError, Location, PolicyRefusal

FORMAT = "storyboard-studio/cameo-file"
MAX_MEMBER = 64 * 1024 * 1024


@dataclass
class ImportResult:
    cameo: StoredCameo
    created: bool
    consent_updated: bool
    log_entries_added: int
    note: str = ""


def export_cameo(cameo: StoredCameo, dest: Path, *, include_log: bool = True) -> Path:
    """Write a .cameo file (zip) with everything the other side needs to verify it."""
    dest = Path(dest)
    with atomic.staged_output(dest) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("format.json", json.dumps({"format": FORMAT, "version": 1}))
        z.write(cameo.folder / "profile.json", "profile.json")
        if (cameo.folder / "consent.json").exists():
            z.write(cameo.folder / "consent.json", "consent.json")
        refs = [*cameo.profile.images, *([cameo.profile.voice] if cameo.profile.voice else [])]
        for ref in refs:
            z.write(cameo.folder / ref.file, ref.file)
        if include_log and cameo.log.path.exists():
            z.write(cameo.log.path, "uselog.jsonl")
    return dest


def _read(z: zipfile.ZipFile, name: str, where: Location) -> bytes:
    try:
        info = z.getinfo(name)
    except KeyError:
        raise InputError(f"the cameo file has no {name}", where) from None
    if info.file_size > MAX_MEMBER:
        raise InputError(f"{name} in the cameo file is too large", where)
    return z.read(info)


def _unpack(path: Path, staging: Path) -> tuple[CameoProfile, ConsentRecord | None, list[UseEntry]]:
    where = Location(file=str(path))
    try:
        z = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise InputError(f"not a cameo file: {exc}", where) from None
    with z:
        names = set(z.namelist())
        try:
            profile = CameoProfile.model_validate_json(_read(z, "profile.json", where))
        except ValueError as exc:
            raise InputError(f"unreadable profile in the cameo file: {exc}", where) from None
        staging.mkdir(parents=True)
        (staging / "profile.json").write_bytes(_read(z, "profile.json", where))
        for ref in [*profile.images, *([profile.voice] if profile.voice else [])]:
            if Path(ref.file).name != ref.file or ref.file.startswith("."):
                raise InputError(f"unsafe file name {ref.file!r} in the cameo file", where)
            (staging / ref.file).write_bytes(_read(z, ref.file, where))
        record = None
        if "consent.json" in names:
            try:
                record = parse_record(json.loads(_read(z, "consent.json", where)))
            except ValueError:
                record = None
        entries = []
        if "uselog.jsonl" in names:
            for line in _read(z, "uselog.jsonl", where).decode("utf-8", "replace").splitlines():
                try:
                    entries.append(UseEntry.from_dict(json.loads(line)))
                except (ValueError, TypeError):
                    continue
    return profile, record, entries


def import_cameo(store: CameoStore, path: Path) -> ImportResult:
    """Add a cameo from a file, or update this machine's copy with a newer consent record."""
    path = Path(path)
    where = Location(file=str(path))
    staging = store.root / f".import-{path.stem}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        profile, record, entries = _unpack(path, staging)
        problem = profile_problem(profile, staging)
        if problem:
            raise PolicyRefusal(f"cameo @{profile.handle} in {path} was not accepted: {problem}")
        consent_problem = record_problem(record, profile)
        if consent_problem:
            raise PolicyRefusal(
                f"cameo @{profile.handle} in {path} was not accepted: {consent_problem}"
            )
        assert record is not None
        existing = store.by_profile(profile.profile_id)
        _refuse_rollback(store, existing, profile, record, path)
        store.ledger.note_record(record)  # before consent.json: a crash cannot roll it back
        same_handle = store.find(profile.handle)
        if existing is None:
            if same_handle is not None:
                raise InputError(
                    f"a different cameo @{profile.handle} (owner {same_handle.profile.owner_id}) "
                    "is already on this machine; remove it first (`cameo remove`)",
                    where,
                )
            (staging / "consent.json").write_text(record.model_dump_json(indent=2), "utf-8")
            folder = store.root / profile.profile_id
            staging.rename(folder)
            cameo = load_cameo(folder)
            added = cameo.log.merge(entries)
            return ImportResult(cameo, True, True, added)
        return _update(existing, profile, record, entries, staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _refuse_rollback(
    store: CameoStore,
    existing: StoredCameo | None,
    profile: CameoProfile,
    record: ConsentRecord,
    path: Path,
) -> None:
    """Refuse a record older than the newest this machine has seen for the cameo.

    The tombstone outlives `cameo remove` and a deleted or damaged consent file; only when
    this machine still holds a current record is an old file harmlessly kept out (a note).
    """
    tomb = store.ledger.newest(profile.profile_id, profile.owner_key)
    if tomb is None or record.seq >= tomb.seq:
        return
    current = (
        existing is not None
        and existing.record is not None
        and not existing.record_error
        and existing.record.seq >= tomb.seq
    )
    if not current:
        owner = profile.owner_name or profile.owner_id
        raise PolicyRefusal(
            f"cameo @{profile.handle} in {path} was not imported: its consent record "
            f"#{record.seq} is older than record #{tomb.seq} this machine has already seen "
            "for this cameo (an old file cannot undo a revocation or a change of consent). "
            f"What you can do: ask {owner} ({profile.owner_id}) for their current cameo file."
        )


def _update(
    existing: StoredCameo,
    profile: CameoProfile,
    record: ConsentRecord,
    entries: list[UseEntry],
    staging: Path,
) -> ImportResult:
    if profile.owner_key != existing.profile.owner_key:
        raise PolicyRefusal(
            f"cameo @{profile.handle}: the file is signed by a different owner "
            "than this machine's copy; it was not imported"
        )
    note = ""
    if profile.revision > existing.profile.revision:  # the owner re-signed the profile
        for ref in [*profile.images, *([profile.voice] if profile.voice else [])]:
            shutil.copyfile(staging / ref.file, existing.folder / ref.file)
        atomic.write_text(existing.folder / "profile.json", profile.model_dump_json(indent=2))
    local_ok = (
        existing.record is not None
        and not existing.record_error
        and not record_problem(existing.record, existing.profile)
    )
    newer = not local_ok or record.seq > existing.record.seq  # type: ignore[union-attr]
    if newer:
        atomic.write_text(existing.folder / "consent.json", record.model_dump_json(indent=2))
    else:
        note = (
            f"this machine already has consent record #{existing.record.seq} "  # type: ignore[union-attr]
            f"(the file has #{record.seq}); the newer one was kept"
        )
    cameo = load_cameo(existing.folder)
    added = cameo.log.merge(entries)
    return ImportResult(cameo, False, newer, added, note)
