"""Entry point: builds the argument parser from command modules and maps errors to exit codes.

Each command module exposes `register(subparsers)` and sets `func(args) -> int` on its parser.
Command modules import heavy things (torch, Qt) only inside their functions.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from studio import __version__
from studio.errors import EXIT_FAILURE, StudioError

COMMAND_MODULES = (
    "studio.cli.render",
    "studio.cli.validate",
    "studio.cli.presets",
    "studio.cli.interchange",
    "studio.cli.script",
    "studio.cli.models",
    "studio.cli.loras",
    "studio.cli.cameo",
    "studio.cli.gui",
    "studio.cli.farm",
    "studio.cli.engine",
    "studio.cli.takes",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="storyboard-studio",
        description="Storyboard Studio: storyboards to AI-generated short films, on your own machine.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue  # command not part of this build
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s"
    )
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except StudioError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and the like: not a failure
        sys.stderr.close()
        return 0
    except Exception as exc:  # last resort: a message, not a traceback
        if args.verbose:
            raise
        print(f"error: unexpected failure: {exc.__class__.__name__}: {exc}", file=sys.stderr)
        return EXIT_FAILURE
