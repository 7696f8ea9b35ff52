"""Editor figures: cold start to first window, event-loop stalls while generating, opening a
1,000-clip project, and the latency of single edits of each kind on it (p50/p95 over 50 edits,
through the open window, views included) with the undo stack's memory after 500 edits. Prints
numbers (and ratios against a baseline run in the same process); never asserts.
Issue 14 adds: resident memory after a scripted editing session (a 15-minute session's worth of
edits, imports, titles, playback seeks and undo/redo), and the time from quit to process exit.
Run: .venv/bin/python bench/ui.py [--edits | --session | --quit]   (offscreen; STUDIO_HOME temp)
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("STUDIO_HOME", tempfile.mkdtemp(prefix="bench-ui-"))
os.environ["HF_HUB_OFFLINE"] = "1"
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

EDITOR = """
import time, sys
from ui.app import build_window
app, w = build_window()
w.offer_recovery_on_show = False
w.show(); app.processEvents()
print("SHOWN", flush=True)
print("TORCH", "torch" in sys.modules, flush=True)
w.doc.undo_stack.setClean(); w.close(); w.ctx.bridge.engine.shutdown()
"""
BARE = """
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([]); w = QMainWindow(); w.resize(1600, 960); w.show(); app.processEvents()
print("SHOWN", flush=True)
"""


def time_to_shown(code: str) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    shown, out = None, []
    for line in proc.stdout:
        out.append(line)
        if line.startswith("SHOWN") and shown is None:
            shown = time.perf_counter() - start
    proc.wait()
    return shown or float("nan"), "".join(out)


def bench_cold_start(runs: int = 3) -> None:
    time_to_shown(EDITOR)  # warm the OS file cache once; "cold" = a fresh process
    editor = [time_to_shown(EDITOR) for _ in range(runs)]
    bare = [time_to_shown(BARE)[0] for _ in range(runs)]
    e = statistics.median(t for t, _ in editor)
    b = statistics.median(bare)
    torch = "TORCH True" in editor[-1][1]
    print(f"cold start to first window shown: {e:.2f} s (median of {runs}; target < 1.5 s)")
    print(f"  bare PySide6 QMainWindow: {b:.2f} s  -> editor/bare ratio {e / b:.2f}x")
    print(f"  torch imported at start-up: {torch}")


def heartbeat(app, run_until, interval_ms: int = 5, timeout: float = 600.0) -> list[float]:
    """Lateness (ms) of a periodic timer while `run_until()` is False."""
    from PySide6.QtCore import QTimer

    late: list[float] = []
    last = [time.perf_counter()]

    def beat() -> None:
        now = time.perf_counter()
        late.append(max(0.0, (now - last[0]) * 1000 - interval_ms))
        last[0] = now

    timer = QTimer(interval=interval_ms)
    timer.timeout.connect(beat)
    timer.start()
    deadline = time.perf_counter() + timeout
    while not run_until() and time.perf_counter() < deadline:
        app.processEvents()
        time.sleep(0.001)
    timer.stop()
    return late


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


def report(name: str, late: list[float]) -> None:
    print(
        f"  {name}: p50 {pct(late, 0.5):.1f} ms, p99 {pct(late, 0.99):.1f} ms, "
        f"max {max(late, default=0):.1f} ms over {len(late)} beats"
    )


def bench_stalls() -> None:
    from studio.bundle import Bundle
    from studio.model import Project, Shot
    from ui.app import create_app
    from ui.document import Document
    from ui.generation import make_engine
    from ui.main_window import MainWindow

    app = create_app()
    folder = Path(tempfile.mkdtemp()) / "stall.sbproj"
    project = Project(title="stall", fps=24)
    project.shots = [
        Shot(prompt=f"a lighthouse in a storm, take {i}", duration=2.0, seed=i) for i in range(3)
    ]
    engine = make_engine()
    win = MainWindow(Document(Bundle.create(folder, project)), engine)
    win.offer_recovery_on_show = False
    win.show()
    app.processEvents()
    print("event-loop stalls (5 ms heartbeat; target p99 < 20 ms):")
    t0 = time.perf_counter()
    idle = heartbeat(app, lambda: time.perf_counter() - t0 > 3.0)
    report("idle baseline", idle)
    win.ctx.generator.generate([s.id for s in project.shots])
    t1 = time.perf_counter()
    busy = heartbeat(
        app,
        lambda: not win.ctx.generator.busy() and all(s.current_take for s in win.doc.project.shots),
    )
    took = time.perf_counter() - t1
    report(f"animatic, 3 shots x 2 s at 1080x1920 ({took:.1f} s)", busy)
    print(
        f"  previews delivered {win.ctx.bridge.previews_delivered}, "
        f"dropped as stale {win.ctx.bridge.previews_dropped}"
    )
    bench_tiny_diffusers(app, win)
    win.doc.undo_stack.setClean()
    win.close()
    engine.shutdown()


def bench_tiny_diffusers(app, win) -> None:
    try:
        from studio.models.testing import build_tiny_ltx
    except ImportError as exc:
        print(f"  tiny diffusers: skipped (no tiny-pipeline helper: {exc})")
        return
    from studio.engine.diffusion.backend import DiffusersBackend
    from studio.models import ModelRegistry

    root = Path(tempfile.mkdtemp())
    build_tiny_ltx(root / "tiny-ltx")
    backend = DiffusersBackend(registry=ModelRegistry([root], include_hf_cache=False), steps=4)
    win.ctx.bridge.engine.register("diffusers", backend)
    gen = win.ctx.generator
    gen.backend, gen.model = "diffusers", "tiny-ltx"
    shot = win.doc.project.shots[0]
    before = shot.current_take
    request = gen.request_for(shot, size=(64, 64), duration=0.5)
    job = gen.submit(request)
    t1 = time.perf_counter()
    late = heartbeat(
        app, lambda: not gen.busy() and win.doc.project.shot(shot.id).current_take != before
    )
    status = gen.status.get(shot.id, "")
    report(
        f"tiny diffusers (LTX, random weights, CPU, 4 steps; {time.perf_counter() - t1:.1f} s,"
        f" job {job} {status})",
        late,
    )


def bench_open_large() -> None:
    from studio.bundle import Bundle
    from studio.model import Clip, Project, Shot, Take, Track
    from ui.app import create_app
    from ui.document import Document
    from ui.generation import make_engine
    from ui.main_window import MainWindow

    app = create_app()
    project = Project(title="big", fps=24)
    track = Track(name="V1")
    for i in range(1000):
        shot = Shot(prompt=f"shot {i}: a street at night, neon signs", duration=1.0)
        take = Take(
            shot_id=shot.id,
            path=f"takes/{shot.id}.mp4",
            engine="animatic",
            fps=24,
            frames=24,
            duration=1.0,
        )
        shot.current_take = take.id
        project.shots.append(shot)
        project.takes[take.id] = take
        track.clips.append(Clip(take_id=take.id, shot_id=shot.id, start=i * 24, duration=24))
    project.tracks = [track]
    folder = Path(tempfile.mkdtemp()) / "big.sbproj"
    Bundle.create(folder, project)
    engine = make_engine()
    win = MainWindow(Document.new(), engine)
    win.offer_recovery_on_show = False
    win.show()
    app.processEvents()
    t = time.perf_counter()
    win.files.open_path(folder, ask_recovery=False)
    app.processEvents()
    opened = time.perf_counter() - t
    t = time.perf_counter()
    win.storyboard.act_add.trigger()
    app.processEvents()
    edit = time.perf_counter() - t
    print(
        f"open a 1,000-clip project (load + storyboard + timeline + first paint): "
        f"{opened:.2f} s (target < 1 s); storyboard rows {win.storyboard.model.rowCount()}, "
        f"timeline clip items {getattr(win.timeline, 'item_count', '?')}"
    )
    print(f"  one storyboard edit on it (add shot, undoable): {edit * 1000:.0f} ms")
    win.doc.undo_stack.setClean()
    win.close()
    engine.shutdown()


def big_project(n: int = 1000):
    """n one-second shots, each with a take, laid out by a Rebuild (n clips on V1)."""
    from studio.layout.storyboard import rebuild
    from studio.model import Project, Shot, Take

    project = Project(title="big", fps=24)
    for i in range(n):
        shot = Shot(prompt=f"shot {i}: a street at night, neon signs", duration=1.0)
        take = Take(
            shot_id=shot.id, path=f"takes/{shot.id}.mp4", engine="animatic", fps=24, frames=48
        )
        project.shots.append(shot.model_copy(update={"current_take": take.id}))
        project.takes[take.id] = take
    rebuild(project)
    return project


def edit_kinds(doc, rng):
    """name -> a function making one edit of that kind on a random target (through doc.apply)."""
    from studio.layout import landing
    from studio.layout.storyboard import rebuild
    from studio.model import Shot, Take, TrackRole, TransitionKind
    from studio.model import edits as E
    from studio.model import shot_edits as S

    p = doc.project

    def shot():
        return p.shots[rng.randrange(len(p.shots))]

    def clip():
        track = p.track_with_role(TrackRole.STORYBOARD_VIDEO)
        return track.clips[rng.randrange(1, len(track.clips) - 1)]

    def land():
        s = shot()
        take = Take(shot_id=s.id, path="takes/n.mp4", engine="animatic", fps=24, frames=30)
        return doc.apply(landing.land_take, take)

    return {
        "shot prompt": lambda: doc.apply(S.set_shot_fields, shot().id, prompt=str(rng.random())),
        "shot duration": lambda: doc.apply(
            S.set_shot_fields, shot().id, duration=rng.choice([0.5, 1.0, 1.5])
        ),
        "shot transition": lambda: doc.apply(
            S.set_shot_fields,
            shot().id,
            transition=rng.choice([TransitionKind.CUT, TransitionKind.CROSSFADE]),
            transition_duration=0.25,
        ),
        "add shot": lambda: doc.apply(S.add_shots, [Shot(prompt="new")], rng.randrange(1000)),
        "duplicate shot": lambda: doc.apply(S.duplicate_shots, [shot().id]),
        "delete shot": lambda: doc.apply(S.delete_shots, [shot().id]),
        "move shot": lambda: doc.apply(S.move_shots, [shot().id], rng.randrange(len(p.shots))),
        "trim clip": lambda: doc.apply(E.trim_clip, (c := clip()).id, "out", c.end - 2),
        "split clip": lambda: doc.apply(E.split_clip, (c := clip()).id, c.start + 1),
        "clip transition": lambda: doc.apply(
            E.set_transition, clip().id, TransitionKind.CROSSFADE, 4
        ),
        "clip fields": lambda: doc.apply(E.set_clip_fields, clip().id, gain_db=-rng.random()),
        "slip clip": lambda: doc.apply(E.slip_clip, clip().id, rng.randrange(4)),
        "swap take": lambda: doc.apply(
            E.swap_take, (c := clip()).id, p.shot(c.shot_id).current_take
        ),
        "land take": land,
        "rebuild timeline": lambda: doc.apply(rebuild),
    }


def bench_edits(runs: int = 50) -> None:
    import gc
    import random
    import tracemalloc

    from studio.bundle import Bundle
    from studio.layout.storyboard import follows_storyboard
    from studio.model.edit import EditError
    from ui.app import create_app
    from ui.document import Document
    from ui.generation import make_engine
    from ui.main_window import MainWindow

    app = create_app()
    folder = Path(tempfile.mkdtemp()) / "edits.sbproj"
    engine = make_engine()
    win = MainWindow(Document(Bundle.create(folder, big_project())), engine)
    win.offer_recovery_on_show = False
    win.player.refresh = lambda *a: None  # the preview re-reads lazily; not an edit's cost
    win.show()
    app.processEvents()
    doc, rng = win.doc, random.Random(11)
    win.storyboard.select([doc.project.shots[500].id])  # the inspector shows a shot
    app.processEvents()
    base = []
    for _ in range(runs):
        t = time.perf_counter()
        app.processEvents()
        base.append((time.perf_counter() - t) * 1000)
    print(
        f"single edits on a 1,000-clip project (ms; {runs} each; target p95 < 16): 'apply' ="
        " edit + undo command + every view's handler of Document.edited; '+paint' adds the"
        " event-loop pass that repaints (offscreen); 'apply CPU' is the thread's CPU time of"
        " 'apply' (steadier than wall time on a loaded machine)"
    )
    print(f"  baseline (one event-loop pass): p50 {pct(base, 0.5):.2f}  p95 {pct(base, 0.95):.2f}")
    old = []
    for _ in range(10):  # what the old SnapshotCommand did per command: deep copies, twice
        t = time.perf_counter()
        for _ in range(2):
            [s.model_copy(deep=True) for s in doc.project.shots]
            {k: v.model_copy(deep=True) for k, v in doc.project.takes.items()}
            [tr.model_copy(deep=True) for tr in doc.project.tracks]
        old.append((time.perf_counter() - t) * 1000)
    old_p50 = pct(old, 0.5)
    print(f"  baseline (old SnapshotCommand's two deep copies of this project): p50 {old_p50:.1f}")
    for name, make in edit_kinds(doc, rng).items():
        times, applied, cpu = [], [], []
        for _ in range(runs):
            t, c = time.perf_counter(), time.thread_time()
            try:
                make()
            except EditError:
                continue
            applied.append((time.perf_counter() - t) * 1000)
            cpu.append((time.thread_time() - c) * 1000)
            app.processEvents()
            times.append((time.perf_counter() - t) * 1000)
            if len(doc.project.shots) < 900 or len(doc.project.shots) > 1100:
                doc.undo_stack.undo()
        print(
            f"  {name:17s} apply p50 {pct(applied, 0.5):6.2f} p95 {pct(applied, 0.95):6.2f}"
            f" ({pct(applied, 0.5) / old_p50:.2f}x old copies)"
            f" | +paint p50 {pct(times, 0.5):6.2f} p95 {pct(times, 0.95):6.2f}"
            f" | apply CPU p50 {pct(cpu, 0.5):6.2f} p95 {pct(cpu, 0.95):6.2f}  n={len(times)}"
        )
    t = time.perf_counter()
    follows_storyboard(doc.project)
    print(
        f"  'differs from storyboard' check (after edits, coalesced): "
        f"{(time.perf_counter() - t) * 1000:.1f} ms"
    )
    doc.undo_stack.clear()
    kinds = [k for k in edit_kinds(doc, rng).items() if k[0] != "rebuild timeline"]
    done = 0
    tracemalloc.start()
    while done < 500:
        try:
            rng.choice(kinds)[1]()
            done += 1
        except EditError:
            pass
    app.processEvents()
    gc.collect()
    held = tracemalloc.get_traced_memory()[0]
    entries = doc.undo_stack.count()
    doc.undo_stack.setUndoLimit(0) if entries == 0 else doc.undo_stack.clear()
    gc.collect()
    freed = held - tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    print(
        f"undo stack after 500 mixed edits: {entries} entries hold {freed / 2**20:.1f} MiB "
        f"({freed / max(1, entries) / 1024:.0f} KiB per entry)"
    )
    doc.undo_stack.setClean()
    win.close()
    engine.shutdown()


SESSION = """
import sys, tempfile, time
from pathlib import Path
import numpy as np
from PIL import Image
from PySide6.QtWidgets import QApplication
from studio.model import Title
from studio.model.media_edits import add_title
from studio.model.project_edits import add_marker
from studio.layout.landing import land_take
from studio.media.video import write_video
from studio.model import Take
from ui.app import build_window

