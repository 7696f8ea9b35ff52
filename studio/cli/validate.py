"""`storyboard-studio validate FILE`: check a storyboard script or project without rendering."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser("validate", help="check a storyboard script or project bundle")
    p.add_argument("input", type=Path)
    p.set_defaults(func=run)


def printable(text: str, limit: int = 200) -> str:
    """A title from a file, safe to print: control characters (a title of escape sequences
    could rewrite the terminal) shown as escapes, and cut to a line's length."""
    shown = "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text[:limit])
    return shown + ("…" if len(text) > limit else "")


def run(args: argparse.Namespace) -> int:
    from studio.bundle import Bundle, is_bundle
    from studio.limits import check_path_arg
    from studio.preflight import check_renderable
    from studio.script import load_storyboard

    check_path_arg(args.input, "input")
    if is_bundle(args.input):
        bundle = Bundle.load(args.input)
        check_renderable(bundle)  # the same checks render makes before it starts
        p = bundle.project
        title = printable(p.title)
        print(f"{args.input}: ok — project '{title}', {len(p.shots)} shots, {len(p.takes)} takes")
        return 0
    board = load_storyboard(args.input)
    for warning in board.warnings:
        print(f"warning: {warning}")
    s = board.script
    print(
        f"{args.input}: ok — '{printable(s.title)}', {len(s.shot)} shots, {board.duration:.2f} s, "
        f"{s.format.value} {s.format.size[0]}x{s.format.size[1]} @ {s.fps} fps"
    )
    return 0
