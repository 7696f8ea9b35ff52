"""What the empty window says: a project with no shots and no clips shows three ways to start
(add a shot, import a storyboard, open the example) where the preview would be."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from studio.model import Project


def is_empty(project: Project) -> bool:
    return not project.shots and not any(t.clips for t in project.tracks)


class EmptyHint(QWidget):
    def __init__(
        self,
        add_shot: Callable[[], None],
        import_storyboard: Callable[[], None],
        open_example: Callable[[], None],
        import_media: Callable[[], None] | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("empty-hint")
        box = QVBoxLayout(self)
        box.addStretch(1)
        title = QLabel("This project is empty")
        title.setProperty("role", "heading")
        title.setAlignment(Qt.AlignCenter)
        box.addWidget(title)
        text = QLabel(
            "Start with a shot and describe it in the inspector, bring in a storyboard "
            "script, import your own video, images and music, or look around the example."
        )
        text.setWordWrap(True)
        text.setAlignment(Qt.AlignCenter)
        text.setProperty("role", "dim")
        box.addWidget(text)
        self.buttons: dict[str, QPushButton] = {}
        for key, label, slot in (
            ("add", "Add a shot  (Ctrl+Shift+N)", add_shot),
            ("import", "Import a storyboard…  (Ctrl+I)", import_storyboard),
            ("media", "Import media…  (Ctrl+Shift+I)", import_media),
            ("example", "Open the example", open_example),
        ):
            if slot is None:
                continue
            button = QPushButton(label)
            button.setMinimumWidth(280)
            button.clicked.connect(slot)
            box.addWidget(button, 0, Qt.AlignHCenter)
            self.buttons[key] = button
        box.addStretch(2)
