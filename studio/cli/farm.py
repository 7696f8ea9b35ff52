"""`storyboard-studio farm status | stop`: the render farm's nodes, GPUs, workers and jobs."""

from __future__ import annotations

import argparse

from studio.errors import InputError, Location


def register(sub) -> None:
    p = sub.add_parser("farm", help="the render farm (a Ray cluster): status, stop")
    verbs = p.add_subparsers(dest="verb", metavar="VERB")
    status = verbs.add_parser("status", help="nodes, GPUs, loaded models and running jobs")
    stop = verbs.add_parser("stop", help="stop the farm's workers (frees their GPUs)")
    for verb in (status, stop):
        verb.add_argument(
            "--cluster",
            metavar="ADDRESS",
            help="HEAD:6379, or auto for a cluster on this machine (default: $STUDIO_CLUSTER)",
        )
    status.set_defaults(func=run_status)
    stop.set_defaults(func=run_stop)
    p.set_defaults(func=lambda args: p.print_help() or 2)


def _address(args: argparse.Namespace) -> str:
    from studio.farm import ENV_CLUSTER, cluster_from_env

    address = cluster_from_env(args.cluster)
    if not address:
        raise InputError(
            f"which cluster? pass --cluster ADDRESS or set {ENV_CLUSTER}",
            Location(field="--cluster"),
        )
    return address


def run_status(args: argparse.Namespace) -> int:
    from studio.farm.cluster import connect, farm_status

    connect(_address(args))
    for line in farm_status().lines():
        print(line)
    return 0


def run_stop(args: argparse.Namespace) -> int:
    from studio.farm.cluster import connect
    from studio.farm.pool import stop_workers

    connect(_address(args))
    names = stop_workers()
    print(f"stopped {len(names)} farm worker(s)" + (": " + ", ".join(names) if names else ""))
    return 0
