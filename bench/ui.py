"""Editor figures: cold start to first window, event-loop stalls while generating, opening a
1,000-clip project. Prints numbers (and ratios against a baseline run in the same process);
never asserts. Run: .venv/bin/python bench/ui.py   (offscreen; STUDIO_HOME set to a temp dir)
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


if __name__ == "__main__":
    bench_cold_start()
    bench_open_large()
    bench_stalls()
