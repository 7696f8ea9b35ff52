"""C2PA manifests on real MP4 files (H.264 + AAC written with PyAV), read back with c2pa."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID

from studio.cli.main import main
from studio.errors import ExportFailure, InputError
from studio.model import Clip, Project, Take, Track
from studio.provenance import (
    TRAINED_ALGORITHMIC_MEDIA,
    provenance_hook,
    read_manifest,
    sign_mp4,
    signing_credentials,
)


def write_mp4(path: Path, frames: int = 6, size: int = 64) -> Path:
    """A tiny real MP4: H.264 video and an AAC sine tone."""
    with av.open(str(path), "w", format="mp4") as out:
        video = out.add_stream("libx264", rate=24)
        video.width = video.height = size
        video.pix_fmt = "yuv420p"
        audio = out.add_stream("aac", rate=48000)
        audio.layout = "stereo"
        for i in range(frames):
            img = np.full((size, size, 3), (i * 40) % 255, np.uint8)
            for packet in video.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                out.mux(packet)
        t = np.arange(48000 * frames // 24) / 48000
        tone = (0.2 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
        for start in range(0, len(tone), 1024):
            chunk = np.stack([tone[start : start + 1024]] * 2)
            frame = av.AudioFrame.from_ndarray(
                np.ascontiguousarray(chunk), format="fltp", layout="stereo"
            )
            frame.sample_rate = 48000
            frame.pts = start
            frame.time_base = Fraction(1, 48000)
            for packet in audio.encode(frame):
                out.mux(packet)
        for stream in (video, audio):
            for packet in stream.encode():
                out.mux(packet)
    return path


@pytest.fixture
def signed(tmp_path) -> Path:
    path = write_mp4(tmp_path / "film.mp4")
    sign_mp4(
        path, title="My film", model_families=["LTX-Video"], cameos=["maya"], tool_version="0.1.0"
    )
    return path


def test_manifest_reads_back_as_ai_generated(signed):
    info = read_manifest(signed)
    assert info["digital_source_type"] == TRAINED_ALGORITHMIC_MEDIA
    assert info["ai_generated"] and not info["tampered"]
    assert info["trusted"] and info["validation_state"] == "Trusted"  # our own local CA
    assert info["title"] == "My film"
    assert info["software_agent"] == {"name": "Storyboard Studio", "version": "0.1.0"}
    assert info["model_families"] == ["LTX-Video"] and info["cameos"] == ["@maya"]
    assert [a["action"] for a in info["actions"]] == ["c2pa.created"]
    with av.open(str(signed)) as container:  # still a playable MP4 with both streams
        assert len(container.streams.video) == 1 and len(container.streams.audio) == 1
        assert sum(1 for _ in container.decode(video=0)) == 6


def test_read_with_the_c2pa_reader_directly(signed):
    import c2pa

    with c2pa.Reader(str(signed)) as reader:
        manifest = reader.get_active_manifest()
        state = reader.get_validation_state()
    actions = next(a for a in manifest["assertions"] if a["label"].startswith("c2pa.actions"))
    created = actions["data"]["actions"][0]
    assert created["action"] == "c2pa.created"
    assert created["digitalSourceType"].endswith("/trainedAlgorithmicMedia")
    assert state == "Valid"  # the default reader does not know our local CA: valid, untrusted


def test_tampering_is_detected(signed, capsys):
    data = bytearray(signed.read_bytes())
    mdat = data.find(b"mdat")
    data[mdat + 64] ^= 0xFF
    signed.write_bytes(bytes(data))
    info = read_manifest(signed)
    assert info["tampered"] and info["validation_state"] == "Invalid"
    assert any("mismatch" in f for f in info["failures"])
    assert main(["verify", str(signed)]) == 1
    assert "CHANGED AFTER SIGNING" in capsys.readouterr().out


def test_another_machine_sees_a_valid_but_untrusted_signer(signed, tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_HOME", str(tmp_path / "someone-else"))
    info = read_manifest(signed)
    assert info["validation_state"] == "Valid" and not info["trusted"] and not info["tampered"]


def test_verify_cli_prints_the_manifest(signed, capsys):
    assert main(["verify", str(signed)]) == 0
    out = capsys.readouterr().out
    assert "trainedAlgorithmicMedia" in out and "AI-generated: yes" in out and "@maya" in out


def test_unsigned_file_and_signing_failure(tmp_path, capsys):
    plain = write_mp4(tmp_path / "plain.mp4")
    with pytest.raises(InputError, match="no readable C2PA manifest"):
        read_manifest(plain)
    assert main(["verify", str(plain)]) == 2
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"this is not a video")
    with pytest.raises(ExportFailure, match="junk.mp4"):
        sign_mp4(junk, title="x", model_families=[], cameos=[], tool_version="0")
    assert junk.read_bytes() == b"this is not a video"  # untouched
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_signing_certificate_is_ca_issued_with_c2pa_key_usage():
    creds = signing_credentials()
    certs = x509.load_pem_x509_certificates(creds.chain_pem)
    leaf, ca = certs
    assert leaf.issuer == ca.subject and leaf.issuer != leaf.subject  # not self-signed
    assert not leaf.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert leaf.extensions.get_extension_for_class(x509.KeyUsage).value.digital_signature
    eku = leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert ExtendedKeyUsageOID.EMAIL_PROTECTION in eku
    assert (creds.folder / "signer.key").stat().st_mode & 0o077 == 0
    assert signing_credentials().chain_pem == creds.chain_pem  # created once, then reused


def test_project_hook_records_families_and_cameos(tmp_path):
    t1 = Take(
        path="takes/a.mp4",
        engine="diffusers",
        model="Lightricks/LTX-Video-0.9.7-distilled",
        cameos=["maya"],
    )
    t2 = Take(path="takes/b.mp4", engine="animatic")
    unused = Take(
        path="takes/c.mp4", engine="diffusers", model="THUDM/CogVideoX-2b", cameos=["zoe"]
    )
    project = Project(
        title="Hook",
        takes={t.id: t for t in (t1, t2, unused)},
        tracks=[
            Track(
                clips=[
                    Clip(take_id=t1.id, start=0, duration=10),
                    Clip(take_id=t2.id, start=10, duration=10),
                ]
            )
        ],
    )
    path = write_mp4(tmp_path / "hook.mp4")
    provenance_hook(project)(path)
    info = read_manifest(path)
    assert info["model_families"] == sorted(["LTX-Video", "animatic (no diffusion model)"])
    assert info["cameos"] == ["@maya"] and info["title"] == "Hook"
