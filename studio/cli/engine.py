"""`storyboard-studio engine status | install | use`: the GPU engine's own environment.

The desktop app has no torch; diffusion models run in a separate Python environment (a venv
in the user data folder, or one you have). `status` says what this machine has and which torch
build fits; `install` makes that environment (resumable); `use` points at an existing one.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "engine",
        help="set up the GPU engine (torch + diffusers in their own environment)",
        description=__doc__.split("\n\n")[1],
    )
    cmds = p.add_subparsers(dest="engine_command", metavar="ACTION", required=True)

    st = cmds.add_parser("status", help="GPU, driver, torch/diffusers, the build that fits")
    st.add_argument("--json", action="store_true", help="print the status as JSON")
    st.set_defaults(func=status)

    ins = cmds.add_parser(
        "install",
        help="make the engine environment and install torch + diffusers (resumable)",
        description="Create a virtual environment for the GPU engine and install the torch "
        "build for this GPU and the diffusion libraries. Run it again after an interruption: "
        "finished steps are skipped.",
    )
    kind = ins.add_mutually_exclusive_group()
    kind.add_argument("--cuda", metavar="VERSION", help="CUDA build of torch, e.g. 12.8")
    kind.add_argument("--cpu", action="store_true", help="the CPU build (no NVIDIA GPU)")
    kind.add_argument(
        "--existing", type=Path, metavar="DIR", help="use an environment you already have"
    )
    ins.add_argument("--path", type=Path, metavar="DIR", help="where (default: user data)")
    ins.add_argument("--torch", default=None, metavar="VERSION", help="torch version to install")
    ins.add_argument(
        "--index-url",
        metavar="URL",
        help="where torch comes from (default: download.pytorch.org for the build; "
        "'pip' = pip's own configured sources, e.g. an offline mirror)",
    )
    ins.add_argument("--python", type=Path, metavar="PATH", help="Python 3.11+ to build it with")
    ins.add_argument(
        "--torch-only",
        action="store_true",
        help="torch and the core libraries only (a quick check; cannot generate)",
    )
    ins.set_defaults(func=install)

    use = cmds.add_parser("use", help="use an existing environment (a venv folder or python)")
    use.add_argument("dir", type=Path, metavar="DIR")
    use.set_defaults(func=lambda args: _use(args.dir))


def status(args: argparse.Namespace) -> int:
    from studio.engine_env.probe import describe
    from studio.engine_env.probe import status as probe

    st = probe()
    if args.json:
        print(json.dumps(st.to_dict(), indent=1))
    else:
        print("\n".join(describe(st)))
    return 0


def install(args: argparse.Namespace) -> int:
    from studio.engine_env import config
    from studio.engine_env.install import TORCH_VERSION, Plan
    from studio.engine_env.install import install as run_install
    from studio.engine_env.probe import CUDA_BUILDS, fitting_build, nvidia

    if args.existing is not None:
        return _use(args.existing)
    if args.cpu:
        build = "cpu"
    elif args.cuda:
        build = "cu" + args.cuda.replace(".", "")
        known = [b for _, b in CUDA_BUILDS]
        if build not in known:
            from studio.errors import InputError

            raise InputError(
                f"--cuda {args.cuda}: no torch build for it; choose one of "
                + ", ".join(v for v, _ in CUDA_BUILDS)
            )
    else:
        _, driver_cuda, problem = nvidia()
        build = fitting_build(driver_cuda)
        print(f"torch build for this machine: {build}" + (f" ({problem})" if problem else ""))
    index = "default" if args.index_url is None else args.index_url
    plan = Plan(
        path=args.path or config.default_env_path(),
        build=build,
        torch_version=args.torch or TORCH_VERSION,
        index=None if index == "pip" else index,
        base_python=args.python,
        libraries=not args.torch_only,
    )
    run_install(plan, say=lambda line: print(line, flush=True))
    return 0


def _use(folder: Path) -> int:
    from studio.engine_env.install import use_existing

    env = use_existing(folder)
    print(f"GPU engine: using {env.python} (torch {env.torch})")
    return 0
