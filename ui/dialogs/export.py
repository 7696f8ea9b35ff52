"""The export dialog: format, platform preset, fps, fit mode, destination; progress + cancel."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
)

from studio.compose.captions import default_mode
from studio.errors import PolicyRefusal, StudioError
from studio.export.settings import PLATFORMS, ExportSettings
from studio.model import FitMode, OutputFormat
from ui.dialogs.export_job import ExportJob, guard_export
from ui.render_queue.row import format_eta

PLATFORM_LABELS = {
    "tiktok": "TikTok — 1080×1920, 30 fps",
    "reels": "Instagram Reels — 1080×1920, 30 fps",
    "shorts": "YouTube Shorts — 1080×1920, 30 fps",
    "youtube": "YouTube — 1920×1080",
    "square": "Square — 1080×1080, 30 fps",
}


class ExportDialog(QDialog):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.job: ExportJob | None = None
        self.result = None
        self.setWindowTitle("Export video")
        self.setMinimumWidth(520)
        project = ctx.doc.project
        self.platform = QComboBox()
        self.platform.addItem("Custom", None)
        for key in PLATFORMS:
            self.platform.addItem(PLATFORM_LABELS.get(key, key), key)
        self.formats = QButtonGroup(self)
        fmt_row = QHBoxLayout()
        for fmt in OutputFormat:
            w, h = fmt.size
            b = QRadioButton(f"{fmt.value.capitalize()} {w}×{h}")
            b.setProperty("format", fmt.value)
            b.setChecked(fmt == project.format)
            self.formats.addButton(b)
            fmt_row.addWidget(b)
        self.fps = QComboBox()
        self.fps.addItem(f"Project ({project.fps} fps)", None)
        for f in (24, 25, 30):
            self.fps.addItem(f"{f} fps", f)
        self.fit = QComboBox()
        for mode, text in (
            (FitMode.COVER, "Cover (crop to fill)"),
            (FitMode.CONTAIN, "Contain (bars)"),
            (FitMode.BLUR, "Blur fill"),
        ):
            self.fit.addItem(text, mode)
        self.fit.setCurrentIndex(max(0, self.fit.findData(project.fit)))
        self.quality = QComboBox()
        self.quality.addItem("Final", "final")
        self.quality.addItem("Draft — faster, for quick reviews", "draft")
        self.captions = QComboBox()
        for mode, text in (
            ("srt", "Subtitle file (.srt beside the video)"),
            ("burn", "Burned into the picture"),
            ("off", "Off"),
        ):
            self.captions.addItem(text, mode)
        self.captions.setCurrentIndex(self.captions.findData(default_mode(project)))
        self.dest = QLineEdit(str(default_destination(ctx.doc)))
        browse = QPushButton("Browse…")
        dest_row = QHBoxLayout()
        dest_row.addWidget(self.dest, 1)
        dest_row.addWidget(browse)
        self.bar = QProgressBar()
        self.bar.setRange(0, 100)
        self.bar.setValue(0)
        self.status = QLabel(f"{project.duration:.1f} s of video")
        self.status.setProperty("role", "dim")
        self.status.setWordWrap(True)
        self.btn_export = QPushButton("Export")
        self.btn_export.setObjectName("primary")
        self.btn_cancel = QPushButton("Close")
        # after an export: open its folder or play it (issue 14)
        self.btn_folder = QPushButton("Show in Folder")
        self.btn_play = QPushButton("Play")
        for b in (self.btn_folder, self.btn_play):
            b.hide()
        self.btn_folder.clicked.connect(lambda: _open_url(self.result.path.parent))
        self.btn_play.clicked.connect(lambda: _open_url(self.result.path))
        form = QFormLayout()
        form.addRow("Platform", self.platform)
        form.addRow("Format", fmt_row)
        form.addRow("Frame rate", self.fps)
        form.addRow("Fit", self.fit)
        form.addRow("Quality", self.quality)
        form.addRow("Captions", self.captions)
        form.addRow("Save to", dest_row)
        buttons = QHBoxLayout()
        buttons.addWidget(self.btn_folder)
        buttons.addWidget(self.btn_play)
        buttons.addStretch(1)
        buttons.addWidget(self.btn_cancel)
        buttons.addWidget(self.btn_export)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.bar)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.platform.currentIndexChanged.connect(self._platform_changed)
        browse.clicked.connect(self._browse)
        self.btn_export.clicked.connect(self.start)
        self.btn_cancel.clicked.connect(self._cancel_or_close)

    # --- settings -----------------------------------------------------------------------
    def select_platform(self, key: str) -> None:
        self.platform.setCurrentIndex(self.platform.findData(key))

    def selected_format(self) -> OutputFormat:
        return OutputFormat(self.formats.checkedButton().property("format"))

    def set_format(self, fmt: OutputFormat) -> None:
        for b in self.formats.buttons():
            b.setChecked(b.property("format") == fmt.value)

    def _platform_changed(self) -> None:
        key = self.platform.currentData()
        if key:
            preset = PLATFORMS[key]
            self.set_format(preset.format)
            self.fps.setCurrentIndex(max(0, self.fps.findData(preset.fps)))

    def settings(self) -> ExportSettings:
        key = self.platform.currentData()
        base = ExportSettings.for_platform(key) if key else ExportSettings()
        return base.replace(
            format=self.selected_format(),
            fps=self.fps.currentData(),
            fit=self.fit.currentData(),
            captions=self.captions.currentData(),
        ).with_quality(self.quality.currentData())

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export to", self.dest.text(), "MP4 video (*.mp4)"
        )
        if path:
            self.dest.setText(path if path.lower().endswith(".mp4") else path + ".mp4")

    # --- running ------------------------------------------------------------------------
    def start(self) -> bool:
        doc = self.ctx.doc
        dest = Path(self.dest.text()).expanduser()
        try:
            settings = self.settings()
            settings.validate(doc.project)
            guard_export(doc.project, doc.bundle.path, doc.resolve)
        except PolicyRefusal as exc:
            self._show_error(f"Refused: {exc}")
            return False
        except StudioError as exc:
            self._show_error(str(exc))
            return False
        if dest.exists() and not self.confirm_overwrite(dest):
            return False
        self.bar.setValue(0)  # no stale bar from the previous export
        self.btn_folder.hide()
        self.btn_play.hide()
        self._started = time.monotonic()
        self.job = ExportJob(doc.project, doc.resolve, dest, settings, self)
        self.job.progress.connect(self._progress)
        self.job.finished.connect(self._finished)
        self.job.failed.connect(lambda msg: self._ended(f"Export failed: {msg}", error=True))
        self.job.cancelled.connect(lambda: self._ended("Export cancelled — nothing was written."))
        self.btn_export.setEnabled(False)
        self.btn_cancel.setText("Cancel")
        self.status.setProperty("role", "dim")
        self.status.setText("Exporting…")
        self.job.start()
        return True

    def confirm_overwrite(self, dest: Path) -> bool:
        answer = QMessageBox.question(
            self,
            "Replace file?",
            f"“{dest.name}” already exists in {dest.parent}. Replace it?",
            QMessageBox.Yes | QMessageBox.No,
            QMessageBox.No,
        )
        return answer == QMessageBox.Yes

    def _progress(self, done: int, total: int) -> None:
        self.bar.setValue(int(100 * done / total) if total else 0)
        eta = ""
        if done and total:
            left = (time.monotonic() - self._started) / done * (total - done)
            eta = f" · {format_eta(left)}"
        self.status.setText(f"Frame {done} of {total}{eta}")

    def _finished(self, result) -> None:
        self.result = result
        self.bar.setValue(100)
        size = result.bytes / 1e6
        self._ended(
            f"Exported {result.width}×{result.height}, {result.fps} fps, "
            f"{result.duration:.1f} s, {size:.1f} MB → {result.path}"
        )
        self.btn_folder.show()
        self.btn_play.show()

    def _ended(self, text: str, error: bool = False) -> None:
        self.btn_export.setEnabled(True)
        self.btn_cancel.setText("Close")
        self.status.setProperty("role", "error" if error else "dim")
        self.status.style().polish(self.status)
        self.status.setText(text)

    def _show_error(self, text: str) -> None:
        self._ended(text, error=True)

    def _cancel_or_close(self) -> None:
        if self.job and self.job.running():
            self.job.cancel()
        else:
            self.reject()

    def closeEvent(self, event) -> None:
        if self.job and self.job.running():
            self.job.cancel()
            self.job.thread.join(10)
        super().closeEvent(event)

    def reject(self) -> None:
        if self.job and self.job.running():
            self.job.cancel()
            self.job.thread.join(10)
        super().reject()


def _open_url(path: Path) -> None:
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def default_destination(doc) -> Path:
    from PySide6.QtCore import QStandardPaths

    videos = QStandardPaths.writableLocation(QStandardPaths.MoviesLocation) or str(Path.home())
    name = "".join(c if c.isalnum() or c in "-_ " else "-" for c in doc.project.title).strip()
    return Path(videos) / f"{name or 'export'}.mp4"
