"""The takes browser: every picture take of one shot as a filmstrip, one under the other.

Play a take (a flip-book of its filmstrip at its own speed, in the preview at the top), pick
one as the shot's current take, tick the ones to keep and delete the others, or delete one.
Each of those is one undoable edit (studio.layout.landing.switch_take,
studio.model.take_edits); deleting moves files nothing uses any more to the bundle's trash
(ui.takes.commands), and a take in use (current, or shown by a clip) is never deleted.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QImage, QPainter, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from studio.layout.landing import switch_take
from studio.model import Take
from studio.model.edit import EditError
from studio.model.take_edits import delete_other_takes, delete_takes, in_use, shot_takes
from ui.inspector.lora_list import lora_title
from ui.takes.commands import delete_takes as push_delete
from ui.timeline.media import MediaCache

STRIP_SLOTS = 8
PREVIEW_SIZE = QSize(320, 180)


def describe(take: Take) -> str:
    """One line on how the take was made: seed, batch, lineage, LoRAs (name and weight)."""
    parts = [take.operation.value, f"seed {take.seed}" if take.seed is not None else "no seed"]
    if take.batch:
        parts.append(f"batch {take.batch[:6]}")
    if take.retake_of and take.retake_range:
        a, b = take.retake_range
        parts.append(f"retake of {take.retake_of[:6]} {a:g}–{b:g} s")
    elif take.parents:
        parts.append("from " + ", ".join(p[:6] for p in take.parents))
    if take.loras:
        parts.append(
            "LoRAs " + ", ".join(f"{lora_title(lo.name)} {lo.weight:g}" for lo in take.loras)
        )
    parts.append(f"{take.duration:.2f} s")
    return " · ".join(parts)


class Strip(QWidget):
    """A take's filmstrip: STRIP_SLOTS frames spread over its length."""

    def __init__(self, images: list[QImage] | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.images = images or []
        self.setMinimumSize(STRIP_SLOTS * 40, 48)

    def set_images(self, images: list[QImage]) -> None:
        self.images = images
        self.update()

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        painter.fillRect(self.rect(), Qt.black)
        if not self.images:
            painter.setPen(Qt.gray)
            painter.drawText(self.rect(), Qt.AlignCenter, "decoding…")
            return
        slot = self.width() / STRIP_SLOTS
        for k in range(STRIP_SLOTS):
            img = self.images[min(len(self.images) - 1, k * len(self.images) // STRIP_SLOTS)]
            target = img.scaledToHeight(self.height(), Qt.SmoothTransformation)
            painter.drawImage(int(k * slot), 0, target, 0, 0, int(slot) + 1, self.height())


class TakeRow(QFrame):
    """One take: filmstrip, how it was made, keep box and its buttons."""

    def __init__(self, browser: TakesBrowser, take: Take, current: bool):
        super().__init__(browser)
        self.take_id = take.id
        self.setFrameShape(QFrame.StyledPanel)
        self.strip = Strip(parent=self)
        title = ("★ current · " if current else "") + describe(take)
        self.label = QLabel(title, self)
        self.keep = QCheckBox("Keep", self)
        self.keep.setChecked(current)
        self.keep.setEnabled(not current)  # the current take is always kept
        self.btn_play = QPushButton("Play", self)
        self.btn_pick = QPushButton("Make Current", self)
        self.btn_pick.setEnabled(not current)
        self.btn_delete = QPushButton("Delete", self)
        self.btn_retake = QPushButton("Retake Span…", self)
        self.btn_play.clicked.connect(lambda: browser.play(self.take_id))
        self.btn_pick.clicked.connect(lambda: browser.make_current(self.take_id))
        self.btn_delete.clicked.connect(lambda: browser.delete(self.take_id))
        self.btn_retake.clicked.connect(lambda: browser.retake(self.take_id))
        buttons = QHBoxLayout()
        for w in (self.keep, self.btn_play, self.btn_pick, self.btn_retake, self.btn_delete):
            buttons.addWidget(w)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.strip)
        layout.addWidget(self.label)
        layout.addLayout(buttons)


class TakesBrowser(QDialog):
    """A shot's takes side by side (modeless; follows the document's edits)."""

    def __init__(self, ctx, shot_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.shot_id = ctx, shot_id
        self.setWindowTitle("Takes")
        self.media = MediaCache(self)
        self.rows: dict[str, TakeRow] = {}
        self.playing: str | None = None
        self.frames_shown = 0
        self._frames: list[QImage] = []
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._next_frame)
        self.preview = QLabel(self)
        self.preview.setFixedSize(PREVIEW_SIZE)
        self.preview.setAlignment(Qt.AlignCenter)
        self.preview.setStyleSheet("background: black")
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.btn_variations = QPushButton("Generate Variations…", self)
        self.btn_variations.clicked.connect(self._variations)
        self.btn_delete_unchecked = QPushButton("Delete Unchecked", self)
        self.btn_delete_unchecked.clicked.connect(self.delete_unchecked)
        close = QPushButton("Close", self)
        close.clicked.connect(self.close)
        self._list = QWidget(self)
        self._list_layout = QVBoxLayout(self._list)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self._list)
        bottom = QHBoxLayout()
        for w in (self.btn_variations, self.btn_delete_unchecked):
            bottom.addWidget(w)
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.preview, 0, Qt.AlignHCenter)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.message)
        layout.addLayout(bottom)
        self.resize(720, 640)
        self.media.ready.connect(self._strip_ready)
        self._doc = ctx.doc
        self._doc.edited.connect(self._edited)
        ctx.documentChanged.connect(self.close)
        self.rebuild()

    # --- contents ---------------------------------------------------------------------------
    @property
    def doc(self):
        return self.ctx.doc

    def takes(self) -> list[Take]:
        return shot_takes(self.doc.project, self.shot_id)

    def rebuild(self) -> None:
        """One row per take of the shot, in the order they were made."""
        # ticked by the user (the current take's box is ticked and locked, not a choice)
        kept = {t for t, row in self.rows.items() if row.keep.isChecked() and row.keep.isEnabled()}
        for row in self.rows.values():
            row.setParent(None)
            row.deleteLater()
        self.rows = {}
        shot = next((s for s in self.doc.project.shots if s.id == self.shot_id), None)
        if shot is None:
            self.close()
            return
        for take in self.takes():
            row = TakeRow(self, take, take.id == shot.current_take)
            if take.id in kept:
                row.keep.setChecked(True)
            self._list_layout.addWidget(row)
            self.rows[take.id] = row
            self._load_strip(take)
        self._list_layout.addStretch(1)
        self.setWindowTitle(f"Takes of {shot.name or 'shot'} ({len(self.rows)})")

    def _load_strip(self, take: Take) -> None:
        strip = self.media.filmstrip(self.doc.resolve(take.path))
        if strip is not None and take.id in self.rows:
            self.rows[take.id].strip.set_images(list(strip.images))

    def _strip_ready(self, _path: str) -> None:
        for take in self.takes():
            if take.id in self.rows and not self.rows[take.id].strip.images:
                self._load_strip(take)

    def strips_loaded(self) -> bool:
        return all(row.strip.images for row in self.rows.values())

    def _edited(self, edit) -> None:
        if edit.take_ids or self.shot_id in edit.shot_ids or edit.shots_reordered:
            self.rebuild()

    # --- playing ----------------------------------------------------------------------------
    def play(self, take_id: str) -> None:
        """Flip through the take's filmstrip in the preview, at the take's own speed."""
        take = self.doc.project.takes.get(take_id)
        strip = self.media.filmstrip(self.doc.resolve(take.path)) if take else None
        if strip is None:
            self.message.setText("That take is still being read; try again in a moment.")
            return
        self._frames = list(strip.images)
        self.playing, self.frames_shown = take_id, 0
        step_ms = max(15, round(1000 * (take.duration or 1.0) / max(1, len(self._frames))))
        self._timer.start(step_ms)
        self._next_frame()

    def _next_frame(self) -> None:
        if self.frames_shown >= len(self._frames):
            self._timer.stop()
            self.playing = None
            return
        img = self._frames[self.frames_shown]
        pix = QPixmap.fromImage(img).scaled(PREVIEW_SIZE, Qt.KeepAspectRatio)
        self.preview.setPixmap(pix)
        self.frames_shown += 1

    # --- edits ------------------------------------------------------------------------------
    def make_current(self, take_id: str) -> None:
        self._edit(lambda: self.doc.apply(switch_take, self.shot_id, take_id))

    def delete(self, take_id: str) -> None:
        self._edit(lambda: push_delete(self.doc, delete_takes, [take_id]))

    def delete_unchecked(self) -> None:
        """Delete every take not ticked Keep (the current one and those in use stay)."""
        keep = [tid for tid, row in self.rows.items() if row.keep.isChecked()]
        used = in_use(self.doc.project)
        if not [tid for tid in self.rows if tid not in keep and tid not in used]:
            self.message.setText("Nothing to delete: every take is kept or in use.")
            return
        self._edit(lambda: push_delete(self.doc, delete_other_takes, self.shot_id, keep))

    def _edit(self, apply) -> None:
        try:
            apply()
        except EditError as exc:
            self.message.setText(str(exc))
        else:
            self.message.setText("")

    def retake(self, take_id: str) -> None:
        from ui.takes.retake_dialog import RetakeDialog

        take = self.doc.project.takes.get(take_id)
        if take is not None:
            RetakeDialog(self.ctx, take, parent=self).open()

    def _variations(self) -> None:
        from ui.takes.retake_dialog import ask_variations

        ask_variations(self.ctx, self.shot_id, self)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        self._timer.stop()
        try:
            self._doc.edited.disconnect(self._edited)
        except (RuntimeError, TypeError):
            pass
        super().closeEvent(event)
