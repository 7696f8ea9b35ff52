"""A prompt editor that completes @cameo handles and cast names as you type."""

from __future__ import annotations

import re

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import QCompleter, QPlainTextEdit

from studio.cameo.store import CameoStore
from studio.model import Project, mentioned_handles

_PARTIAL = re.compile(r"(?<![\w@])@([A-Za-z0-9_.-]*)$")
_WORD = re.compile(r"(?<![\w@])(\w{2,})$")  # a word being typed (two letters at least)


def known_handles(project: Project | None) -> list[str]:
    """Cameo handles the user can mention: registered cameos (if built), the project's cast
    cameos and ones already used."""
    handles: set[str] = set()
    try:
        handles.update(c.handle for c in CameoStore().all())
    except Exception:  # noqa: BLE001 - a broken cameo folder must not stop typing
        pass
    if project is not None:
        handles.update(m.cameo for m in project.cast if m.cameo)
        for shot in project.shots:
            handles.update(mentioned_handles(shot.prompt))
    return sorted(handles)


def cast_names(project: Project | None) -> list[str]:
    """Names of the project's fictional cast members, as a prompt names them."""
    if project is None:
        return []
    return [m.name.strip() for m in project.cast if not m.is_cameo]


class PromptEdit(QPlainTextEdit):
    edited = Signal(str)  # user edits only (not set_text)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setPlaceholderText(
            "Describe the shot — name cast members (Oro) and mention cameos with @handle"
        )
        self.setTabChangesFocus(True)
        self._setting = False
        self.handles_provider = lambda: []
        self.names_provider = lambda: []  # cast names, completed without "@"
        self._completing_name = False
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

    def partial_name(self) -> str | None:
        """The word being typed at the cursor (not a @handle), if it has two letters."""
        cursor = self.textCursor()
        before = self.toPlainText()[: cursor.position()]
        m = _WORD.search(before)
        return m.group(1) if m else None

    def _update_completer(self) -> None:
        partial = self.partial_handle()
        self._completing_name = False
        if partial is None:
            partial = self.partial_name()
            names = [n for n in self.names_provider() if n.lower() != (partial or "").lower()]
            if partial is None or not any(n.lower().startswith(partial.lower()) for n in names):
                self.completer.popup().hide()
                return
            self._completing_name = True
            choices = names
        else:
            choices = [h for h in self.handles_provider() if h != partial.lower()]
        self.completer.model().setStringList(choices)
        self.completer.setCompletionPrefix(partial)
        if self.completer.completionCount() == 0:
            self.completer.popup().hide()
            return
        rect = self.cursorRect()
        rect.setWidth(180)
        self.completer.complete(rect)

    def insert_completion(self, handle: str) -> None:
        """Replace the partial @handle (or cast name) before the cursor with `handle`."""
        if self._completing_name:
            partial = self.partial_name() or ""
        else:
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
