"""Take files the user deleted: kept in the bundle's trash until the project is next opened.

Deleting a take is a pure, undoable edit of the project (studio.model.take_edits); its file
cannot be deleted at once, or Undo would bring back a take without its picture. So the file
moves to `.trash/` inside the bundle (Undo moves it back), but only when nothing else in the
project still uses that file (another take, a clip, the media bin, a shot's pictures). The next
time the bundle is opened the trash is settled: a file the saved project refers to again (the
delete was never saved) goes back; every other one is removed. Every move and removal goes
through studio.bundle_files, so no link in a received bundle is ever followed.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from studio import bundle_files
from studio.errors import StudioError
from studio.model import Project

TRASH = ".trash"


def used_paths(project: Project) -> set[str]:
    """Every bundle-relative file the project refers to."""
    used = {t.path for t in project.takes.values()}
    used |= {m.path for m in project.media}
    for track in project.tracks:
        used |= {c.media for c in track.clips if c.media}
    for shot in project.shots:
        used |= {p for p in (shot.image, shot.last_image) if p}
        used |= {k.image for k in shot.keyframes}
    return {_norm(p) for p in used}


def _norm(path: str) -> str:
    return "/".join(bundle_files.relative_parts(path)) if not Path(path).is_absolute() else path


def discard(root: Path, project: Project, paths: Iterable[str]) -> list[str]:
    """Move each of `paths` (bundle-relative, of takes just deleted from `project`) that the
    project no longer uses into the trash. Returns the paths moved (for `restore`)."""
    used = used_paths(project)
    moved = []
    for rel in dict.fromkeys(_norm(p) for p in paths):
        if rel in used or Path(rel).is_absolute():
            continue  # still shown or listed elsewhere; or a staged file outside the bundle
        try:
            bundle_files.check_not_link(root, rel)
            source = Path(root).joinpath(*bundle_files.relative_parts(rel))
            if not source.is_file():
                continue
            bundle_files.move_in(root, source, f"{TRASH}/{rel}")
        except (OSError, StudioError):
            continue  # the take is gone from the project either way; the file just stays
        moved.append(rel)
    return moved


def restore(root: Path, paths: Iterable[str]) -> list[str]:
    """Move trashed files back to where they were (Undo of a delete)."""
    back = []
    for rel in paths:
        trashed = f"{TRASH}/{rel}"
        try:
            bundle_files.check_not_link(root, trashed)
            source = Path(root).joinpath(*bundle_files.relative_parts(trashed))
            if source.is_file():
                bundle_files.move_in(root, source, rel)
                back.append(rel)
        except (OSError, StudioError):
            continue
    return back


def settle(root: Path, project: Project) -> tuple[list[str], list[str]]:
    """On opening: trashed files the project uses go back, the others are removed.
    Returns (restored, removed)."""
    trash = Path(root) / TRASH
    try:
        bundle_files.check_not_link(root, TRASH)
    except StudioError:
        return [], []
    if not trash.is_dir():
        return [], []
    used = used_paths(project)
    restored, removed = [], []
    for path in sorted(trash.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        rel = path.relative_to(trash).as_posix()
        if rel in used:
            restored += restore(root, [rel])
        else:
            try:
                if bundle_files.remove_file(root, f"{TRASH}/{rel}"):
                    removed.append(rel)
            except (OSError, StudioError):
                continue
    if not any(p.is_file() for p in trash.rglob("*")):
        bundle_files.remove_tree(root, TRASH)  # only empty folders were left
    return restored, removed
