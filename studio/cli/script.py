"""`storyboard-studio script PROJECT -o BOARD.toml`: a project's storyboard as a text file."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser("script", help="write a project's storyboard as a storyboard script (TOML)")
    p.add_argument("project", type=Path, help="project bundle (.sbproj)")
    p.add_argument("-o", "--output", type=Path, required=True, help="the .toml to write")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from studio.bundle import Bundle
    from studio.script.writer import write_storyboard

    write_storyboard(Bundle.load(args.project), args.output)
    return 0
