"""`storyboard-studio loras list`: the LoRAs in the user's LoRA folder and their families."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def register(subparsers) -> None:
    parser = subparsers.add_parser("loras", help="list the LoRAs in your LoRA folder")
    sub = parser.add_subparsers(dest="loras_command", metavar="ACTION")
    listing = sub.add_parser("list", help="installed LoRAs, the family each was made for")
    listing.add_argument("--dir", type=Path, help="another LoRA folder to list")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    listing.set_defaults(func=list_loras)
    parser.set_defaults(func=lambda args: parser.print_help() or 2)


def list_loras(args: argparse.Namespace) -> int:
    from studio.lorafiles.library import installed, user_folder
    from studio.models import human_size

    folder = user_folder(args.dir)
    found = installed(folder)
    if args.json:
        print(json.dumps([_as_dict(lo) for lo in found], indent=1))
        return 0
    if not found:
        print(f"no LoRAs in {folder} (put .safetensors files there)")
        return 0
    print(f"LoRAs in {folder}:")
    width = max(len(lo.name) for lo in found)
    for lo in found:
        family = str(lo.family) if lo.problem is None else "refused: " + lo.problem
        camera = f"  camera {lo.camera}" if lo.camera else ""
        print(f"{lo.name:<{width}}  {human_size(lo.size):>9}  {family}{camera}")
    return 0


def _as_dict(lo) -> dict:
    return {
        "name": lo.name,
        "path": str(lo.path),
        "size": lo.size,
        "family": lo.family.name,
        "family_from": lo.family.how or None,
        "camera": lo.camera,
        "problem": lo.problem,
    }
