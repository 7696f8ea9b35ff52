"""How fast the animatic renders a vertical short, end to end, as a ratio to real time.

One run renders the same 10 s 1080×1920 30 fps storyboard (four shots, four camera moves,
crossfade / dip-to-black transitions, a music bed) through `storyboard-studio render`'s
pipeline three ways, in this process:

- today's path (legacy=True): every frame through the per-frame painter, each shot encoded
  to a take on the engine thread, the export decoding the takes again; final quality;
- the new path (cached layers, shots in parallel, frames fed straight to the export) at
  --quality final and at --quality draft, as the README's command runs it (a script without
  --project: no take file is encoded, nobody would read it, and the draft's pictures are
  rendered at half size, see studio/engine/animatic/draft.py), at draft with full-size
  pictures, and at draft with --project (the takes are written into the kept project while
  the export runs, from full-size pictures);

and, per camera move, the painter alone (frames/s, no encoding): old, new, draft. Timings are
noisy on a shared machine: the load average is printed with them, and CPU seconds (this
process, all threads) with the ratio they would give on this machine's cores if idle. On
Linux each path's CPU is split by thread: the shot workers, the export's frame thread, the
main thread (muxing, sound, provenance) and native threads (the export x264's own; a take
is encoded on its shot's worker).
Usage: .venv/bin/python bench/animatic.py [--seconds 10] [--runs 1] [--no-painter]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import threading
import time
import wave
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from studio.engine.animatic.draft import draft_shot  # noqa: E402
from studio.engine.animatic.layers import LayerShot  # noqa: E402
from studio.engine.animatic.render import ShotRenderer, ShotSpec  # noqa: E402
from studio.pipeline import RenderOptions, render  # noqa: E402
from studio.presets.library import PresetLibrary  # noqa: E402

SHOTS = [  # (prompt, preset, camera, transition into the next)
    ("a runner crosses a foggy bridge at dawn", "film-noir", "dolly-in", "crossfade"),
    ("a red car drives through a neon city at night", "neon", "pan-left", "dip-to-black"),
    ("a woman reads in a quiet kitchen, morning light", "watercolor", "orbit", "crossfade"),
    ("a lighthouse on a stormy sea at dusk", "cinematic", "tilt-up", None),
]
TRANSITION = 0.5
ONLY = {  # --only NAME: the path whose label starts so
    "today": "today",
    "final": "new, final",
    "draft": "new, draft (",
    "draft-full": "new, draft, full",
    "kept": "new, draft, --project",
}


def storyboard(folder: Path, seconds: float) -> Path:
    """A vertical 30 fps board lasting `seconds` (shots overlap by their transitions)."""
    n = len(SHOTS)
    fade = min(TRANSITION, seconds / 10)  # short test runs get short transitions
    shot = (seconds + fade * (n - 1)) / n
    music = folder / "music.wav"
    write_music(music, seconds + 1)
    parts = [
        'title = "Bench"\nformat = "vertical"\nfps = 30\n',
        f'[[audio]]\nfile = "{music.name}"\nstart = 0.0\ngain_db = -6.0\nfade_out = 1.0\n',
    ]
    for prompt, preset, camera, transition in SHOTS:
        text = (
            f'[[shot]]\nprompt = "{prompt}"\nduration = {shot:.4f}\ncamera = "{camera}"\n'
            f'style = "{preset}"\nseed = 7\n'
        )
        if transition:
            text += f'transition = "{transition}"\ntransition_duration = {fade}\n'
        parts.append(text)
    path = folder / "board.toml"
    path.write_text("\n".join(parts))
    return path


def write_music(path: Path, seconds: float, rate: int = 48_000) -> None:
    t = np.arange(int(seconds * rate)) / rate
    tone = 0.2 * np.sin(2 * np.pi * 220 * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 0.5 * t))
    pcm = (np.repeat(tone[:, None], 2, axis=1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())


def end_to_end(board: Path, folder: Path, label: str, **opts) -> tuple[float, float, dict]:
    """(wall seconds, CPU seconds of this process, all threads, and children, CPU seconds by
    kind of thread) for one render."""
    out = folder / f"{label}.mp4"
    if opts.pop("keep", False):
        opts["keep_project"] = folder / f"{label}.sbproj"
    c0, t0 = cpu_seconds(), time.perf_counter()
    with ThreadClock() as clock:
        render(board, RenderOptions(output=out, sound=False, **opts))
    return time.perf_counter() - t0, cpu_seconds() - c0, clock.by_kind()


class ThreadClock:
    """CPU seconds per thread of this process, read from /proc while a render runs (threads
    end before the render does, so they are sampled every 50 ms; Linux only, else empty)."""

    KINDS = (("animatic-shot", "shots"), ("export-frames", "export"), ("MainThread", "main"))

    def __init__(self):
        self._seen: dict[int, float] = {}
        self._start: dict[int, float] = {}
        self._names: dict[int, str] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="bench-clock", daemon=True)

    def __enter__(self) -> ThreadClock:
        self._start = self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    def by_kind(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for tid, cpu in self._seen.items():
            name = self._names.get(tid)
            if name == "bench-clock":
                continue
            kind = "native" if name is None else "other"
            for prefix, label in self.KINDS:
                if name and name.startswith(prefix):
                    kind = label
            out[kind] = out.get(kind, 0.0) + cpu - self._start.get(tid, 0.0)
        return out

    def _watch(self) -> None:
        while not self._stop.wait(0.05):
            self._sample()

    def _sample(self) -> dict[int, float]:
        for t in threading.enumerate():
            if t.native_id is not None:
                self._names[t.native_id] = t.name
        tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        try:
            tids = os.listdir("/proc/self/task")
        except OSError:
            return {}
        for tid in tids:
            try:
                with open(f"/proc/self/task/{tid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue  # the thread ended
            self._seen[int(tid)] = (int(fields[11]) + int(fields[12])) / tick
        return dict(self._seen)


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def painter_fps(frames: int) -> list[tuple[str, float, float, float]]:
    """Frames/s of the per-frame painter, of the cached-layer path and of the draft's
    half-size pictures, per camera move."""
    lib = PresetLibrary()
    out = []
    for prompt, preset_name, camera, _ in SHOTS:
        look = lib.get(preset_name).look
        spec = ShotSpec(
            prompt=prompt,
            seed=1,
            size=(1080, 1920),
            fps=30,
            frames=frames,
            camera=camera,
            look=look,
            palette=look.palette,
        )
        old = ShotRenderer(spec)
        new = LayerShot(ShotRenderer(spec))
        draft = draft_shot(ShotRenderer(spec))
        rates = []
        for make in (old.frame, new.frame, draft.frame):
            t0 = time.perf_counter()
            for i in range(frames):
                make(i)
            rates.append(frames / (time.perf_counter() - t0))
        out.append((f"{preset_name}/{camera}", *rates))
    return out


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--runs", type=int, default=1, help="best of N per path")
    parser.add_argument("--frames", type=int, default=20, help="frames per painter case")
    parser.add_argument("--no-painter", action="store_true")
    parser.add_argument("--only", choices=list(ONLY), help="run only the path named so")
    args = parser.parse_args()
    print(f"== {args.seconds:g} s 1080x1920 30 fps, {len(SHOTS)} shots, music ({load()})")
    with tempfile.TemporaryDirectory(prefix="bench-animatic-") as tmp:
        folder = Path(tmp)
        board = storyboard(folder, args.seconds)
        paths = (
            ("today (per-frame painter, take round trip), final", {"legacy": True}),
            ("new, final", {"quality": "final"}),
            ("new, draft (half-size pictures)", {"quality": "draft"}),
            ("new, draft, full-size pictures", {"quality": "draft", "draft_pictures": False}),
            ("new, draft, --project kept (takes written)", {"quality": "draft", "keep": True}),
        )
        if args.only:
            paths = tuple(p for p in paths if p[0].startswith(ONLY[args.only]))
        results = {}
        cores = os.cpu_count() or 1
        for label, opts in paths:
            wall, cpu, threads = min(
                (
                    end_to_end(board, folder, f"{i}-{len(results)}", **dict(opts))
                    for i in range(args.runs)
                ),
                key=lambda r: r[1],
            )
            results[label] = wall, cpu
            # CPU seconds barely depend on what else runs: the CPU-bound figure is the ratio
            # the render would reach with this machine's cores to itself
            bound = args.seconds / max(cpu / cores, 1e-9)
            print(
                f"  {label:50s} {wall:6.1f} s {args.seconds / wall:5.2f}x real time"
                f"  | CPU {cpu:6.1f} s, {bound:4.2f}x on {cores} idle cores  ({load()})",
                flush=True,
            )
            if threads:
                frames = round(args.seconds * 30)
                parts = ", ".join(
                    f"{k} {v:.1f} s" for k, v in sorted(threads.items(), key=lambda kv: -kv[1])
                )
                print(f"      CPU by thread: {parts}; {cpu / frames * 1000:.0f} ms per frame")
        base_wall, base_cpu = results[paths[0][0]]
        for label, _ in paths[1:] if not args.only else ():
            wall, cpu = results[label]
            print(
                f"  speed-up {label:41s} {base_wall / wall:5.2f}x wall, {base_cpu / cpu:5.2f}x CPU"
            )
    if not args.no_painter:
        print(f"== painter alone, 1080x1920, frames/s ({load()})")
        for case, old, new, draft in painter_fps(args.frames):
            print(
                f"  {case:24s} per-frame {old:6.1f}   cached layers {new:6.1f}   x{new / old:4.2f}"
                f"   draft {draft:6.1f}   x{draft / old:4.2f}"
            )


if __name__ == "__main__":
    main()
