"""Ed25519 signatures over canonical JSON: what makes consent records tamper-evident.

A record is signed over its canonical JSON form (sorted keys, no whitespace, UTF-8) without
its `signature` field, so any edit to any field — by hand or by a program — breaks it.
A user id is derived from the public key, so nobody can claim someone else's id with a
different key.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


def canonical(data: dict[str, Any]) -> bytes:
    """The exact bytes that get signed: every field except the signature, in a fixed form."""
    body = {k: v for k, v in data.items() if k != "signature"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def public_key_text(key: Ed25519PublicKey) -> str:
    return b64(key.public_bytes(Encoding.Raw, PublicFormat.Raw))


def user_id_for(public_key: str) -> str:
    """A short, stable id for a public key: "u-" + 20 base32 characters of its SHA-256."""
    digest = hashlib.sha256(unb64(public_key)).digest()
    return "u-" + base64.b32encode(digest).decode("ascii").lower()[:20]


def sign(data: dict[str, Any], key: Ed25519PrivateKey) -> str:
    return b64(key.sign(canonical(data)))


def verify(data: dict[str, Any], public_key: str) -> bool:
    """True only when `signature` is a valid signature by `public_key` over the other fields."""
    try:
        key = Ed25519PublicKey.from_public_bytes(unb64(public_key))
        key.verify(unb64(str(data.get("signature", ""))), canonical(data))
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def sha256_file(path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
