"""Provenance: C2PA manifests on every export, signed with a local CA-issued certificate."""

from studio.provenance.certs import signing_credentials
from studio.provenance.manifest import (
    TRAINED_ALGORITHMIC_MEDIA,
    build_manifest,
    describe,
    read_manifest,
    sign_mp4,
)
from studio.provenance.project import model_family, provenance_hook

__all__ = [
    "TRAINED_ALGORITHMIC_MEDIA",
    "build_manifest",
    "describe",
    "model_family",
    "provenance_hook",
    "read_manifest",
    "sign_mp4",
    "signing_credentials",
]
