"""Preview swatches for style presets: the palette as colour bars, with grade hints."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from studio.presets.preset import StylePreset

FALLBACK = ["#3a3f4b", "#5a6070", "#8b93a3"]


def swatch_pixmap(preset: StylePreset | None, w: int = 48, h: int = 16) -> QPixmap:
    pm = QPixmap(w, h)
    pm.fill(Qt.transparent)
    colours = (preset.look.palette if preset and preset.look.palette else FALLBACK)[:5]
    p = QPainter(pm)
    p.setRenderHint(QPainter.Antialiasing)
    step = w / len(colours)
    for i, c in enumerate(colours):
        colour = QColor(c)
        if preset and preset.look.grade.monochrome:
            g = colour.lightness()
            colour = QColor(g, g, g)
        p.fillRect(QRectF(i * step, 0, step + 1, h), colour)
    p.setPen(QColor(0, 0, 0, 90))
    p.drawRect(QRectF(0, 0, w - 1, h - 1))
    p.end()
    return pm


def swatch_icon(preset: StylePreset | None) -> QIcon:
    return QIcon(swatch_pixmap(preset))
