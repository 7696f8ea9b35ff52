"""QApplication set-up and the editor's run loop (asyncio on the Qt loop via qasync).

Nothing here imports torch: the diffusion backend is registered as a factory and built on the
first diffusion job, so the window appears in well under a second and a half.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication

from studio import TOOL_NAME, __version__
from ui import theme


def create_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv if argv is not None else sys.argv[:1])
    QCoreApplication.setApplicationName(TOOL_NAME)
    QCoreApplication.setOrganizationName("storyboard-studio")
    QCoreApplication.setApplicationVersion(__version__)
    app.setDesktopFileName("io.github.storyboard_studio")  # = the .desktop file
    theme.apply(app)
    return app


def open_document(project: Path | None):
    """The project named on the command line, else unsaved work left by a crash (offered for
    recovery when the window shows), else the example project, else a new one."""
    from ui.document import Document, crashed_untitled
    from ui.example import example_bundle

    if project is not None and project.suffix.lower() == ".toml":
        return script_document(project)  # a storyboard script opened from the file manager
    if project is not None:
        return Document.open(project)
    scratch = crashed_untitled()
    if scratch is not None:
        return Document.open(scratch, untitled=True)
    example = example_bundle()
    return Document.open(example) if example else Document.new()


def script_document(script: Path):
    """A storyboard script as a new untitled project (as File → Import Storyboard does)."""
    from ui.document import Document
    from ui.example import import_storyboard

    probe = Document.new()
    folder = probe.bundle.path
    probe.close()
    return Document(import_storyboard(script, folder), untitled=True)


def build_window(project: Path | None = None, engine=None):
    """Create the app (if needed), the engine and the main window; returns (app, window)."""
    from studio.bundle import UnreadableProject
    from ui.document import Document
    from ui.farm import farm_engine_from_env
    from ui.generation import make_engine
    from ui.main_window import MainWindow

    app = create_app()
    engine = engine or farm_engine_from_env() or make_engine()
    try:
        doc, damaged = open_document(project), None
    except UnreadableProject as exc:
        if not exc.fallbacks:
            raise
        doc, damaged = Document.new(), project  # offer its autosave/backup once it shows
    window = MainWindow(doc, engine)
    if damaged is not None:
        QTimer.singleShot(
            0, lambda: window.offer_recovery_on_show and window.files.open_path(damaged)
        )
    return app, window


async def wait_until_idle(window, timeout: float = 300.0, settle: float = 0.5) -> bool:
    """Wait for generation, thumbnails and timeline media to finish, then a short settle."""
    deadline = time.monotonic() + timeout
    quiet_since = None
    while time.monotonic() < deadline:
        busy = window.ctx.generator.busy() or window.ctx.thumbs._pending
        media = getattr(getattr(window.timeline, "media", None), "pending", None)
        if callable(media):
            busy = busy or media()
        if busy:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= settle:
            return True
        await asyncio.sleep(0.05)
    return False


def run(
    project: Path | None = None, screenshot: Path | None = None, generate_missing: bool = False
) -> int:
    import qasync

    app, window = build_window(project)
    if screenshot is not None:
        window.offer_recovery_on_show = False
    window.show()
    if generate_missing:
        missing = [s.id for s in window.doc.project.shots if not s.current_take]
        window.ctx.generator.generate(missing)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    result = {"code": 0}

    async def main() -> None:
        closed = asyncio.Event()
        app.aboutToQuit.connect(closed.set)
        if screenshot is not None:
            await wait_until_idle(window)
            shoot(window, screenshot)
            if generate_missing and not window.doc.untitled:
                window.doc.save()  # keep the takes it was asked to make
            window.doc.undo_stack.setClean()  # a screenshot run never asks to save
            window.close()
            app.quit()
            return
        await closed.wait()

    try:
        with loop:
            loop.run_until_complete(main())
    finally:
        window.ctx.bridge.engine.shutdown(timeout=5)
    return result["code"]


def shoot(window, path: Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    QApplication.processEvents()
    if not window.grab().save(str(path)):
        raise OSError(f"cannot write screenshot {path}")