def new_take(doc, shot, i):
    # a real 1 s take (540x960) of `shot`, landed as a generation would land it
    take = Take(shot_id=shot.id, path="", engine="bench", width=540, height=960, fps=24,
                frames=24, duration=1.0)
    take.path = f"takes/{take.id}.mp4"
    (doc.bundle.path / "takes").mkdir(exist_ok=True)
    base = np.full((960, 540, 3), (i * 37) % 255, np.uint8)
    write_video(doc.bundle.path / take.path, [np.roll(base, k * 8, 1) for k in range(24)], 24)
    doc.apply(land_take, take)

def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
app, w = build_window()
w.offer_recovery_on_show = False
w.resize(1920, 1080); w.show(); app.processEvents()
print("START", rss(), flush=True)
folder = Path(tempfile.mkdtemp())
steps = int(sys.argv[1])
for i in range(steps):
    w.storyboard.act_add.trigger()
    if i % 3 == 0:  # a take lands: its thumbnail, filmstrip and preview frames get drawn
        new_take(w.doc, w.doc.project.shots[-1], i)
    if i % 10 == 0:
        img = folder / f"pic{i}.png"
        Image.fromarray(np.full((540, 960, 3), (i * 7) % 255, np.uint8)).save(img)
        w.files.import_media([img], at=w.doc.project.duration_frames)
    if i % 7 == 0:
        w.doc.apply(add_title, Title(text=f"title {i}"), i * 5)
    w.doc.apply(add_marker, i * 3)
    tl = w.timeline
    tl.editing.action_select_all.trigger(); tl.editing.action_copy.trigger()
    if i % 5 == 0:
        w.doc.undo_stack.undo(); w.doc.undo_stack.redo()
    for f in range(0, w.doc.project.duration_frames, 37):
        w.player.seek(f)
    w.storyboard.view.scrollToBottom()  # the new cards' thumbnails are drawn
    w.timeline.fit()  # every clip's filmstrip is drawn
    app.processEvents()
