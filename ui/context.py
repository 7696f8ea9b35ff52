"""What every panel needs: the open document (which changes on New/Open), the engine bridge,
the generation controller, thumbnails and the preset library. Passed explicitly, not global."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from studio.presets.library import PresetLibrary
from ui.bridge import EngineBridge
from ui.document import Document
from ui.generation import Generator
from ui.thumbnails import ThumbnailCache


class EditorContext(QObject):
    documentChanged = Signal()  # a different Document is open (or its Project was replaced)

    def __init__(self, doc: Document, engine, parent: QObject | None = None):
        super().__init__(parent)
        self.doc = doc
        self.bridge = EngineBridge(engine, self)
        self.generator = Generator(self.bridge, lambda: self.doc, self)
        self.thumbs = ThumbnailCache(self)
        self._presets: PresetLibrary | None = None
        doc.projectReplaced.connect(self.documentChanged)

    @property
    def presets(self) -> PresetLibrary:
        if self._presets is None:
            self._presets = PresetLibrary()
        return self._presets

    def reload_presets(self) -> None:
        self._presets = None

    def set_document(self, doc: Document) -> None:
        old = self.doc
        self.doc = doc
        doc.projectReplaced.connect(self.documentChanged)
        self.documentChanged.emit()
        if old is not doc:
            old.close()
            old.deleteLater()

    def take_thumbnail(self, take_id: str | None):
        """The cached thumbnail of a take, or None (a decode is started if needed)."""
        if not take_id or take_id not in self.doc.project.takes:
            return None
        take = self.doc.project.takes[take_id]
        return self.thumbs.get(take_id, self.doc.resolve(take.path))
