"""`storyboard-studio otio PROJECT -o EDIT.otio`: hand the edit to another editor."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser("otio", help="write a project's timeline as an OpenTimelineIO file")
    p.add_argument("project", type=Path, help="project bundle (.sbproj)")
    p.add_argument("-o", "--output", type=Path, required=True)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from studio.bundle import Bundle
    from studio.interchange.otio import write_otio

    bundle = Bundle.load(args.project)
    write_otio(bundle.project, bundle, args.output)
    return 0
