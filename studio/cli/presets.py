"""`storyboard-studio presets list|show`: the style presets a shot can use."""

from __future__ import annotations

import argparse


def register(sub) -> None:
    p = sub.add_parser("presets", help="list or show style presets")
    psub = p.add_subparsers(dest="presets_command", metavar="ACTION", required=True)
    ls = psub.add_parser("list", help="list built-in and user presets")
    ls.set_defaults(func=run_list)
    show = psub.add_parser("show", help="show one preset")
    show.add_argument("name")
    show.set_defaults(func=run_show)


def run_list(args: argparse.Namespace) -> int:
    from studio.presets.library import PresetLibrary

    lib = PresetLibrary()
    width = max((len(n) for n in lib.names()), default=4)
    for preset in lib.all():
        origin = "built-in" if preset.builtin else "user"
        print(f"{preset.name:<{width}}  {origin:<8}  {preset.title or preset.description}")
    return 0


def run_show(args: argparse.Namespace) -> int:
    from studio.presets.library import PresetLibrary, to_toml

    preset = PresetLibrary().get(args.name)
    print(to_toml(preset.model_dump(exclude_none=True)))
    return 0
