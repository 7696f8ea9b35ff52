"""C2PA manifests: mark every export as AI-generated in a way anyone can verify.

`sign_mp4` embeds a manifest with a `c2pa.created` action whose digitalSourceType is
trainedAlgorithmicMedia, the tool name and version, the model families, any cameo use and the
LoRAs the takes were made with, signed with this machine's local certificate (see certs.py). No timestamp server is used:
the app works offline. `read_manifest` reads it back with c2pa's Reader.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

from studio import TOOL_NAME
from studio.errors import ExportFailure, InputError, Location
from studio.provenance.certs import local_ca_pem, signing_credentials

TRAINED_ALGORITHMIC_MEDIA = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
GENERATION_LABEL = "org.storyboard-studio.generation"


def build_manifest(
    *,
    title: str,
    model_families: list[str],
    cameos: list[str],
    tool_version: str,
    quality: str = "final",
    sound_with_picture: list[str] | None = None,
    cast: list[str] | None = None,
    loras: list[dict] | None = None,
) -> dict[str, Any]:
    """The manifest definition: what the file says about how it was made. `sound_with_picture`
    names the families whose sound was generated together with the picture (one model run);
    `loras` the LoRAs the takes were made with (name, sha256, weight, family)."""
    families = sorted({f for f in model_families if f})
    born = sorted({f for f in sound_with_picture or [] if f})
    handles = [c if c.startswith("@") else f"@{c}" for c in dict.fromkeys(cameos)]
    members = list(dict.fromkeys(cast or []))  # cast keys: "Oro", "@maya"
    agent = {"name": TOOL_NAME, "version": tool_version}
    return {
        "claim_generator_info": [agent],
        "title": title,
        "format": "video/mp4",
        "assertions": [
            {
                "label": "c2pa.actions",
                "data": {
                    "actions": [
                        {
                            "action": "c2pa.created",
                            "digitalSourceType": TRAINED_ALGORITHMIC_MEDIA,
                            "softwareAgent": agent,
                            "parameters": {"model_families": families, "cameos": handles},
                            "description": "Generated with open video-diffusion models"
                            + (f" ({', '.join(families)})" if families else "")
                            + (
                                f"; uses the cameo(s) {', '.join(handles)} with recorded consent"
                                if handles
                                else ""
                            )
                            + (
                                f"; the sound was generated with the picture by {', '.join(born)}"
                                if born
                                else ""
                            ),
                        }
                    ]
                },
            },
            {
                "label": GENERATION_LABEL,
                "data": {
                    "tool": agent,
                    "model_families": families,
                    "cameos": handles,
                    "cameo_consent": "checked against signed consent records at export"
                    if handles
                    else "no cameo used",
                    "export_quality": quality,  # "draft": fast settings, for review
                    "sound_with_picture": born,
                    "cast": members,
                    "loras": list(loras or []),
                },
            },
        ],
    }


def sign_mp4(
    path: Path,
    *,
    title: str,
    model_families: list[str],
    cameos: list[str],
    tool_version: str,
    quality: str = "final",
    sound_with_picture: list[str] | None = None,
    cast: list[str] | None = None,
    loras: list[dict] | None = None,
) -> None:
    """Embed a signed C2PA manifest in an MP4, in place; any failure raises ExportFailure."""
    import c2pa

    path = Path(path)
    tmp = path.with_name(f".{path.name}.c2pa.tmp")
    try:
        creds = signing_credentials()
        manifest = build_manifest(
            title=title,
            model_families=model_families,
            cameos=cameos,
            tool_version=tool_version,
            quality=quality,
            sound_with_picture=sound_with_picture,
            cast=cast,
            loras=loras,
        )
        info = c2pa.C2paSignerInfo(c2pa.C2paSigningAlg.ES256, creds.chain_pem, creds.key_pem, None)
        with c2pa.Signer.from_info(info) as signer, c2pa.Builder(json.dumps(manifest)) as builder:
            with open(path, "rb") as src, open(tmp, "w+b") as dst:
                builder.sign(signer, "video/mp4", src, dst)
                dst.flush()
                os.fsync(dst.fileno())
        os.replace(tmp, path)
    except Exception as exc:
        raise ExportFailure(f"could not sign {path.name} with a C2PA manifest: {exc}") from exc
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def _reader(path: Path):
    import c2pa

    ca = local_ca_pem()
    if ca is None:
        return c2pa.Reader(str(path))
    settings = c2pa.Settings.from_dict(
        {"verify": {"verify_trust": True}, "trust": {"trust_anchors": ca.decode()}}
    )
    return c2pa.Reader(str(path), context=c2pa.Context(settings))


def read_manifest(path: Path) -> dict[str, Any]:
    """What the file's active C2PA manifest says, and whether it verifies.

    Keys: title, validation_state ("Trusted", "Valid" or "Invalid"), trusted (signed by this
    machine's CA or another trusted one), tampered (content or manifest changed after
    signing), failures, digital_source_type, ai_generated, software_agent, model_families,
    cameos, signer, actions, manifest (the raw active manifest).
    """
    import c2pa

    path = Path(path)
    try:
        with _reader(path) as reader:
            active = reader.get_active_manifest() or {}
            state = reader.get_validation_state() or ""
            results = reader.get_validation_results() or {}
    except c2pa.C2paError as exc:
        raise InputError(f"no readable C2PA manifest: {exc}", Location(file=str(path))) from None
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc}", Location(file=str(path))) from None
    failures = results.get("activeManifest", {}).get("failure", [])
    codes = [f.get("code", "") for f in failures]
    actions = _actions(active)
    created = next((a for a in actions if a.get("action") == "c2pa.created"), {})
    generation = _assertion(active, GENERATION_LABEL) or {}
    params = created.get("parameters", {}) or {}
    return {
        "title": active.get("title"),
        "validation_state": state,
        "trusted": state == "Trusted",
        "tampered": any(c != "signingCredential.untrusted" for c in codes) or state == "Invalid",
        "failures": [f"{f.get('code')}: {f.get('explanation', '')}" for f in failures],
        "digital_source_type": created.get("digitalSourceType"),
        "ai_generated": created.get("digitalSourceType") == TRAINED_ALGORITHMIC_MEDIA,
        "software_agent": created.get("softwareAgent"),
        "model_families": generation.get("model_families", params.get("model_families", [])),
        "cameos": generation.get("cameos", params.get("cameos", [])),
        "export_quality": generation.get("export_quality", "final"),
        "sound_with_picture": generation.get("sound_with_picture", []),
        "cast": generation.get("cast", []),
        "loras": generation.get("loras", []),
        "signer": active.get("signature_info", {}),
        "actions": actions,
        "manifest": active,
    }


def _assertion(manifest: dict, label: str) -> dict | None:
    for a in manifest.get("assertions", []):
        if a.get("label") == label or a.get("label", "").startswith(label + "."):
            return a.get("data", {})
    return None


def _actions(manifest: dict) -> list[dict]:
    data = _assertion(manifest, "c2pa.actions") or {}
    return list(data.get("actions", []))


def describe(info: dict[str, Any]) -> str:
    """A readable summary for `storyboard-studio verify`."""
    agent = info.get("software_agent") or {}
    signer = info.get("signer") or {}
    trust = (
        "trusted (this machine's local CA)"
        if info["trusted"]
        else "untrusted signer (add the signer's CA to your C2PA trust list to trust it)"
    )
    lines = [
        f"title: {info.get('title')}",
        f"validation: {info['validation_state']} — "
        + ("CONTENT OR MANIFEST CHANGED AFTER SIGNING" if info["tampered"] else "intact"),
        f"signer: {signer.get('common_name', '?')} / {signer.get('issuer', '?')}, {trust}",
        f"digital source type: {info.get('digital_source_type')}",
        f"AI-generated: {'yes' if info['ai_generated'] else 'no'}",
        f"software: {agent.get('name', '?')} {agent.get('version', '')}".rstrip(),
        f"model families: {', '.join(info['model_families']) or 'none recorded'}",
        f"cameos: {', '.join(info['cameos']) or 'none'}",
    ]
    if info.get("cast"):
        lines.append("cast: " + ", ".join(info["cast"]))
    if info.get("sound_with_picture"):
        lines.append(
            "sound: generated with the picture by " + ", ".join(info["sound_with_picture"])
        )
    for lora in info.get("loras") or []:
        lines.append(
            f"LoRA: {lora.get('name', '?')} (weight {lora.get('weight', '?')}, "
            f"{lora.get('family') or 'family unknown'}, sha256 {str(lora.get('sha256', ''))[:16]}…)"
        )
    if info.get("export_quality", "final") != "final":
        lines.append(
            f"export quality: {info['export_quality']} (fast encoder settings, pictures may "
            "be rendered at half size; for review)"
        )
    lines += [
        f"problem: {f}" for f in info["failures"] if not f.startswith("signingCredential.untrusted")
    ]
    return "\n".join(lines)
