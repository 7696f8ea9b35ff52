"""The dark theme: a Fusion palette plus the style sheet in studio/resources/theme."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from studio.paths import resources_dir

# Colours shared with painted widgets (cards, rows), so they match the style sheet.
BG = QColor("#16181d")
PANEL = QColor("#1e2128")
RAISED = QColor("#262a33")
CARD = QColor("#232730")
LINE = QColor("#2f3440")
TEXT = QColor("#d7dae0")
DIM = QColor("#8b93a3")
ACCENT = QColor("#4f8cff")
WARN = QColor("#e0a84f")
BAD = QColor("#e05f5f")
GOOD = QColor("#5fbf7f")


def style_sheet() -> str:
    path = resources_dir() / "theme" / "dark.qss"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def apply(app: QApplication) -> None:
    """Fusion + dark palette so native bits (dialogs, scroll corners) match the sheet."""
    app.setStyle("Fusion")
    pal = QPalette()
    roles = {
        QPalette.Window: PANEL,
        QPalette.WindowText: TEXT,
        QPalette.Base: QColor("#15171c"),
        QPalette.AlternateBase: RAISED,
        QPalette.Text: TEXT,
        QPalette.Button: RAISED,
        QPalette.ButtonText: TEXT,
        QPalette.Highlight: QColor("#35507f"),
        QPalette.HighlightedText: QColor("#ffffff"),
        QPalette.ToolTipBase: RAISED,
        QPalette.ToolTipText: TEXT,
        QPalette.PlaceholderText: DIM,
        QPalette.Link: ACCENT,
    }
    for role, colour in roles.items():
        pal.setColor(role, colour)
    pal.setColor(QPalette.Disabled, QPalette.Text, DIM)
    pal.setColor(QPalette.Disabled, QPalette.ButtonText, DIM)
    app.setPalette(pal)
    app.setStyleSheet(style_sheet())
