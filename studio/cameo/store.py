"""Cameo profiles on disk: one folder per profile under the user data folder.

    cameos/<profile_id>/profile.json   signed profile (handle, name, owner, image hashes)
                        consent.json   the newest signed consent record
                        image-1.png…   reference images (copied in), voice.* (optional)
                        uselog.jsonl   append-only use log

Only the owner (the identity whose key signed the profile) can change consent; everyone else
holds read-only copies that travel as export files.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from studio import atomic
from studio.cameo.consent import (
    ConsentMode,
    ConsentPolicy,
    ConsentRecord,
    Decision,
    Grant,
    evaluate,
    issue_record,
    parse_record,
    record_problem,
)
from studio.cameo.figures import figure_for_name
from studio.cameo.identity import Identity
from studio.cameo.ledger import LEDGER_NAME, ConsentLedger
from studio.cameo.profile import CameoProfile, MediaRef, normalise_handle, profile_problem
from studio.cameo.signing import sha256_file
from studio.cameo.uselog import UseLog
from studio.errors import InputError, Location, PolicyRefusal
from studio.paths import user_data_dir

VOICE_SUFFIXES = {".wav", ".flac", ".ogg", ".mp3", ".m4a"}


@dataclass
class StoredCameo:
    """A profile as found on disk, with its consent record (None if missing or unreadable)."""

    folder: Path
    profile: CameoProfile
    record: ConsentRecord | None
    record_error: str | None = None

    @property
    def handle(self) -> str:
        return self.profile.handle

    @property
    def log(self) -> UseLog:
        return UseLog(self.folder / "uselog.jsonl")

    @property
    def images(self) -> list[Path]:
        return self.profile.image_paths(self.folder)

    def problem(self) -> str | None:
        """Why this cameo cannot be trusted at all (profile or consent), or None."""
        return (
            profile_problem(self.profile, self.folder)
            or self.record_error
            or record_problem(self.record, self.profile)
        )

    def decision(self, user_id: str, now: datetime | None = None) -> Decision:
        broken = profile_problem(self.profile, self.folder) or self.record_error
        if broken:
            return Decision(
                False,
                "no-valid-consent",
                broken,
                f"ask {self.profile.owner_name or self.profile.owner_id} to export "
                "the cameo again and import the file",
            )
        return evaluate(self.profile, self.record, user_id, now)


def cameos_dir() -> Path:
    path = user_data_dir() / "cameos"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _read_json(path: Path) -> object:
    return json.loads(path.read_text(encoding="utf-8"))


def load_cameo(folder: Path) -> StoredCameo:
    try:
        profile = CameoProfile.model_validate(_read_json(folder / "profile.json"))
    except (OSError, ValueError) as exc:
        raise InputError(
            f"unreadable cameo profile: {exc}", Location(file=str(folder / "profile.json"))
        ) from None
    record, error = None, None
    consent_path = folder / "consent.json"
    if consent_path.exists():
        try:
            record = parse_record(_read_json(consent_path))
        except (OSError, ValueError):
            record = None
        if record is None:
            error = "its consent file is unreadable (it was edited by hand or damaged)"
    return StoredCameo(folder, profile, record, error)


def _check_image(path: Path) -> None:
    try:
        with Image.open(path) as img:
            img.verify()
    except (OSError, UnidentifiedImageError) as exc:
        raise InputError(f"not a readable image: {exc}", Location(file=str(path))) from None


class CameoStore:
    """All cameo profiles of this user folder; the only code that writes them."""

    def __init__(self, root: Path | None = None):
        self.root = Path(root) if root else cameos_dir()
        # Beside cameos/, not inside a cameo's folder: `cameo remove` leaves it alone.
        self.ledger = ConsentLedger(self.root.parent / LEDGER_NAME)

    # --- reading ------------------------------------------------------------------------
    def all(self) -> list[StoredCameo]:
        out = []
        for folder in sorted(self.root.iterdir()) if self.root.exists() else []:
            if not folder.name.startswith(".") and (folder / "profile.json").is_file():
                try:
                    out.append(self._checked(load_cameo(folder)))
                except InputError:
                    continue  # a damaged profile is ignored (and so never gives consent)
        return sorted(out, key=lambda c: c.handle)

    def _checked(self, cameo: StoredCameo) -> StoredCameo:
        """Hold the cameo's consent file against the newest record this machine has seen.

        A valid record newer than the tombstone becomes the tombstone; an older one, or a
        missing or damaged file where a tombstone exists, gives no consent at all.
        """
        tomb = self.ledger.newest(cameo.profile.profile_id, cameo.profile.owner_key)
        valid = cameo.record is not None and not cameo.record_error
        valid = valid and record_problem(cameo.record, cameo.profile) is None
        if valid and (tomb is None or cameo.record.seq > tomb.seq):  # type: ignore[union-attr]
            self.ledger.note_record(cameo.record)  # type: ignore[arg-type]
        elif valid and cameo.record.seq < tomb.seq:  # type: ignore[union-attr]
            cameo.record_error = (
                f"its consent record #{cameo.record.seq} is older than record #{tomb.seq} "  # type: ignore[union-attr]
                "this machine has already seen (an old consent file was put back)"
            )
        elif not valid and tomb is not None:
            why = cameo.record_error or record_problem(cameo.record, cameo.profile)
            if cameo.record is None and not cameo.record_error:
                why = "its consent file is missing"
            cameo.record_error = (
                f"{why}, and this machine has already seen consent record #{tomb.seq} for "
                "it (the consent file must not go back): import the owner's current cameo file"
            )
        return cameo

    def by_profile(self, profile_id: str) -> StoredCameo | None:
        return next((c for c in self.all() if c.profile.profile_id == profile_id), None)

    def find(self, handle: str) -> StoredCameo | None:
        handle = handle.strip().lstrip("@").lower()
        return next((c for c in self.all() if c.handle == handle), None)

    def get(self, handle: str) -> StoredCameo:
        cameo = self.find(handle)
        if cameo is None:
            raise InputError(
                f"no cameo @{handle.lstrip('@')} on this machine "
                "(see `storyboard-studio cameo list`)",
                Location(field="handle"),
            )
        return cameo

    # --- creating -----------------------------------------------------------------------
    def create(
        self,
        handle: str,
        display_name: str,
        images: list[Path],
        owner: Identity,
        *,
        voice: Path | None = None,
        attest_identity: bool = False,
    ) -> StoredCameo:
        """A new cameo of the owner's own likeness, with consent "only me" to start with."""
        handle = normalise_handle(handle)
        display_name = display_name.strip()
        if not display_name:
            raise InputError("a cameo needs a display name", Location(field="name"))
        if self.find(handle):
            raise InputError(f"a cameo @{handle} already exists", Location(field="handle"))
        if not images:
            raise InputError("a cameo needs at least one reference image", Location(field="image"))
        for name in (display_name, handle):
            figure = figure_for_name(name)
            if figure and not attest_identity:
                raise PolicyRefusal(
                    f"'{name}' is {figure.name}, a public figure: only that person can make this "
                    "cameo, stating it is their own likeness (--attest-identity)"
                )
        for img in images:
            _check_image(Path(img))
        if voice and Path(voice).suffix.lower() not in VOICE_SUFFIXES:
            raise InputError(
                "a voice sample must be .wav, .flac, .ogg, .mp3 or .m4a", Location(file=str(voice))
            )
        profile = CameoProfile(
            handle=handle,
            display_name=display_name,
            owner_id=owner.user_id,
            owner_key=owner.public_key,
            owner_name=owner.display_name,
            images=[],
            attested_identity=attest_identity,
        )
        folder = self.root / profile.profile_id
        staging = self.root / f".{profile.profile_id}.new"
        staging.mkdir(parents=True)
        try:
            for i, img in enumerate(images, 1):
                name = f"image-{i}{Path(img).suffix.lower() or '.png'}"
                shutil.copyfile(img, staging / name)
                profile.images.append(MediaRef(file=name, sha256=sha256_file(staging / name)))
            if voice:
                name = f"voice{Path(voice).suffix.lower()}"
                shutil.copyfile(voice, staging / name)
                profile.voice = MediaRef(file=name, sha256=sha256_file(staging / name))
            profile.signature = owner.sign(profile.signable())
            atomic.write_text(staging / "profile.json", profile.model_dump_json(indent=2))
            record = issue_record(profile, ConsentPolicy(), owner, None)
            atomic.write_text(staging / "consent.json", record.model_dump_json(indent=2))
            self.ledger.note_record(record)
            staging.rename(folder)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return load_cameo(folder)

    def remove(self, handle: str) -> None:
        """Delete this machine's copy of a cameo (its owner keeps theirs)."""
        shutil.rmtree(self.get(handle).folder)

    # --- consent (owner only) -----------------------------------------------------------
    def _owned(self, handle: str, owner: Identity) -> StoredCameo:
        cameo = self.get(handle)
        if cameo.profile.owner_id != owner.user_id:
            raise PolicyRefusal(
                f"only the owner of @{cameo.handle}, {cameo.profile.owner_name} "
                f"({cameo.profile.owner_id}), can change its consent"
            )
        broken = profile_problem(cameo.profile, cameo.folder)
        if broken:
            raise InputError(f"@{cameo.handle}: {broken}", Location(file=str(cameo.folder)))
        return cameo

    def _newest_record(self, cameo: StoredCameo) -> ConsentRecord | None:
        """The owner's newest valid record: the local file's or the ledger's tombstone."""
        tomb = self.ledger.newest(cameo.profile.profile_id, cameo.profile.owner_key)
        local = cameo.record if not record_problem(cameo.record, cameo.profile) else None
        mine = [r for r in (local, tomb) if r and not record_problem(r, cameo.profile)]
        return max(mine, key=lambda r: r.seq, default=None)

    def _current_policy(self, cameo: StoredCameo) -> ConsentPolicy:
        valid = self._newest_record(cameo)
        return valid.policy.model_copy(deep=True) if valid else ConsentPolicy()

    def _reissue(self, cameo: StoredCameo, policy: ConsentPolicy, owner: Identity) -> ConsentRecord:
        newest = self._newest_record(cameo) or cameo.record
        record = issue_record(cameo.profile, policy, owner, newest)
        self.ledger.note_record(record)  # first: a crash now leaves the file older, refused
        atomic.write_text(cameo.folder / "consent.json", record.model_dump_json(indent=2))
        cameo.record, cameo.record_error = record, None
        return record

    def set_policy(
        self,
        handle: str,
        owner: Identity,
        *,
        mode: ConsentMode | str | None = None,
        expires: str | None | bool = False,
        restrictions: list[str] | None = None,
    ) -> ConsentRecord:
        """Change the mode, expiry (False: keep, None: clear) or restrictions; signs a new record."""
        cameo = self._owned(handle, owner)
        policy = self._current_policy(cameo)
        if mode is not None:
            policy.mode = ConsentMode(mode)
        if expires is not False:
            policy = ConsentPolicy.model_validate({**policy.model_dump(), "expires": expires})
        if restrictions is not None:
            policy.restrictions = sorted(set(restrictions))
        return self._reissue(cameo, policy, owner)

    def grant(
        self,
        handle: str,
        owner: Identity,
        user_id: str,
        *,
        name: str = "",
        until: str | None = None,
    ) -> ConsentRecord:
        """Approve a user (taking them off the deny-list); "only me" becomes "approved"."""
        cameo = self._owned(handle, owner)
        policy = self._current_policy(cameo)
        user_id = user_id.strip()
        if not user_id:
            raise InputError(
                "grant needs a user id (ask them to run `storyboard-studio whoami`)",
                Location(field="to"),
            )
        policy.allow = [g for g in policy.allow if g.user_id != user_id]
        policy.allow.append(
            Grant.model_validate({"user_id": user_id, "name": name, "until": until})
        )
        policy.deny = [u for u in policy.deny if u != user_id]
        if policy.mode in (ConsentMode.ONLY_ME, ConsentMode.WITHDRAWN):
            policy.mode = ConsentMode.APPROVED
        return self._reissue(cameo, policy, owner)

    def revoke(self, handle: str, owner: Identity, user_id: str | None = None) -> ConsentRecord:
        """Withdraw one user's consent (deny-listed), or everyone's when `user_id` is None."""
        cameo = self._owned(handle, owner)
        policy = self._current_policy(cameo)
        if user_id is None:
            policy.mode = ConsentMode.WITHDRAWN
            policy.allow = []
        else:
            policy.allow = [g for g in policy.allow if g.user_id != user_id]
            if user_id not in policy.deny:
                policy.deny.append(user_id)
        return self._reissue(cameo, policy, owner)
