"""Builds the teammates' widgets (timeline, preview player, cameo manager) when present.

They are separate packages; the window asks for them by name so the editor still opens (with
a clear placeholder) in a build that lacks one.
"""

from __future__ import annotations

import importlib
import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

log = logging.getLogger(__name__)


def placeholder(text: str) -> QWidget:
    label = QLabel(text)
    label.setAlignment(Qt.AlignCenter)
    label.setProperty("role", "dim")
    return label


def _load(module: str, name: str):
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        log.info("%s.%s unavailable: %s", module, name, exc)
        return None


def make_timeline(doc, parent=None) -> QWidget:
    cls = _load("ui.timeline", "TimelineView")
    if cls is None:
        return placeholder("Timeline unavailable in this build")
    try:
        return cls(doc.project, doc.undo_stack, parent, resolve=doc.resolve)
    except TypeError:
        return cls(doc.project, doc.undo_stack, parent)


def make_player(doc, parent=None) -> QWidget:
    cls = _load("ui.player", "PreviewPlayer")
    if cls is None:
        return placeholder("Preview unavailable in this build")
    player = cls(parent)
    player.set_project(doc.project, doc.resolve)
    return player


def make_cameo_panel(ctx, parent=None) -> QWidget | None:
    cls = _load("ui.cameo_panel", "CameoPanel")
    if cls is None:
        return None
    for args in ((ctx.doc.project,), ()):
        try:
            return cls(*args, parent=parent) if args else cls(parent)
        except TypeError:
            continue
    return None


def call_first(obj, names: tuple[str, ...], *args) -> bool:
    """Call the first of `names` that obj has (the teammates' widgets name things their way)."""
    for name in names:
        fn = getattr(obj, name, None)
        if callable(fn):
            fn(*args)
            return True
    return False
