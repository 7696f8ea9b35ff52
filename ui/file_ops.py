"""New / Open / Save / Save As / Recent / Import storyboard, and asking before losing work."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from studio.bundle import BUNDLE_SUFFIX, UnreadableProject
from studio.errors import StudioError
from studio.model import Project
from ui import settings
from ui.document import Document
from ui.example import import_storyboard


class FileOps(QObject):
    recentChanged = Signal()

    def __init__(self, window: QWidget, ctx):
        super().__init__(window)
        self.window, self.ctx = window, ctx

    # --- asking -------------------------------------------------------------------------
    def maybe_save(self) -> bool:
        """True when it is fine to drop the current document (saved, discarded or clean)."""
        doc = self.ctx.doc
        if not doc.dirty:
            return True
        answer = QMessageBox.question(
            self.window,
            "Unsaved changes",
            f"Save the changes to “{doc.display_name}” before closing it?",
            QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel,
            QMessageBox.Save,
        )
        if answer == QMessageBox.Save:
            return self.save()
        if answer == QMessageBox.Discard:
            doc.discard_recovery()
            return True
        return False

    def error(self, title: str, exc: Exception) -> None:
        QMessageBox.warning(self.window, title, str(exc))

    # --- actions ------------------------------------------------------------------------
    def new(self, project: Project | None = None) -> bool:
        """A new untitled project; without `project` the New Project dialog asks for its
        title, format, fps, style and fit."""
        if not self.maybe_save():
            return False
        if project is None:
            from ui.dialogs.project_settings import ask_new_project

            project = ask_new_project(self.ctx.presets.names(), self.window)
            if project is None:
                return False
        self.ctx.set_document(Document.new(project))
        return True

    def project_settings(self) -> bool:
        """Project Settings: title, format, fps, style and fit as one undoable edit."""
        from ui.dialogs.project_settings import edit_project_settings

        return edit_project_settings(self.ctx.doc, self.ctx.presets.names(), self.window)

    def open_example(self) -> bool:
        from ui.example import example_bundle

        path = example_bundle()
        return self.open(path) if path is not None else False

    def open(self, path: str | Path | None = None) -> bool:
        if not self.maybe_save():
            return False
        if not path:
            path = QFileDialog.getExistingDirectory(self.window, "Open project (.sbproj folder)")
        if not path:
            return False
        return self.open_path(Path(path))

    def open_path(self, path: Path, ask_recovery: bool = True) -> bool:
        try:
            doc = Document.open(path)
        except UnreadableProject as exc:
            doc = self.offer_copy(Path(path), exc)
            if doc is None:
                return False
            ask_recovery = False
        except StudioError as exc:
            self.error("Cannot open project", exc)
            return False
        if ask_recovery and doc.has_recovery():
            self.offer_recovery(doc)
        self.ctx.set_document(doc)
        self._add_recent(doc.bundle.path)
        return True

    def offer_copy(self, path: Path, exc: UnreadableProject) -> Document | None:
        """project.json is damaged: offer the newest readable autosave or backup, unsaved."""
        if not exc.fallbacks:
            self.error("Cannot open project", exc)
            return None
        copy = exc.fallbacks[0]
        when = datetime.fromtimestamp(copy.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
        answer = QMessageBox.question(
            self.window,
            "Project file damaged",
            f"{exc.message}\n\nOpen the newest readable copy, “{copy.name}” (saved {when})? "
            "It opens unsaved; saving it replaces the damaged project.json.",
            QMessageBox.Open | QMessageBox.Cancel,
            QMessageBox.Open,
        )
        if answer != QMessageBox.Open:
            return None
        try:
            return Document.open_copy(path, copy)
        except StudioError as err:
            self.error("Cannot open the copy", err)
            return None

    def offer_recovery(self, doc: Document) -> bool:
        answer = QMessageBox.question(
            self.window,
            "Restore unsaved work?",
            f"“{doc.display_name}” has unsaved changes from a session that did not close "
            "normally. Restore them?",
            QMessageBox.Yes | QMessageBox.No,
            QMessageBox.Yes,
        )
        if answer == QMessageBox.Yes:
            try:
                doc.recover()
                return True
            except StudioError as exc:
                self.error("Cannot restore the autosave", exc)
        doc.discard_recovery()
        return False

    def save(self) -> bool:
        doc = self.ctx.doc
        if doc.untitled:
            return self.save_as()
        try:
            doc.save()
        except (StudioError, OSError) as exc:
            self.error("Save failed", exc)
            return False
        self._add_recent(doc.bundle.path)
        return True

    def save_as(self, path: str | Path | None = None) -> bool:
        if not path:
            path, _ = QFileDialog.getSaveFileName(
                self.window,
                "Save project as",
                self.ctx.doc.display_name + BUNDLE_SUFFIX,
                f"Storyboard Studio project (*{BUNDLE_SUFFIX})",
            )
        if not path:
            return False
        try:
            self.ctx.doc.save_as(Path(path))
        except (StudioError, OSError) as exc:
            self.error("Save failed", exc)
            return False
        self._add_recent(self.ctx.doc.bundle.path)
        self.ctx.documentChanged.emit()
        return True

    def import_storyboard(self, path: str | Path | None = None) -> bool:
        """A storyboard script (TOML) becomes a new untitled project."""
        if not self.maybe_save():
            return False
        if not path:
            path, _ = QFileDialog.getOpenFileName(
                self.window, "Import storyboard", "", "Storyboard script (*.toml)"
            )
        if not path:
            return False
        try:
            probe = Document.new()
            folder = probe.bundle.path
            probe.close()
            bundle = import_storyboard(Path(path), folder)
        except StudioError as exc:
            self.error("Cannot import storyboard", exc)
            return False
        self.ctx.set_document(Document(bundle, untitled=True))
        return True

    def import_media(
        self, paths: list[str | Path] | None = None, at: int | None = None, audio_track: str = ""
    ) -> list:
        """Copy video, pictures and sound into the bundle's media/, list them in the bin and
        place them on the timeline at `at` (the playhead by default): one undoable edit.
        Each file is checked first; refused ones are named in one message."""
        from studio.media.importing import IMPORT_FILTER, import_media_file
        from studio.model.media_edits import MUSIC, import_and_place

        if paths is None:
            paths, _ = QFileDialog.getOpenFileNames(
                self.window, "Import media", "", f"{IMPORT_FILTER};;All files (*)"
            )
        if not paths:
            return []
        doc = self.ctx.doc
        items, problems = [], []
        for path in paths:
            try:
                items.append(import_media_file(doc.bundle, Path(path)))
            except (StudioError, OSError) as exc:
                problems.append(f"{Path(path).name}: {exc}")
        if items:
            if at is None:
                at = self.window.timeline.playhead
            try:
                doc.apply(import_and_place, items, at, audio_track or MUSIC)
            except (StudioError, ValueError) as exc:  # EditError is a ValueError
                problems.append(str(exc))
        if problems:
            QMessageBox.warning(
                self.window,
                "Some files were not imported",
                "These files cannot be used:\n\n" + "\n".join(problems),
            )
        return items

    def export_storyboard(self, path: str | Path | None = None) -> bool:
        """The storyboard as a script (TOML) to read, diff, edit by hand or render headless."""
        from studio.script.writer import write_storyboard

        if not path:
            path, _ = QFileDialog.getSaveFileName(
                self.window,
                "Export storyboard script",
                f"{self.ctx.doc.project.title}.toml",
                "Storyboard script (*.toml)",
            )
        if not path:
            return False
        try:
            write_storyboard(self.ctx.doc.bundle, Path(path))
        except (StudioError, OSError) as exc:
            self.error("Cannot export the storyboard script", exc)
            return False
        return True

    def _add_recent(self, path: Path) -> None:
        settings.add_recent(path)
        self.recentChanged.emit()
