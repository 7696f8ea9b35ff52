"""Parsing figures: storyboard scripts and project files, against the bare parsers as baseline.

Checking a script (locator + schema + meaning) or a project (limits + models) should cost a small
multiple of parsing it with tomllib / json alone, and grow linearly: the hostile 6 KB script that
took 86 s with the old regex locator is timed too.

Run: .venv/bin/python bench/parsing.py
"""

from __future__ import annotations

import json
import sys
import time
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from studio.bundle import parse_project  # noqa: E402
from studio.limits import load_json  # noqa: E402
from studio.presets.library import PresetLibrary  # noqa: E402
from studio.script import parse_storyboard  # noqa: E402
from studio.script.locate import KeyLocator  # noqa: E402


def best(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def script(shots: int, description_lines: int) -> str:
    head = 'title = "Bench"\ndescription = """' + "a line of description\n" * description_lines
    body = "".join(
        f'[[shot]]\nprompt = "shot {i}, a lighthouse" # note\nduration = 0.5\ncamera = "orbit"\n'
        for i in range(shots)
    )
    return head + '"""\nformat = "square"\n' + body


def hostile_6kb() -> str:
    return (
        "description = \"\"\"\nIt's '''one\n[" + " " * 6000 + 'x\n"""\n'
        '[[shot]]\nprompt = "a lighthouse"\n'
    )


def project_json(shots: int) -> str:
    from studio.model import Clip, Project, Shot, Take, TrackKind

    p = Project(fps=24)
    track = p.ensure_track(TrackKind.VIDEO)
    for i in range(shots):
        shot = Shot(prompt=f"shot {i}", duration=1.0)
        take = Take(shot_id=shot.id, path=f"takes/{i}.mp4", engine="animatic", fps=24, frames=24)
        shot.current_take = take.id
        p.shots.append(shot)
        p.takes[take.id] = take
        track.clips.append(Clip(take_id=take.id, shot_id=shot.id, start=i * 12, duration=12))
    return p.model_dump_json(indent=1)


def main() -> None:
    lib = PresetLibrary()
    for shots, lines in ((100, 100), (2_000, 20_000), (8_000, 40_000)):
        text = script(shots, lines)
        base = best(lambda text=text: tomllib.loads(text))
        locate = best(lambda text=text: KeyLocator(text))
        full = best(lambda text=text: parse_storyboard(text, "bench.toml", presets=lib))
        print(
            f"script {len(text) / 2**20:5.2f} MB ({shots} shots): tomllib {base * 1000:7.1f} ms, "
            f"locator {locate / base:4.2f}×, whole check {full / base:4.2f}× ({full:.3f} s)"
        )
    text = hostile_6kb()
    print(f"hostile 6 KB script: locator {best(lambda: KeyLocator(text)) * 1000:.2f} ms")
    for shots in (100, 5_000):
        text = project_json(shots)
        base = best(lambda text=text: json.loads(text))
        limited = best(lambda text=text: load_json(text, "project.json"))
        full = best(lambda text=text: parse_project(text))
        print(
            f"project {len(text) / 2**20:5.2f} MB ({shots} shots): json {base * 1000:7.1f} ms, "
            f"with limits {limited / base:4.2f}×, whole load {full / base:4.2f}×"
        )


if __name__ == "__main__":
    main()
