"""Editor settings (dock layout, recent files) in an INI file under the STUDIO_HOME-aware
config folder, so tests and portable installs never touch the user's real settings."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from studio.paths import user_config_dir

MAX_RECENT = 10


def settings() -> QSettings:
    return QSettings(str(user_config_dir() / "editor.ini"), QSettings.IniFormat)


def recent_projects() -> list[str]:
    value = settings().value("recent", [])
    if isinstance(value, str):
        value = [value]
    return [p for p in (value or []) if Path(p).exists()]


def add_recent(path: Path) -> list[str]:
    items = [str(path)] + [p for p in recent_projects() if p != str(path)]
    items = items[:MAX_RECENT]
    s = settings()
    s.setValue("recent", items)
    s.sync()
    return items
