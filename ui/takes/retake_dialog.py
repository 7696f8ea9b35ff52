"""Retake a span of a take (start and end in seconds of the take; pre-filled from the
timeline's In and Out points when they lie on a clip of it) and ask for N variations."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QInputDialog,
    QLabel,
    QWidget,
)

from studio.model import Project, Take
from studio.render_service.takes import MAX_VARIATIONS


def span_from_in_out(project: Project, take: Take) -> tuple[float, float] | None:
    """The timeline's In/Out as seconds of `take`, when both lie on one clip showing it."""
    if project.in_point is None or project.out_point is None:
        return None
    for track in project.tracks:
        for clip in track.clips:
            if clip.take_id != take.id:
                continue
            end = clip.start + clip.duration
            if clip.start <= project.in_point < project.out_point <= end:
                a = (project.in_point - clip.start + clip.source_in) / project.fps
                b = (project.out_point - clip.start + clip.source_in) / project.fps
                return round(a, 3), round(b, 3)
    return None


class RetakeDialog(QDialog):
    """Start and end of the span to generate again; OK queues the retake."""

    def __init__(self, ctx, take: Take, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.take = ctx, take
        self.setWindowTitle("Retake Span")
        length = take.duration or take.frames / (take.fps or 24)
        self.start = QDoubleSpinBox(self)
        self.end = QDoubleSpinBox(self)
        for box in (self.start, self.end):
            box.setRange(0.0, round(length, 3))
            box.setDecimals(3)
            box.setSingleStep(0.1)
            box.setSuffix(" s")
        span = span_from_in_out(ctx.doc.project, take) or (length / 3, 2 * length / 3)
        self.start.setValue(span[0])
        self.end.setValue(span[1])
        self.note = QLabel(
            "Only this span is generated again, with a new seed; the rest of the take stays "
            "exactly as it is. The result is a new take.",
            self,
        )
        self.note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.note)
        form.addRow("Start", self.start)
        form.addRow("End", self.end)
        form.addRow(buttons)
        self.job_id: str | None = None

    def accept(self) -> None:
        a, b = self.start.value(), self.end.value()
        if b <= a:
            self.note.setText("The end must come after the start.")
            return
        self.job_id = self.ctx.generator.retake(self.take.id, a, b)
        super().accept()


def ask_variations(ctx, shot_id: str, parent: QWidget | None = None) -> list[str]:
    """Ask how many variations, then queue them (one batch)."""
    n, ok = QInputDialog.getInt(
        parent, "Generate Variations", "How many variations (new seeds)?", 4, 1, MAX_VARIATIONS
    )
    return ctx.generator.variations(shot_id, n) if ok else []
