"""Paints one shot card: thumbnail of the current take, prompt, duration, preset, camera,
how many spoken lines, cast and cameo chips and the generation status."""

from __future__ import annotations

from PySide6.QtCore import QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate

from studio.model import OutputFormat, Project, Shot, cast_in_prompt
from ui import theme
from ui.storyboard.model import ShotListModel

CARD_H = 118
CARD_MIN_W = 240
PAD = 8


def thumb_size(fmt: OutputFormat, height: int) -> QSize:
    w, h = fmt.size
    return (
        QSize(max(40, int(height * w / h)), height)
        if w <= h
        else QSize(int(height * 1.6), int(height * 1.6 * h / w))
    )


def status_colour(status: str) -> QColor:
    if status.startswith("failed"):
        return theme.BAD
    if status in ("ready",):
        return theme.GOOD
    if status in ("queued", "starting", "cancelled", "not generated"):
        return theme.DIM
    return theme.ACCENT if status else theme.DIM


class ShotCardDelegate(QStyledItemDelegate):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx

    def sizeHint(self, option, index) -> QSize:
        """As wide as the list shows (a 300-px dock at 1366x768 cut the cards off)."""
        view = self.parent()
        width = view.viewport().width() if view is not None else 320
        return QSize(max(CARD_MIN_W, width), CARD_H)

    def number(self, index) -> str:
        """The number painted on the card at `index`."""
        return card_number(index.row())

    def paint(self, p: QPainter, option, index) -> None:
        model: ShotListModel = index.model()
        shot = model.shot_at(index.row())
        project = self.ctx.doc.project
        p.save()
        p.setRenderHint(QPainter.Antialiasing)
        r = QRectF(option.rect).adjusted(6, 4, -6, -4)
        view = self.parent()
        if view is not None:  # never wider than what the list shows (a scroll bar came later)
            r.setRight(min(r.right(), view.viewport().width() - 6))
        selected = bool(option.state & QStyle.State_Selected)
        p.setPen(QPen(theme.ACCENT if selected else theme.LINE, 2 if selected else 1))
        p.setBrush(QColor("#2a3040") if selected else theme.CARD)
        p.drawRoundedRect(r, 8, 8)

        # number: the card's place in the storyboard (it follows reorders; never repeated)
        num = QRectF(r.left() + PAD, r.top() + PAD, 22, 18)
        p.setPen(theme.DIM)
        p.setFont(_font(8, bold=True))
        p.drawText(num, Qt.AlignLeft | Qt.AlignTop, self.number(index))

        # thumbnail
        ts = thumb_size(project.format, int(r.height()) - 2 * PAD)
        tr = QRectF(
            r.left() + PAD + 22, r.top() + (r.height() - ts.height()) / 2, ts.width(), ts.height()
        )
        image = self.ctx.take_thumbnail(shot.current_take)
        if image is not None:
            p.drawImage(tr, image)
            p.setPen(QPen(QColor(0, 0, 0, 120), 1))
            p.setBrush(Qt.NoBrush)
            p.drawRect(tr)
        else:
            p.setPen(QPen(theme.LINE, 1, Qt.DashLine))
            p.setBrush(QColor("#1a1d23"))
            p.drawRoundedRect(tr, 4, 4)
            p.setPen(theme.DIM)
            p.setFont(_font(7))
            p.drawText(tr, Qt.AlignCenter | Qt.TextWordWrap, "no take")

        # text column
        x = tr.right() + 10
        text_w = r.right() - PAD - x
        status = self.ctx.generator.status.get(shot.id, "")
        status = status if status else ("" if shot.current_take else "not generated")
        self._status_pill(p, status, QRectF(x, r.top() + PAD - 1, text_w, 18))
        p.setPen(theme.TEXT)
        p.setFont(_font(9))
        prompt_r = QRect(int(x), int(r.top() + PAD + 20), int(text_w), 36)
        fm = QFontMetrics(p.font())
        p.drawText(
            prompt_r, Qt.TextWordWrap | Qt.AlignTop, _elide_lines(shot.prompt, fm, int(text_w), 2)
        )

        # chips: duration, preset (with swatch), camera, then cameo badges
        y = r.bottom() - PAD - 18
        cx = x
        label = name_label(shot)
        if label:
            cx = self._chip(p, cx, y, label, QColor("#3a3424"), QColor("#f0d89a"))
        cx = self._chip(p, cx, y, f"{shot.duration:g}s", theme.RAISED, theme.TEXT)
        style = shot.effective_style(project.style)
        if style:
            preset = self.ctx.presets.find(style)
            swatch = QColor(preset.look.palette[0]) if preset and preset.look.palette else None
            cx = self._chip(p, cx, y, style, theme.RAISED, theme.TEXT, swatch)
        if shot.camera.value != "static":
            cx = self._chip(p, cx, y, shot.camera.value, theme.RAISED, theme.DIM)
        if shot.dialogue:
            cx = self._chip(p, cx, y, lines_label(shot), QColor("#2f3a2f"), QColor("#bfe3b4"))
        for label, cameo in cast_chips(shot, project)[:4]:
            if cx > r.right() - 40:
                break
            if cameo:
                cx = self._chip(p, cx, y, label, QColor("#2b3550"), QColor("#9fc0ff"))
            else:
                cx = self._chip(p, cx, y, label, QColor("#3d2f4a"), QColor("#e0c2ff"))
        p.restore()

    def _chip(self, p, x, y, text, bg, fg, swatch: QColor | None = None) -> float:
        p.setFont(_font(8))
        w = QFontMetrics(p.font()).horizontalAdvance(text) + 12 + (12 if swatch else 0)
        rect = QRectF(x, y, w, 18)
        p.setPen(Qt.NoPen)
        p.setBrush(bg)
        p.drawRoundedRect(rect, 4, 4)
        tx = x + 6
        if swatch is not None:
            p.setBrush(swatch)
            p.drawEllipse(QRectF(x + 5, y + 5, 8, 8))
            tx += 12
        p.setPen(fg)
        p.drawText(QRectF(tx, y, w, 18), Qt.AlignVCenter | Qt.AlignLeft, text)
        return x + w + 5

    def _status_pill(self, p, status: str, area: QRectF) -> None:
        if not status:
            return
        p.setFont(_font(7, bold=True))
        label = status if len(status) < 28 else status[:26] + "…"
        w = QFontMetrics(p.font()).horizontalAdvance(label.upper()) + 14
        rect = QRectF(area.right() - w, area.top(), w, 16)
        colour = status_colour(status)
        p.setPen(Qt.NoPen)
        bg = QColor(colour)
        bg.setAlpha(40)
        p.setBrush(bg)
        p.drawRoundedRect(rect, 8, 8)
        p.setPen(colour)
        p.drawText(rect, Qt.AlignCenter, label.upper())


