"""A prompt editor that completes @cameo handles as you type."""

from __future__ import annotations

import re

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import QCompleter, QPlainTextEdit

from studio.cameo.store import CameoStore
from studio.model import Project, mentioned_handles

_PARTIAL = re.compile(r"(?<![\w@])@([A-Za-z0-9_.-]*)$")


def known_handles(project: Project | None) -> list[str]:
    """Cameo handles the user can mention: registered cameos (if built) + ones already used."""
    handles: set[str] = set()
    try:
        handles.update(c.handle for c in CameoStore().all())
    except Exception:  # noqa: BLE001 - a broken cameo folder must not stop typing
        pass
    if project is not None:
        for shot in project.shots:
            handles.update(mentioned_handles(shot.prompt))
    return sorted(handles)


class PromptEdit(QPlainTextEdit):
    edited = Signal(str)  # user edits only (not set_text)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setPlaceholderText("Describe the shot — mention cameos with @handle")
        self.setTabChangesFocus(True)
        self._setting = False
        self.handles_provider = lambda: []
        self.completer = QCompleter(QStringListModel([], self), self)
        self.completer.setWidget(self)
        self.completer.setCaseSensitivity(Qt.CaseInsensitive)
        self.completer.setCompletionMode(QCompleter.PopupCompletion)
        self.completer.activated.connect(self.insert_completion)
        self.textChanged.connect(self._changed)

    def set_text(self, text: str) -> None:
        if text == self.toPlainText():
            return
        self._setting = True
        self.setPlainText(text)
        self._setting = False

    def _changed(self) -> None:
        if not self._setting:
            self.edited.emit(self.toPlainText())
            self._update_completer()

    def partial_handle(self) -> str | None:
        cursor = self.textCursor()
        before = self.toPlainText()[: cursor.position()]
        m = _PARTIAL.search(before)
        return m.group(1) if m else None

    def _update_completer(self) -> None:
        partial = self.partial_handle()
        if partial is None:
            self.completer.popup().hide()
            return
        handles = [h for h in self.handles_provider() if h != partial.lower()]
        self.completer.model().setStringList(handles)
        self.completer.setCompletionPrefix(partial)
        if self.completer.completionCount() == 0:
            self.completer.popup().hide()
            return
        rect = self.cursorRect()
        rect.setWidth(180)
        self.completer.complete(rect)

    def insert_completion(self, handle: str) -> None:
        partial = self.partial_handle() or ""
        cursor = self.textCursor()
        cursor.movePosition(cursor.MoveOperation.Left, cursor.MoveMode.KeepAnchor, len(partial))
        cursor.insertText(handle + " ")
        self.setTextCursor(cursor)

    def keyPressEvent(self, event) -> None:
        if self.completer.popup().isVisible() and event.key() in (
            Qt.Key_Enter,
            Qt.Key_Return,
            Qt.Key_Escape,
            Qt.Key_Tab,
            Qt.Key_Backtab,
        ):
            event.ignore()
            return
        super().keyPressEvent(event)
