"""The app user's local identity: who is asking to use a cameo, and who signs consent.

Created on first use in the user data folder (STUDIO_HOME overrides it). The private key
never leaves this folder; others grant consent to the user id, which is derived from the key.
"""

from __future__ import annotations

import getpass
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)

from studio import atomic
from studio.cameo.signing import public_key_text, sign, user_id_for
from studio.errors import InputError, Location
from studio.paths import user_data_dir


@dataclass(frozen=True)
class Identity:
    user_id: str
    display_name: str
    public_key: str  # base64 raw Ed25519
    private_key: Ed25519PrivateKey
    created: str

    def sign(self, data: dict) -> str:
        return sign(data, self.private_key)


def identity_dir() -> Path:
    return user_data_dir() / "identity"


def _default_name() -> str:
    try:
        return getpass.getuser() or "Studio user"
    except (KeyError, OSError):
        return "Studio user"


def _create(folder: Path, display_name: str | None) -> None:
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    atomic.write_bytes(folder / "key.pem", pem)
    os.chmod(folder / "key.pem", 0o600)
    pub = public_key_text(key.public_key())
    info = {
        "user_id": user_id_for(pub),
        "display_name": display_name or _default_name(),
        "public_key": pub,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    atomic.write_text(folder / "identity.json", json.dumps(info, indent=2))


def load_identity(display_name: str | None = None) -> Identity:
    """This user's identity, created on first use (with `display_name` if given)."""
    folder = identity_dir()
    info_path, key_path = folder / "identity.json", folder / "key.pem"
    if not key_path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        _create(folder, display_name)
    try:
        info = json.loads(info_path.read_text(encoding="utf-8"))
        key = load_pem_private_key(key_path.read_bytes(), password=None)
    except (OSError, ValueError) as exc:
        raise InputError(
            f"cannot read the local identity: {exc}", Location(file=str(folder))
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise InputError("identity key is not an Ed25519 key", Location(file=str(key_path)))
    pub = public_key_text(key.public_key())
    # The id always follows the key: an edited identity.json cannot borrow another user's id.
    return Identity(
        user_id_for(pub),
        str(info.get("display_name") or _default_name()),
        pub,
        key,
        str(info.get("created", "")),
    )


def set_display_name(name: str) -> Identity:
    """Rename the local user (the id, which others grant consent to, does not change)."""
    name = name.strip()
    if not name:
        raise InputError("the display name cannot be empty", Location(field="name"))
    load_identity()  # creates the identity on first use
    path = identity_dir() / "identity.json"
    info = json.loads(path.read_text(encoding="utf-8"))
    info["display_name"] = name
    atomic.write_text(path, json.dumps(info, indent=2))
    return load_identity()