def cast_chips(shot: Shot, project: Project) -> list[tuple[str, bool]]:
    """(label, is a cameo) for each cast member the prompt names, in cast order, then any
    other @handle the shot mentions (a cameo that is not in the cast yet)."""
    named = cast_in_prompt(shot.prompt, project.cast)
    chips = [(m.key, m.is_cameo) for m in named]
    in_cast = {m.cameo for m in named if m.cameo}
    chips += [("@" + h, True) for h in shot.cameos if h not in in_cast]
    return chips


def card_number(row: int) -> str:
    """The number on a card: its position, so numbers follow a reorder and never repeat."""
    return str(row + 1)


def name_label(shot) -> str:
    """The shot's own name as a chip ("1A", "intro"); a bare number is left out, as it would
    read as a second, stale card number once the shots are reordered."""
    name = (shot.name or "").strip()
    return "" if not name or name.isdigit() else name[:16]


def lines_label(shot) -> str:
    """The card's chip for a shot's spoken lines: a count (the lines are in the tooltip)."""
    n = len(shot.dialogue)
    return f"\u201c {n} line{'s' if n != 1 else ''}"


def _font(pt: int, bold: bool = False) -> QFont:
    f = QFont()
    f.setPointSize(pt)
    f.setBold(bold)
    return f


def _elide_lines(text: str, fm: QFontMetrics, width: int, lines: int) -> str:
    """Word-wrap into at most `lines` lines, eliding the last."""
    words, out, line = text.split(), [], ""
    for i, word in enumerate(words):
        trial = f"{line} {word}".strip()
        if fm.horizontalAdvance(trial) <= width or not line:
            line = trial
            continue
        out.append(line)
        if len(out) == lines - 1:
            line = " ".join(words[i:])
            break
        line = word
    out.append(line)
    out[-1] = fm.elidedText(out[-1], Qt.ElideRight, width)
    return "\n".join(out[:lines])
