"""Input rules shared by the inspector's fields.

- Numbers and text commit when editing finishes (Enter or focus out), never per keystroke, so
  typing "5.5" is one edit of 5.5 (`commit_on_finish`).
- The mouse wheel over a field that does not have focus scrolls the panel instead of changing
  the value (a closed combo box under a scrolling wheel must not change a shot's camera).
- Undo / Redo work from any field: the keys reach the document's undo stack, not the field's
  own text undo.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QWidget


class FieldGuard(QObject):
    """Event filter for every input field of an inspector page."""

    def __init__(self, stack: Callable, parent: QObject | None = None):
        super().__init__(parent)
        self._stack = stack  # () -> the open document's QUndoStack

    def watch(self, *widgets: QWidget) -> None:
        for w in widgets:
            if isinstance(w, QAbstractSpinBox | QComboBox):
                w.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # no focus by wheel
            w.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        kind = event.type()
        if kind == QEvent.Type.Wheel and isinstance(obj, QAbstractSpinBox | QComboBox):
            if not obj.hasFocus():
                parent = obj.parentWidget()
                if parent is not None:
                    QCoreApplication.sendEvent(parent, event)  # propagates to the scroll area
                return True
        if kind in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            undo = event.matches(QKeySequence.StandardKey.Undo)
            redo = event.matches(QKeySequence.StandardKey.Redo)
            if undo or redo:
                if kind == QEvent.Type.ShortcutOverride:
                    event.accept()  # deliver the key press here, not to a window shortcut
                    return True
                stack = self._stack()
                stack.undo() if undo else stack.redo()
                return True
        return False


def commit_on_finish(spin: QAbstractSpinBox) -> None:
    """A spin box reports a value on Enter, focus out or an arrow step, not per keystroke."""
    spin.setKeyboardTracking(False)
