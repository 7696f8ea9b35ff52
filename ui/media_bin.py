"""The media bin: files imported into the project (video, pictures, sound) with a thumbnail
or a waveform each; drag an item onto the timeline to place it (ui.timeline.drops)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from PySide6.QtCore import QMimeData, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QImage, QPainter, QPixmap
from PySide6.QtWidgets import QListView, QListWidget, QListWidgetItem, QMenu

from studio.model import MediaItem, MediaKind
from studio.model.media_edits import MUSIC, VOICE_OVER

MEDIA_MIME = "application/x-storyboard-media"  # the bin item's bundle-relative path
ICON = QSize(128, 72)


def waveform_image(path: Path, size: QSize = ICON) -> QImage:
    """Sound as a waveform picture (silence draws a flat line)."""
    from ui.timeline.media import decode_peaks

    image = QImage(size, QImage.Format_RGB32)
    image.fill(QColor("#1d2a33"))
    peaks = decode_peaks(path)
    p = QPainter(image)
    p.setPen(QColor("#5fb3d9"))
    mid, w = size.height() / 2, size.width()
    values = peaks.values if peaks is not None else np.zeros(1, np.float32)
    for x in range(w):
        v = float(values[min(len(values) - 1, x * len(values) // w)]) if len(values) else 0.0
        p.drawLine(x, int(mid - v * mid), x, int(mid + v * mid))
    p.end()
    return image


def thumbnail(path: Path, kind: MediaKind) -> QImage:
    if kind == MediaKind.AUDIO:
        return waveform_image(path)
    if kind == MediaKind.IMAGE:
        image = QImage(str(path))
    else:
        from ui.thumbnails import first_frame

        image = first_frame(path, max_side=ICON.width(), at=0.0) or QImage()
    if image.isNull():
        image = QImage(ICON, QImage.Format_RGB32)
        image.fill(QColor("#402020"))
    return image.scaled(ICON, Qt.KeepAspectRatio, Qt.SmoothTransformation)


class MediaBin(QListWidget):
    """Lists `project.media`; `placeRequested(path, audio_track)` asks to place an item at the
    playhead (double click or the item menu)."""

    placeRequested = Signal(str, str)
    removeRequested = Signal(str)

    def __init__(self, resolve: Callable[[str], Path], parent=None):
        super().__init__(parent)
        self.setObjectName("media-bin")
        self.resolve = resolve
        self.setViewMode(QListView.IconMode)
        self.setIconSize(ICON)
        self.setGridSize(QSize(ICON.width() + 24, ICON.height() + 40))
        self.setResizeMode(QListView.Adjust)
        self.setMovement(QListView.Static)
        self.setWordWrap(True)
        self.setDragEnabled(True)
        self.setSelectionMode(QListWidget.ExtendedSelection)
        self.setToolTip(
            "Imported media: drag onto the timeline, or double-click to place it at the playhead"
        )
        self._icons: dict[str, QIcon] = {}  # by bundle path: one per bin item, never more
        self.itemDoubleClicked.connect(
            lambda it: self.placeRequested.emit(it.data(Qt.UserRole), MUSIC)
        )

    def show_media(self, items: list[MediaItem]) -> None:
        self.clear()
        paths = {m.path for m in items}
        for key in [k for k in self._icons if k not in paths]:
            del self._icons[key]
        for m in items:
            icon = self._icons.get(m.path)
            if icon is None:
                icon = QIcon(QPixmap.fromImage(thumbnail(self.resolve(m.path), m.kind)))
                self._icons[m.path] = icon
            length = "still" if m.seconds is None else f"{m.seconds:.1f} s"
            item = QListWidgetItem(
                icon, f"{m.name or Path(m.path).name}\n{m.kind.value} · {length}"
            )
            item.setData(Qt.UserRole, m.path)
            item.setData(Qt.UserRole + 1, m.kind.value)
            item.setToolTip(f"{m.name}\n{m.path}")
            self.addItem(item)

    def mimeData(self, items) -> QMimeData:  # noqa: N802 - Qt API
        data = QMimeData()
        data.setData(MEDIA_MIME, "\n".join(i.data(Qt.UserRole) for i in items).encode())
        return data

    def mimeTypes(self) -> list[str]:  # noqa: N802 - Qt API
        return [MEDIA_MIME]

    def contextMenuEvent(self, event) -> None:  # noqa: N802 - Qt API
        item = self.itemAt(event.pos())
        if item is None:
            return
        path, kind = item.data(Qt.UserRole), item.data(Qt.UserRole + 1)
        menu = QMenu(self)
        if kind == MediaKind.AUDIO.value:
            menu.addAction("Add to Music track", lambda: self.placeRequested.emit(path, MUSIC))
            menu.addAction(
                "Add to Voice-over track", lambda: self.placeRequested.emit(path, VOICE_OVER)
            )
        else:
            menu.addAction("Add at playhead", lambda: self.placeRequested.emit(path, MUSIC))
        menu.addAction("Remove from bin", lambda: self.removeRequested.emit(path))
        menu.exec(event.globalPos())
