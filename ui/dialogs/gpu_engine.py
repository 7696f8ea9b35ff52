"""Settings → GPU engine: see what this machine has, and set up the engine's environment.

The same as `storyboard-studio engine status | install | use`: the status is probed on a
thread (it runs nvidia-smi and the engine's Python), the install runs the CLI as a child
process whose step lines drive the progress bar. Closing the dialog or pressing Stop leaves
the finished steps in place; Install again resumes.
"""

from __future__ import annotations

import re
import sys
import threading
from pathlib import Path

from PySide6.QtCore import QObject, QProcess, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
)

from studio.errors import StudioError

BUILDS = [
    ("The build that fits this machine", None),
    ("CPU only (no NVIDIA GPU)", "cpu"),
    ("CUDA 13.0", "13.0"),
    ("CUDA 12.8", "12.8"),
    ("CUDA 12.6", "12.6"),
]
STEP = re.compile(r"^\[(\d+)/(\d+)\]")


def cli_command(*args: str) -> tuple[str, list[str]]:
    """This app's CLI as (program, arguments): the frozen executable or `python -m studio`."""
    if getattr(sys, "frozen", False):
        return sys.executable, list(args)
    return sys.executable, ["-m", "studio", *args]


class _StatusProbe(QObject):
    done = Signal(str)

    def start(self) -> None:
        threading.Thread(target=self._run, daemon=True, name="gpu-engine-status").start()

    def _run(self) -> None:
        from studio.engine_env.probe import describe, status

        try:
            text = "\n".join(describe(status()))
        except StudioError as exc:
            text = f"error: {exc}"
        self.done.emit(text)


class GpuEngineDialog(QDialog):
    """Status, install (with progress, stoppable, resumable) and use-existing."""

    statusShown = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        from studio.engine_env.config import default_env_path

        self.setWindowTitle("GPU engine")
        self.resize(640, 460)
        self.status = QLabel("Looking at this machine…")
        self.status.setWordWrap(True)
        self.build = QComboBox()
        for label, value in BUILDS:
            self.build.addItem(label, value)
        self.path = QLineEdit(str(default_env_path()))
        form = QFormLayout()
        form.addRow("Torch build", self.build)
        form.addRow("Install into", self.path)
        self.progress = QProgressBar()
        self.progress.setRange(0, 4)
        self.progress.setValue(0)
        self.log = QPlainTextEdit()
        self.log.setReadOnly(True)
        self.log.setMaximumBlockCount(2000)
        self.install_button = QPushButton("Install")
        self.stop_button = QPushButton("Stop")
        self.stop_button.setEnabled(False)
        self.use_button = QPushButton("Use Existing Environment…")
        close = QPushButton("Close")
        buttons = QHBoxLayout()
        for b in (self.install_button, self.stop_button, self.use_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.log, 1)
        layout.addLayout(buttons)
        self.install_button.clicked.connect(self.install)
        self.stop_button.clicked.connect(self.stop)
        self.use_button.clicked.connect(self._choose_existing)
        close.clicked.connect(self.reject)
        self.process: QProcess | None = None
        self.refresh()

    # --- status ---------------------------------------------------------------------------
    def refresh(self) -> None:
        probe = _StatusProbe(self)
        probe.done.connect(self._show_status)
        probe.start()

    def _show_status(self, text: str) -> None:
        self.status.setText(text)
        self.statusShown.emit(text)

    # --- install --------------------------------------------------------------------------
    def install_arguments(self) -> list[str]:
        args = ["engine", "install", "--path", self.path.text().strip()]
        build = self.build.currentData()
        if build == "cpu":
            args.append("--cpu")
        elif build:
            args += ["--cuda", build]
        return args

    def install(self) -> None:
        if self.process is not None:
            return
        program, args = cli_command(*self.install_arguments())
        self.log.clear()
        self.progress.setValue(0)
        proc = QProcess(self)
        proc.setProcessChannelMode(QProcess.MergedChannels)
        proc.readyReadStandardOutput.connect(self._read)
        proc.finished.connect(self._finished)
        self.process = proc
        self.install_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        proc.start(program, args)

    def _read(self) -> None:
        if self.process is None:
            return
        text = bytes(self.process.readAllStandardOutput()).decode("utf-8", "replace")
        for line in text.splitlines():
            self.log.appendPlainText(line)
            match = STEP.match(line)
            if match:
                step, total = int(match.group(1)), int(match.group(2))
                self.progress.setRange(0, total)
                self.progress.setValue(step - 1 if "done already" not in line else step)

    def _finished(self, code: int, _status=None) -> None:
        self._read()
        if code == 0:
            self.progress.setValue(self.progress.maximum())
            self.log.appendPlainText("The GPU engine is ready.")
        else:
            self.log.appendPlainText(
                f"Stopped (exit code {code}). Press Install to resume where it stopped."
            )
        self.process = None
        self.install_button.setEnabled(True)
        self.stop_button.setEnabled(False)
        self.refresh()

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()

    # --- an environment the user has ------------------------------------------------------
    def _choose_existing(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Python environment with torch")
        if folder:
            self.use_environment(Path(folder))

    def use_environment(self, folder: Path) -> bool:
        from studio.engine_env.install import use_existing

        try:
            env = use_existing(folder)
        except StudioError as exc:
            self.log.appendPlainText(f"Cannot use {folder}: {exc}")
            return False
        self.log.appendPlainText(f"Using {env.python} (torch {env.torch}).")
        self.refresh()
        return True

    def done(self, result: int) -> None:  # closing stops an install; it resumes next time
        self.stop()
        if self.process is not None:
            self.process.waitForFinished(3000)
        super().done(result)


def open_gpu_engine_dialog(parent=None) -> GpuEngineDialog:
    dialog = GpuEngineDialog(parent)
    dialog.show()
    return dialog
