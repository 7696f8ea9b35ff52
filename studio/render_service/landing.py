"""From a finished job to a Take in its project: routing by project id, never by folder.

The engine leaves each finished take's file in its staging folder (outside every bundle, so a
Save As that moves the project's folder cannot strand it). Whoever holds the project adopts
the file into the project's *current* folder and then lands the Take on the timeline. Every
failure here is a LandingFailed that says where the file is kept: a take is never lost quietly.
"""

from __future__ import annotations

import json
from pathlib import Path

from studio import bundle_files
from studio.bundle import PROJECT_FILE, Bundle, record_take
from studio.engine.request import GenerationRequest
from studio.errors import StudioError
from studio.model import Project, Take
from studio.placement import land_take


class LandingFailed(StudioError):
    """A finished take could not be put into its project (the message says where it is)."""


def belongs_to(request: GenerationRequest, project: Project, folder: Path) -> bool:
    """The job was for this project. By id; a job queued by an older version that recorded
    no id is matched by the folder it named."""
    if request.project_id:
        return request.project_id == project.id
    return bool(request.bundle) and _same_path(Path(request.bundle), folder)


def adopt_take(folder: Path, take: Take) -> Take:
    """Move a staged take's file into `folder`/takes/ and return the Take pointing there.

    A take already inside the bundle (a bundle-relative path) is returned as it is."""
    folder = Path(folder)
    staged = Path(take.path)
    if not staged.is_absolute():
        if not (folder / staged).is_file():
            raise LandingFailed(f"the take's file {folder / staged} is missing")
        return take
    if not staged.is_file():
        raise LandingFailed(f"the finished take's file {staged} is missing")
    if not (folder / PROJECT_FILE).is_file():
        raise LandingFailed(f"no project at {folder} any more; the take is kept at {staged}")
    takes = folder / "takes"
    try:
        # never through a link: a received bundle's takes/ may point anywhere
        final = bundle_files.move_in(folder, staged, f"takes/{staged.name}")
    except (OSError, StudioError) as exc:
        raise LandingFailed(
            f"could not move the take into {takes} ({exc}); it is kept at {staged}"
        ) from exc
    return take.model_copy(update={"path": f"takes/{final.name}"})


def land_in_bundle(bundle: Bundle, take: Take) -> Take:
    """Adopt the take into the bundle and show it on the timeline (the headless render)."""
    landed = adopt_take(bundle.path, take)
    land_take(bundle.project, landed)
    return landed


def keep_in_closed_project(folder: Path | str | None, take: Take, project_id: str | None) -> Path:
    """A take whose project is not open: adopt it into that project's folder, beside its other
    takes (not on the timeline). Returns the folder; raises LandingFailed when the project is
    gone or another project now lives there."""
    staged = take.path
    if not folder:
        raise LandingFailed(f"the take's project is unknown; the take is kept at {staged}")
    folder = Path(folder)
    try:
        bundle = Bundle.load(folder)
    except StudioError as exc:
        raise LandingFailed(
            f"its project at {folder} cannot be opened ({exc}); the take is kept at {staged}"
        ) from exc
    if project_id and _stored_id(folder) not in (None, project_id):
        raise LandingFailed(f"{folder} now holds another project; the take is kept at {staged}")
    landed = adopt_take(folder, take)
    try:
        record_take(bundle.path, landed)
    except (StudioError, OSError) as exc:
        raise LandingFailed(
            f"could not add the take to {folder} ({exc}); its file is {folder / landed.path}"
        ) from exc
    return folder


def _stored_id(folder: Path) -> str | None:
    """The project id written in project.json (None for a file from before ids)."""
    try:
        data = json.loads((folder / PROJECT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    value = data.get("id") if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


def _same_path(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return a == b
