"""The local signing credentials for C2PA: a small CA and an end-entity certificate.

C2PA validators reject self-signed signing certificates, so on first use the app makes a
local certificate authority and issues an end-entity certificate from it with the key usage
C2PA asks for (digitalSignature; EKU emailProtection + documentSigning). Both live in the
user data folder (STUDIO_HOME overrides it). Verifiers elsewhere show the signer as
*untrusted* unless this CA (provenance/ca.pem) is added to their trust list — the signature
and the content hashes still verify, and tampering is still detected.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

from studio import atomic
from studio.paths import user_data_dir

ORG = "Storyboard Studio (local)"
DOCUMENT_SIGNING = ObjectIdentifier("1.3.6.1.5.5.7.3.36")
CA_YEARS, SIGNER_DAYS, RENEW_DAYS = 20, 825, 30


@dataclass(frozen=True)
class SigningCredentials:
    chain_pem: bytes  # end-entity certificate followed by the CA certificate
    key_pem: bytes  # end-entity private key (PKCS#8)
    ca_pem: bytes
    folder: Path


def provenance_dir() -> Path:
    path = user_data_dir() / "provenance"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _name(common: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORG),
        ]
    )


def _key_usage(*, sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=sign,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=not sign,
        crl_sign=not sign,
        encipher_only=False,
        decipher_only=False,
    )


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _write_secret(path: Path, data: bytes) -> None:
    atomic.write_bytes(path, data)
    os.chmod(path, 0o600)


def _make_ca(folder: Path) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    name = _name("Storyboard Studio local CA")
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=365 * CA_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(sign=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write_secret(folder / "ca.key", _pem_key(key))
    atomic.write_bytes(folder / "ca.pem", cert.public_bytes(serialization.Encoding.PEM))
    return cert, key


def _make_signer(folder: Path, ca: x509.Certificate, ca_key: ec.EllipticCurvePrivateKey) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("Storyboard Studio signer"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(min(now + dt.timedelta(days=SIGNER_DAYS), ca.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(sign=True), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION, DOCUMENT_SIGNING]),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    _write_secret(folder / "signer.key", _pem_key(key))
    atomic.write_bytes(folder / "signer.pem", cert.public_bytes(serialization.Encoding.PEM))


def _load_ca(folder: Path) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey] | None:
    try:
        cert = x509.load_pem_x509_certificate((folder / "ca.pem").read_bytes())
        key = serialization.load_pem_private_key((folder / "ca.key").read_bytes(), None)
    except (OSError, ValueError):
        return None
    return (cert, key) if isinstance(key, ec.EllipticCurvePrivateKey) else None


def _signer_fresh(folder: Path) -> bool:
    try:
        cert = x509.load_pem_x509_certificate((folder / "signer.pem").read_bytes())
        serialization.load_pem_private_key((folder / "signer.key").read_bytes(), None)
    except (OSError, ValueError):
        return False
    left = cert.not_valid_after_utc - dt.datetime.now(dt.UTC)
    return left > dt.timedelta(days=RENEW_DAYS)


def signing_credentials() -> SigningCredentials:
    """The CA and end-entity certificate, created on first use and renewed before expiry."""
    folder = provenance_dir()
    loaded = _load_ca(folder)
    ca = loaded or _make_ca(folder)
    if loaded is None or not _signer_fresh(folder):  # a new CA needs a new signer too
        _make_signer(folder, *ca)
    ca_pem = (folder / "ca.pem").read_bytes()
    return SigningCredentials(
        (folder / "signer.pem").read_bytes() + ca_pem,
        (folder / "signer.key").read_bytes(),
        ca_pem,
        folder,
    )


def local_ca_pem() -> bytes | None:
    """This machine's CA certificate, if one was made (to trust our own signatures)."""
    path = user_data_dir() / "provenance" / "ca.pem"
    return path.read_bytes() if path.exists() else None
