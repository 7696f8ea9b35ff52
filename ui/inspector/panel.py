"""The inspector dock: a stack of pages, one per kind of selection."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QScrollArea, QStackedWidget

from ui.inspector.clip_inspector import ClipInspector
from ui.inspector.shot_inspector import ShotInspector

NARROW_PX = 340  # below this a page's fields go under their labels (1366x768 docks: 300 px)


class InspectorPanel(QScrollArea):
    """Shows the selected shot or clip; redraws from the document's `edited` signal only."""

    editFailed = Signal(str)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(400, 560)

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWidgetResizable(True)
        self.stack = QStackedWidget()
        self.empty = QLabel("Select a shot or a clip to edit it.")
        self.empty.setAlignment(Qt.AlignCenter)
        self.empty.setProperty("role", "dim")
        self.shot = ShotInspector(ctx)
        self.clip = ClipInspector(ctx)
        for page in (self.empty, self.shot, self.clip):
            self.stack.addWidget(page)
        self.setWidget(self.stack)
        self.shot.editFailed.connect(self.editFailed)
        self.clip.editFailed.connect(self.editFailed)
        self._connected = None
        self._connect()
        ctx.documentChanged.connect(self._document_changed)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        """In a narrow dock the forms put a wide field under its label instead of making the
        inspector scroll sideways; wide, they keep one line per field (less to scroll)."""
        super().resizeEvent(event)
        policy = (
            QFormLayout.RowWrapPolicy.WrapLongRows
            if self.viewport().width() < NARROW_PX
            else QFormLayout.RowWrapPolicy.DontWrapRows
        )
        for page in (self.shot, self.clip):
            if page.form.rowWrapPolicy() != policy:
                page.form.setRowWrapPolicy(policy)
                page.layout().invalidate()  # the page's own minimum width follows at once
                page.updateGeometry()

    def show_shot(self, shot_id: str | None) -> None:
        if shot_id:
            self.shot.show_shot(shot_id)
            self.stack.setCurrentWidget(self.shot)
        else:
            self.stack.setCurrentWidget(self.empty)

    def show_shots(self, ids: list[str]) -> None:
        self.show_shot(ids[0] if ids else None)

    def show_clip(self, clip_id: str | None) -> None:
        if clip_id:
            self.clip.show_clip(clip_id)
            self.stack.setCurrentWidget(self.clip)
        else:
            self.stack.setCurrentWidget(self.empty)

    def _connect(self) -> None:
        doc = self.ctx.doc
        if self._connected is doc:
            return
        if self._connected is not None:
            self._connected.edited.disconnect(self._edited)
        self._connected = doc
        doc.edited.connect(self._edited)

    def _edited(self, edit) -> None:
        page = self.stack.currentWidget()
        if page is self.shot:
            if any(s.id == self.shot.shot_id for s in self.ctx.doc.project.shots):
                if self.shot.shot_id in edit.shot_ids or edit.take_ids:
                    self.shot.refresh()
            else:
                self.stack.setCurrentWidget(self.empty)
        elif page is self.clip and (edit.track_ids or edit.take_ids):
            self.clip.refresh()

    def _document_changed(self) -> None:
        self._connect()
        self.stack.setCurrentWidget(self.empty)
