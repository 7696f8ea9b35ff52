"""The open document: a Bundle, its undo stack, the dirty state and autosave.

Every edit goes through `apply` (ui.undo.EditBus) onto `undo_stack`, and `edited(edit)` announces
each applied, undone or redone edit: the one change signal views listen to. The clean index of
the stack is the saved state, so the title's unsaved marker and the quit prompt follow undo/redo
exactly. Autosave writes the unsaved state beside project.json (Bundle.autosave) 30 s after the
last edit, and at most 120 s after the first unsaved one (continuous typing cannot starve it),
so a crash loses little; the next start offers to restore it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from studio.bundle import BUNDLE_SUFFIX, Bundle
from studio.errors import StudioError
from studio.model import Project, new_id
from studio.paths import user_data_dir
from ui.undo import EditBus

AUTOSAVE_MS = 30_000  # after the last edit...
AUTOSAVE_MAX_MS = 120_000  # ...but never later than this after the first unsaved one


def untitled_dir() -> Path:
    """Where unsaved new projects live, so takes can be generated before the first save."""
    path = user_data_dir() / "untitled"
    path.mkdir(parents=True, exist_ok=True)
    return path


class Document(EditBus):
    """One open project. Views listen to `edited` (every change) and `projectReplaced`."""

    projectReplaced = Signal()  # a different Project object (open, recover, revert)
    dirtyChanged = Signal(bool)
    pathChanged = Signal(str)
    autosaved = Signal(str)

    def __init__(self, bundle: Bundle, untitled: bool = False, parent: QObject | None = None):
        super().__init__(None, parent)
        self.bundle = bundle
        self.untitled = untitled
        self.undo_stack.cleanChanged.connect(self._clean_changed)
        self.undo_stack.indexChanged.connect(self._edited)
        self._autosave = QTimer(self, singleShot=True, interval=AUTOSAVE_MS)
        self._autosave.timeout.connect(self.autosave_now)
        self._autosave_cap = QTimer(self, singleShot=True, interval=AUTOSAVE_MAX_MS)
        self._autosave_cap.timeout.connect(self.autosave_now)

    # --- construction -------------------------------------------------------------------
    @classmethod
    def new(cls, project: Project | None = None, parent: QObject | None = None) -> Document:
        project = project or Project()
        folder = untitled_dir() / f"{_safe(project.title)}-{new_id()[:6]}{BUNDLE_SUFFIX}"
        return cls(Bundle.create(folder, project), untitled=True, parent=parent)

    @classmethod
    def open(cls, path: Path, parent: QObject | None = None, untitled: bool = False) -> Document:
        return cls(Bundle.load(path), untitled=untitled, parent=parent)

    @classmethod
    def open_copy(cls, path: Path, copy: Path, parent: QObject | None = None) -> Document:
        """The project read from its autosave or backup, unsaved: nothing is written until
        the user saves (which replaces the damaged project.json, never the copy)."""
        doc = cls(Bundle.load_copy(path, copy), parent=parent)
        doc.undo_stack.resetClean()
        return doc

    # --- state --------------------------------------------------------------------------
    @property
    def project(self) -> Project:
        return self.bundle.project

    @property
    def dirty(self) -> bool:
        return not self.undo_stack.isClean()

    @property
    def display_name(self) -> str:
        if self.untitled:
            return self.project.title or "Untitled"
        return self.bundle.path.name.removesuffix(BUNDLE_SUFFIX)

    def resolve(self, media_path: str) -> Path:
        return self.bundle.resolve(media_path)

    def _clean_changed(self, clean: bool) -> None:
        self.dirtyChanged.emit(not clean)

    def _edited(self, _index: int) -> None:
        self._autosave.start()  # restarts on every edit...
        if not self._autosave_cap.isActive():  # ...the cap runs from the first unsaved edit
            self._autosave_cap.start()

    def _stop_autosave(self) -> None:
        self._autosave.stop()
        self._autosave_cap.stop()

    @property
    def autosave_timer(self) -> QTimer:
        return self._autosave

    # --- saving -------------------------------------------------------------------------
    def save(self) -> None:
        self.bundle.save()
        self._stop_autosave()
        self.undo_stack.setClean()

    def save_as(self, dest: Path) -> None:
        """Copy (or, for an untitled scratch bundle, move) the bundle to dest and save there."""
        dest = Path(dest)
        if dest.suffix != BUNDLE_SUFFIX:
            dest = dest.with_name(dest.name + BUNDLE_SUFFIX)
        src = self.bundle.path
        if dest.resolve() != src.resolve():
            if dest.exists():
                shutil.rmtree(dest)
            if self.untitled:
                shutil.move(str(src), str(dest))
            else:
                shutil.copytree(src, dest, ignore=_autosave_and_links)
        self.bundle.path = dest
        self.untitled = False
        self.save()
        self.pathChanged.emit(str(dest))

    def autosave_now(self) -> None:
        """Write the unsaved state beside project.json (never over it)."""
        self._stop_autosave()
        if self.dirty:
            self.bundle.autosave()
            self.autosaved.emit(str(self.bundle.autosave_file))

    # --- recovery -----------------------------------------------------------------------
    def has_recovery(self) -> bool:
        return self.bundle.has_recovery()

    def recover(self) -> None:
        """Load the autosave; the document is then unsaved until the user saves."""
        self.bundle.recover()
        self.undo_stack.clear()
        self.undo_stack.resetClean()
        self.projectReplaced.emit()
        self.dirtyChanged.emit(True)

    def discard_recovery(self) -> None:
        self.bundle.discard_recovery()

    def close(self) -> None:
        """Drop an untouched untitled scratch bundle; keep anything with work in it."""
        self._stop_autosave()
        if self.untitled and not self.dirty and not self.project.takes:
            shutil.rmtree(self.bundle.path, ignore_errors=True)


def crashed_untitled() -> Path | None:
    """The newest never-saved project that still has unsaved work (an autosave newer than its
    last save): what the app was doing when it crashed or was killed."""
    found = []
    for folder in untitled_dir().glob(f"*{BUNDLE_SUFFIX}"):
        try:
            bundle = Bundle.load(folder)
        except StudioError:
            continue
        if bundle.has_recovery():
            found.append((bundle.autosave_file.stat().st_mtime, folder))
    return max(found)[1] if found else None


def _autosave_and_links(folder: str, names: list[str]) -> set[str]:
    """Save As copies neither the autosave nor links (a link could lead out of the bundle)."""
    return {n for n in names if n.endswith(".autosave.json") or os.path.islink(Path(folder, n))}


def _safe(title: str) -> str:
    keep = "".join(c if c.isalnum() or c in "-_ " else "-" for c in title).strip()
    return keep.replace(" ", "-")[:40] or "Untitled"
