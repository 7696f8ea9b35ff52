"""A cameo profile: a person's handle, name, owner and reference images, signed by the owner.

The profile is signed too (with the hashes of its images) so a profile cannot be renamed,
re-owned, or given someone else's face after the fact without failing verification.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from studio.cameo.signing import sha256_file, user_id_for, verify
from studio.errors import InputError, Location
from studio.model.shot import new_id

PROFILE_KIND = "storyboard-studio/cameo"
HANDLE = re.compile(r"^(?:[a-z0-9_][a-z0-9_.-]{0,38}[a-z0-9_]|[a-z0-9_])$")


def normalise_handle(text: str) -> str:
    """`@Maya` → `maya`; only ASCII handles exist, so look-alike handles cannot be created."""
    handle = text.strip().lstrip("@").lower()
    if not HANDLE.match(handle):
        raise InputError(
            f"'{text}' is not a valid cameo handle: use 1-40 ASCII letters, digits, '_', '.' "
            "or '-', starting and ending with a letter, digit or '_'",
            Location(field="handle"),
        )
    return handle


class MediaRef(BaseModel):
    model_config = ConfigDict(extra="forbid")

    file: str  # name inside the profile folder
    sha256: str


class CameoProfile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: str = PROFILE_KIND
    profile_id: str = Field(default_factory=lambda: new_id() + new_id())
    handle: str
    display_name: str
    owner_id: str
    owner_key: str
    owner_name: str = ""
    images: list[MediaRef]
    voice: MediaRef | None = None
    # The owner states this is their own likeness; required for names on the public-figure list.
    attested_identity: bool = False
    revision: int = 0
    created: str = Field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    signature: str = ""

    def signable(self) -> dict:
        return self.model_dump(mode="json")

    @property
    def mention(self) -> str:
        return f"@{self.handle}"

    def image_paths(self, folder: Path) -> list[Path]:
        return [folder / ref.file for ref in self.images]


def profile_problem(profile: CameoProfile, folder: Path) -> str | None:
    """Why this profile cannot be trusted (signature, owner, swapped images), or None."""
    if profile.kind != PROFILE_KIND:
        return "its profile is not a cameo profile"
    if user_id_for(profile.owner_key) != profile.owner_id:
        return "its profile names an owner id that does not match the owner's key"
    if not verify(profile.signable(), profile.owner_key):
        return "its profile failed the signature check (it was edited or forged)"
    if not profile.images:
        return "its profile has no reference image"
    for ref in [*profile.images, *([profile.voice] if profile.voice else [])]:
        path = folder / ref.file
        if Path(ref.file).name != ref.file or not path.is_file():
            return f"its reference file {ref.file} is missing"
        if sha256_file(path) != ref.sha256:
            return f"its reference file {ref.file} was changed after the owner signed the profile"
    return None
