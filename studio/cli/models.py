"""`storyboard-studio models list|pull`: what models are on this machine, and fetching one."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def register(subparsers) -> None:
    parser = subparsers.add_parser("models", help="list local diffusion models or pull one")
    sub = parser.add_subparsers(dest="models_command", metavar="ACTION")
    listing = sub.add_parser(
        "list", help="models found in the model folders and the Hugging Face cache"
    )
    listing.add_argument(
        "--dir",
        action="append",
        default=[],
        type=Path,
        help="another folder to search (repeatable)",
    )
    listing.add_argument("--kind", choices=("video", "audio"), help="only video or audio models")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    listing.set_defaults(func=list_models)
    pull = sub.add_parser("pull", help="download a diffusers model from the Hub (needs a network)")
    pull.add_argument("id", help="Hub repo id, e.g. Lightricks/LTX-Video")
    pull.add_argument("--revision", help="branch, tag or commit")
    pull.set_defaults(func=pull_model)
    parser.set_defaults(func=lambda args: parser.print_help() or 2)


def list_models(args: argparse.Namespace) -> int:
    from studio.models import ModelRegistry, human_size

    registry = ModelRegistry(list(args.dir))
    models = registry.models(args.kind)
    if args.json:
        print(json.dumps([_as_dict(m) for m in models], indent=1))
        return 0
    if not models:
        dirs = ", ".join(str(d) for d in registry.search_dirs)
        print(f"no models found (searched {dirs} and the Hugging Face cache)")
        return 0
    width = max(len(m.name) for m in models)
    for m in models:
        family = m.family.title if m.family else f"unknown ({m.pipeline_class})"
        problems = m.load_problems  # the very checks the loader applies
        state = "ok" if not problems else "cannot load: " + "; ".join(problems)
        print(
            f"{m.name:<{width}}  {family:<16} {human_size(m.size_bytes):>9}  {m.source:<8}  {state}"
        )
    return 0


def _as_dict(m) -> dict:
    return {
        "id": m.id,
        "path": str(m.path),
        "family": m.family.name if m.family else None,
        "modality": m.modality,
        "pipeline": m.pipeline_class,
        "source": m.source,
        "size_bytes": m.size_bytes,
        "revision": m.revision,
        "complete": m.complete,
        "loadable": not m.load_problems,
        "problems": m.load_problems,
    }


def pull_model(args: argparse.Namespace) -> int:
    from studio.models import human_size
    from studio.models.pull import pull

    info = pull(args.id, args.revision)
    family = info.family.title if info.family else "unknown family"
    print(f"{info.id}: {family}, {human_size(info.size_bytes)} at {info.path}")
    if info.problems:
        print("warning: " + "; ".join(info.problems))
        return 4
    return 0
