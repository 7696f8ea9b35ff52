"""Cameo consent that travels with a farm job, and its check on the worker.

The driver's guard already checked consent at submit and right before dispatch. A worker is
another machine, though, with no cameo store of its own: the job carries, in memory, each
cameo's owner-signed profile and newest owner-signed consent record, its reference pictures,
and the requesting user's id and public key, all signed by that user over the job id and the
request. Right before sampling the worker checks every signature, the pictures against the
profile's hashes, expiry and revocation (the record it was given, never an older one than it
has already seen), restrictions and public figures, and refuses the job on any doubt.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from studio.cameo.consent import parse_record
from studio.cameo.detect import detect
from studio.cameo.guard import _cameo_problems
from studio.cameo.profile import CameoProfile
from studio.cameo.signing import canonical, user_id_for, verify
from studio.cameo.store import CameoStore, StoredCameo


class CameoPass(BaseModel):
    """One cameo as shipped: the owner-signed profile and record, and the picture bytes."""

    model_config = ConfigDict(extra="forbid")

    profile: dict
    record: dict | None
    pictures: dict[str, bytes] = Field(default_factory=dict)  # profile file name → bytes


class ConsentPacket(BaseModel):
    """The consent a job needs, signed by the user who asks for it."""

    model_config = ConfigDict(extra="forbid")

    job_id: str
    user_id: str
    user_name: str = ""
    user_key: str
    request_digest: str
    issued: str
    cameos: list[CameoPass] = Field(default_factory=list)
    signature: str = ""

    def signable(self) -> dict:
        """What the user signs: everything but the picture bytes (the profile pins their hashes)."""
        data = self.model_dump(mode="json", exclude={"cameos", "signature"})
        data["cameos"] = [
            {"profile": c.profile, "record": c.record, "pictures": sorted(c.pictures)}
            for c in self.cameos
        ]
        data["signature"] = self.signature
        return data


def request_digest(request: dict) -> str:
    """The request the packet is for, as the hash of its canonical JSON."""
    return hashlib.sha256(canonical({"request": request})).hexdigest()


def packet_for(
    job_id: str, request: dict, handles: list[str], store: CameoStore | None = None
) -> ConsentPacket:
    """The packet for a job: the current profile, record and pictures of each of its cameos.

    A handle this machine has no cameo for is left out; the worker then refuses the job."""
    from studio.cameo.identity import load_identity

    store = store or CameoStore()
    user = load_identity()
    passes = []
    for handle in handles:
        cameo = store.find(handle)
        if cameo is None:
            continue
        pictures = {}
        for ref in cameo.profile.images:
            path = cameo.folder / ref.file
            if path.is_file():
                pictures[ref.file] = path.read_bytes()
        record = cameo.record.model_dump(mode="json") if cameo.record else None
        passes.append(
            CameoPass(
                profile=cameo.profile.model_dump(mode="json"), record=record, pictures=pictures
            )
        )
    packet = ConsentPacket(
        job_id=job_id,
        user_id=user.user_id,
        user_name=user.display_name,
        user_key=user.public_key,
        request_digest=request_digest(request),
        issued=datetime.now(UTC).isoformat(timespec="seconds"),
        cameos=passes,
    )
    packet.signature = user.sign(packet.signable())
    return packet


@dataclass(frozen=True)
class Requester:
    """The user a job is for, as far as the consent rules care (id and name)."""

    user_id: str
    display_name: str


@dataclass
class Verified:
    """Cameos that passed, staged in a RAM folder for the job (removed with `discard`)."""

    folder: Path | None
    handles: list[str] = field(default_factory=list)
    pictures: list[str] = field(default_factory=list)  # first picture of each, then the rest

    def discard(self) -> None:
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)


class ConsentRefused(Exception):
    """The worker refuses the job: consent did not verify (fail closed)."""


def verify_on_worker(
    packet: ConsentPacket | None,
    job_id: str,
    request: dict,
    stage_root: Path,
    seen_seq: dict[str, int],
    now: datetime | None = None,
) -> Verified:
    """Check the packet against the request right before sampling; raise ConsentRefused.

    `seen_seq` is the worker's memory of the newest record number per profile: a record older
    than one it already saw (a replay that would undo a revocation) is refused."""
    texts = [t for t in (request.get("prompt"), request.get("prompt_b")) if t]
    wanted = list(request.get("cameos") or [])
    if packet is None:
        named = list(dict.fromkeys([*wanted, *detect(texts, [], wanted).unknown]))
        if named:
            handles = ", ".join(f"@{h}" for h in named)
            raise ConsentRefused(f"the job names {handles} but carries no consent for it")
        return Verified(None)
    problems = _packet_problems(packet, job_id, request)
    if problems:
        raise ConsentRefused("; ".join(problems))
    folder = Path(stage_root) / f"consent-{job_id}"
    verified = Verified(folder)
    try:
        cameos = [_stage(p, folder) for p in packet.cameos]
        found = detect(texts, cameos, wanted)
        problems = [
            f"@{h}: no consent for this cameo came with the job (rule: unknown-cameo)"
            for h in found.unknown
        ]
        user = Requester(packet.user_id, packet.user_name)
        for cameo in found.cameos:
            seq = cameo.record.seq if cameo.record else -1
            if seq < seen_seq.get(cameo.profile.profile_id, -1):
                problems.append(
                    f"@{cameo.handle}: the job carries an older consent record ({seq}) than "
                    "this worker has already seen (rule: replayed-record)"
                )
                continue
            problems.extend(_cameo_problems(cameo, user, texts, now or datetime.now(UTC))[1])
        for figure in found.figures:
            if not any(
                figure.is_named(c.profile.display_name) and c.profile.attested_identity
                for c in found.cameos
            ):
                problems.append(f"the prompt names {figure.name}, a public figure")
        if problems:
            raise ConsentRefused("; ".join(problems))
        for cameo in found.cameos:
            if cameo.record:
                pid = cameo.profile.profile_id
                seen_seq[pid] = max(seen_seq.get(pid, -1), cameo.record.seq)
        verified.handles = [c.handle for c in found.cameos]
        firsts = [str(c.images[0]) for c in found.cameos]
        rest = [str(p) for c in found.cameos for p in c.images[1:]]
        verified.pictures = firsts + rest
        return verified
    except BaseException:
        verified.discard()
        raise


def _packet_problems(packet: ConsentPacket, job_id: str, request: dict) -> list[str]:
    problems = []
    try:
        owner_of_key = user_id_for(packet.user_key)
    except (ValueError, TypeError):
        owner_of_key = ""
    if owner_of_key != packet.user_id:
        problems.append("the consent packet's user id does not match its key")
    elif not verify(packet.signable(), packet.user_key):
        problems.append("the consent packet failed its signature check")
    if packet.job_id != job_id:
        problems.append("the consent packet belongs to another job")
    if packet.request_digest != request_digest(request):
        problems.append("the consent packet was signed for a different request")
    return problems


def _stage(cameo: CameoPass, folder: Path) -> StoredCameo:
    """Put one cameo's pictures in the job's RAM folder so the store's checks can read them."""
    try:
        profile = CameoProfile.model_validate(cameo.profile)
    except ValueError:
        raise ConsentRefused("a cameo profile in the job is not readable") from None
    record = parse_record(cameo.record) if cameo.record is not None else None
    where = folder / profile.profile_id
    where.mkdir(parents=True, exist_ok=True)
    for name, data in cameo.pictures.items():
        if Path(name).name != name or name.startswith("."):
            raise ConsentRefused(f"@{profile.handle}: a picture has a bad name {name!r}")
        (where / name).write_bytes(data)
    error = None if record or cameo.record is None else "its consent record is unreadable"
    return StoredCameo(where, profile, record, error)
