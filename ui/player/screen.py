"""The picture area: the latest frame, letterboxed to the project's aspect, with an optional
safe-area overlay showing where vertical platforms (TikTok, Reels, Shorts) put their UI."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

# Platform UI at 1080x1920: caption/tabs band on top, caption + buttons at the bottom, the
# like/comment/share column on the right (x, y, w, h).
SAFE_REF = (1080, 1920)
SAFE_ZONES = (
    (0, 0, 1080, 150),
    (0, 1920 - 250, 1080, 250),
    (1080 - 140, 720, 140, 1920 - 250 - 720),
)
_ZONE = QColor(255, 60, 60, 70)
_EDGE = QColor(255, 90, 90, 200)


class FrameView(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.image: QImage | None = None
        self.live: QImage | None = None  # a running generation's latest preview
        self.live_text = ""
        self.aspect = 9 / 16
        self.safe_area = False
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(120, 120)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(360, 480)

    def set_image(self, image: QImage | None) -> None:
        self.image = image
        self.update()

    def picture_rect(self) -> QRectF:
        """Where the frame is drawn: the largest rect of the project's aspect that fits."""
        w, h = self.width(), self.height()
        if w / max(1, h) > self.aspect:
            pw = h * self.aspect
            return QRectF((w - pw) / 2, 0, pw, h)
        ph = w / self.aspect
        return QRectF(0, (h - ph) / 2, w, ph)

    def set_live(self, image: QImage | None, text: str) -> None:
        """Show a generation's preview (None: back to the timeline's frame)."""
        self.live, self.live_text = image, text if image is not None else ""
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        p = QPainter(self)
        p.fillRect(self.rect(), Qt.GlobalColor.black)
        rect = self.picture_rect()
        live = self.live is not None and not self.live.isNull()
        if live:  # a generation taking shape, at viewer size
            p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            size = self.live.size().scaled(rect.size().toSize(), Qt.AspectRatioMode.KeepAspectRatio)
            box = QRectF(0, 0, size.width(), size.height())
            box.moveCenter(rect.center())
            p.drawImage(box, self.live)
        elif self.image is not None and not self.image.isNull():
            p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            p.drawImage(rect, self.image)
        if self.live_text:
            band = QRectF(0, rect.bottom() - 28, self.width(), 28)  # the whole width: no clip
            p.fillRect(band, QColor(0, 0, 0, 170))
            p.setPen(QColor("#f0f0f0"))
            p.drawText(band, Qt.AlignmentFlag.AlignCenter, self.live_text)
        if self.safe_area and self.aspect < 1:
            sx, sy = rect.width() / SAFE_REF[0], rect.height() / SAFE_REF[1]
            p.setPen(QPen(_EDGE, 1, Qt.PenStyle.DashLine))
            p.setBrush(_ZONE)
            for x, y, w, h in SAFE_ZONES:
                p.drawRect(QRectF(rect.left() + x * sx, rect.top() + y * sy, w * sx, h * sy))
