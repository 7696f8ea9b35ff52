"""`storyboard-studio gui [PROJECT] [--screenshot PNG]`: open the editor.

Qt is imported only when this command runs, so the rest of the CLI stays headless.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "gui",
        help="open the editor window",
        description="Open the editor with PROJECT (a .sbproj folder) or the bundled example.",
    )
    p.add_argument("project", nargs="?", type=Path, help="project bundle (NAME.sbproj)")
    p.add_argument(
        "--screenshot",
        type=Path,
        metavar="PNG",
        help="wait until the window is idle, save a PNG of it and exit",
    )
    p.add_argument(
        "--generate-missing",
        action="store_true",
        help="queue a take for every shot that has none (animatic engine)",
    )
    p.add_argument(
        "--cluster",
        metavar="ADDRESS",
        help="generate on the render farm (a Ray cluster: HEAD:6379 or auto); "
        "default: $STUDIO_CLUSTER",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import os

    from studio.farm import ENV_CLUSTER
    from ui.app import run as run_editor

    if args.cluster is not None:  # the editor builds its engine from the environment
        os.environ[ENV_CLUSTER] = args.cluster

    code = run_editor(args.project, args.screenshot, args.generate_missing)
    exit_now(code)
    return code  # not reached


def exit_now(code: int) -> None:
    """End the process as soon as the editor has finished its own shutdown.

    By then the documents are closed, autosave stopped, the layout and settings synced and the
    engine stopped (its running job cancelled, its partial file removed). What is left is the
    interpreter's teardown of Qt's widgets and of every imported module, which took 0.5-0.8 s
    after the window had gone, so quitting took over a second; it writes nothing."""
    import logging
    import os
    import sys

    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)