print("END", rss(), len(w.doc.project.media), w.doc.undo_stack.count(), flush=True)
caches = (w.ctx.thumbs._images, w.timeline.media._cache, w.player._frames)
print("CACHES", *(f"{c.nbytes / 2**20:.1f}" for c in caches), flush=True)
w.doc.undo_stack.setClean(); w.close(); w.ctx.bridge.engine.shutdown(timeout=5)
"""
QUIT = """
import argparse
import ui.app as editor
from PySide6.QtCore import QTimer
from studio.cli.gui import run

def build_window(*args, **kwargs):  # the real `gui` command, driven like a user would
    app, w = made(*args, **kwargs)
    w.offer_recovery_on_show = False
    def busy():
        w.ctx.generator.generate_all()  # a job is rendering when the window closes
        w.player.play()
    def quit():
        print("QUIT", flush=True)
        w.doc.undo_stack.setClean(); w.close(); app.quit()
    QTimer.singleShot(300, busy)
    QTimer.singleShot(2500, quit)
    return app, w

made, editor.build_window = editor.build_window, build_window
run(argparse.Namespace(project=None, screenshot=None, generate_missing=False, cluster=None))
"""
BARE_QUIT = """
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([]); w = QMainWindow(); w.show(); app.processEvents()
print("QUIT", flush=True)
w.close(); app.quit()
"""


def bench_session(steps: int = 300) -> None:
    """Memory after a scripted editing session (300 rounds ≈ a 15-minute session's edits:
    a shot, a marker, a copy of everything, an undo/redo, a landed take every 3rd round (100
    real takes, thumbnails and filmstrips drawn), a title every 7th and an imported picture
    every 10th round, and a seek through the whole timeline each round)."""
    proc = subprocess.run(
        [sys.executable, "-c", SESSION, str(steps)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    lines = {
        ln.split()[0]: ln.split()[1:]
        for ln in proc.stdout.splitlines()
        if ln.startswith(("START", "END", "CACHES"))
    }
    if "START" not in lines or "END" not in lines:
        print("session failed:", proc.stderr[-2000:])
        return
    start, end = float(lines["START"][0]), float(lines["END"][0])
    print(
        f"editing session ({steps} rounds, {lines['END'][1]} media, {lines['END'][2]} undo "
        f"entries): RSS {start:.0f} MiB at start, {end:.0f} MiB after "
        f"(x{end / start:.2f}; issue 14 bound: < 1024 MiB)"
    )
    thumbs, media, frames = lines.get("CACHES", ["?"] * 3)
    print(
        f"  caches after it: thumbnails {thumbs} MiB, filmstrips/waveforms {media} MiB, "
        f"preview frames {frames} MiB (bounds 48 / 96 / 160 MiB)"
    )


def time_to_exit(code: str) -> float:
    proc = subprocess.Popen(
        [sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    quit_at = None
    for line in proc.stdout:
        if line.startswith("QUIT"):
            quit_at = time.perf_counter()
    proc.wait()
    return time.perf_counter() - quit_at if quit_at else float("nan")


def bench_quit(runs: int = 3) -> None:
    bare = statistics.median(time_to_exit(BARE_QUIT) for _ in range(runs))
    editor = statistics.median(time_to_exit(QUIT) for _ in range(runs))
    print(
        f"quit to process exit: editor {editor:.2f} s (`gui` command, while playing and "
        f"generating), bare Qt window "
        f"{bare:.2f} s (x{editor / bare:.1f}; issue 14 bound: < 1 s)"
    )


if __name__ == "__main__":
    if "--edits" in sys.argv:
        bench_edits()
        raise SystemExit(0)
    if "--session" in sys.argv:
        bench_session()
        raise SystemExit(0)
    if "--quit" in sys.argv:
        bench_quit()
        raise SystemExit(0)
    bench_cold_start()
    bench_open_large()
    bench_edits()
    bench_stalls()
    bench_session()
    bench_quit()
