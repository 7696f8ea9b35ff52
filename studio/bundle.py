"""Project bundles on disk: `NAME.sbproj/` with project.json, takes/ and media/.

Saves are atomic and keep the previous good copy; autosaves go beside the project file, never
over it, so a crash can be recovered from and an autosave never overwrites the user's save.
"""

from __future__ import annotations

import shutil
from pathlib import Path, PurePosixPath

from pydantic import ValidationError

from studio import atomic
from studio.errors import InputError, InputErrors, Location
from studio.limits import load_json
from studio.model import Project

PROJECT_FILE = "project.json"
AUTOSAVE_FILE = "project.autosave.json"
BACKUP_FILE = "project.json.bak"
BUNDLE_SUFFIX = ".sbproj"


def bundle_path(path: Path) -> Path:
    """Accept either the bundle folder or its project.json."""
    path = Path(path)
    return path.parent if path.name == PROJECT_FILE else path


def is_bundle(path: Path) -> bool:
    return (bundle_path(path) / PROJECT_FILE).is_file()


def validation_errors(exc: ValidationError, file: str) -> InputErrors:
    """Turn pydantic errors into InputErrors naming the field path (e.g. shots[2].duration)."""
    errors = []
    for err in exc.errors():
        field = format_loc(err["loc"])
        errors.append(
            InputError(err["msg"].removeprefix("Value error, "), Location(file=file, field=field))
        )
    return InputErrors(errors)


def format_loc(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def parse_project(text: str, file: str = PROJECT_FILE) -> Project:
    data = load_json(text, file)  # size, nesting and number limits, then json.loads
    if not isinstance(data, dict):
        raise InputError("a project file must hold a JSON object", Location(file=file))
    if "schema_version" not in data:
        raise InputError("missing schema_version", Location(file=file, field="schema_version"))
    try:
        project = Project.model_validate(data)
    except ValidationError as exc:
        raise validation_errors(exc, file) from None
    check_references(project, file)
    return project


def check_references(project: Project, file: str) -> None:
    """Clips must point at takes that exist; media paths must stay inside the bundle."""
    errors: list[InputError] = []
    for key, take in project.takes.items():
        if take.id != key:
            errors.append(
                InputError(
                    f"take id '{take.id}' differs from its key",
                    Location(file, None, f"takes.{key}.id"),
                )
            )
        _check_media_path(take.path, f"takes.{key}.path", file, errors, allow_absolute=False)
    for s_i, shot in enumerate(project.shots):
        if shot.image:
            _check_media_path(shot.image, f"shots[{s_i}].image", file, errors, allow_absolute=True)
    for t_i, track in enumerate(project.tracks):
        for c_i, clip in enumerate(track.clips):
            where = f"tracks[{t_i}].clips[{c_i}]"
            if clip.take_id and clip.take_id not in project.takes:
                errors.append(
                    InputError(
                        f"unknown take '{clip.take_id}'", Location(file, None, where + ".take_id")
                    )
                )
            if clip.media:
                _check_media_path(clip.media, where + ".media", file, errors, allow_absolute=True)
    if errors:
        raise InputErrors(errors)


def _check_media_path(path: str, field: str, file: str, errors: list, allow_absolute: bool) -> None:
    p = PurePosixPath(path.replace("\\", "/"))
    if p.is_absolute() or (len(path) > 1 and path[1] == ":"):
        if not allow_absolute:
            errors.append(
                InputError("absolute paths are not allowed here", Location(file, None, field))
            )
        return
    if ".." in p.parts:
        errors.append(
            InputError(f"path '{path}' escapes the project bundle", Location(file, None, field))
        )


class Bundle:
    """A project bundle folder and the Project loaded from it."""

    def __init__(self, path: Path, project: Project):
        self.path = bundle_path(path)
        self.project = project

    # --- locations ----------------------------------------------------------------------
    @property
    def project_file(self) -> Path:
        return self.path / PROJECT_FILE

    @property
    def takes_dir(self) -> Path:
        return self.path / "takes"

    @property
    def media_dir(self) -> Path:
        return self.path / "media"

    @property
    def autosave_file(self) -> Path:
        return self.path / AUTOSAVE_FILE

    def resolve(self, media_path: str) -> Path:
        """Absolute path of a bundle-relative (or explicitly imported absolute) media path."""
        p = Path(media_path)
        if p.is_absolute():
            return p
        resolved = (self.path / p).resolve()
        if not resolved.is_relative_to(self.path.resolve()):
            raise InputError(f"path '{media_path}' escapes the project bundle")
        return resolved

    def take_file(self, take_id: str) -> Path:
        return self.resolve(self.project.takes[take_id].path)

    def import_media(self, source: Path) -> str:
        """Copy a file into media/ and return its bundle-relative path."""
        self.media_dir.mkdir(parents=True, exist_ok=True)
        target = self.media_dir / Path(source).name
        stem, n = target.stem, 1
        while target.exists() and not _same_file(target, Path(source)):
            target = self.media_dir / f"{stem}-{n}{target.suffix}"
            n += 1
        if not target.exists():
            shutil.copy2(source, target)
        return f"media/{target.name}"

    # --- saving -------------------------------------------------------------------------
    def save(self) -> None:
        """Atomic save; the previous project.json is kept as project.json.bak."""
        self.path.mkdir(parents=True, exist_ok=True)
        self.takes_dir.mkdir(exist_ok=True)
        self.media_dir.mkdir(exist_ok=True)
        if self.project_file.exists():
            shutil.copy2(self.project_file, self.path / BACKUP_FILE)
        atomic.write_text(self.project_file, self.project.model_dump_json(indent=1))
        self.autosave_file.unlink(missing_ok=True)

    def autosave(self) -> None:
        """Write the unsaved state beside the project file, never over it."""
        self.path.mkdir(parents=True, exist_ok=True)
        atomic.write_text(self.autosave_file, self.project.model_dump_json(indent=1))

    def has_recovery(self) -> bool:
        """An autosave newer than the last save means the app stopped with unsaved work."""
        if not self.autosave_file.exists():
            return False
        if not self.project_file.exists():
            return True
        return self.autosave_file.stat().st_mtime >= self.project_file.stat().st_mtime

    def recover(self) -> Project:
        """Load the autosaved state (does not save it; the user decides)."""
        text = self.autosave_file.read_text(encoding="utf-8")
        self.project = parse_project(text, str(self.autosave_file))
        return self.project

    def discard_recovery(self) -> None:
        self.autosave_file.unlink(missing_ok=True)

    # --- loading ------------------------------------------------------------------------
    @classmethod
    def load(cls, path: Path) -> Bundle:
        folder = bundle_path(path)
        file = folder / PROJECT_FILE
        try:
            text = file.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InputError(
                "no project here (project.json is missing)", Location(file=str(file))
            ) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read the project: {exc}", Location(file=str(file))) from None
        return cls(folder, parse_project(text, str(file)))

    @classmethod
    def create(cls, path: Path, project: Project) -> Bundle:
        folder = Path(path)
        if folder.suffix != BUNDLE_SUFFIX and not folder.exists():
            folder = folder.with_name(folder.name + BUNDLE_SUFFIX)
        bundle = cls(folder, project)
        bundle.save()
        return bundle


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.stat().st_size == b.stat().st_size and a.read_bytes() == b.read_bytes()
    except OSError:
        return False


def record_take(path: Path, take) -> None:
    """Keep a take that finished for a project that is not open: add it to that project's
    takes (beside the others, not on the timeline), so no generated work is ever lost."""
    bundle = Bundle.load(path)
    if take.id not in bundle.project.takes:
        bundle.project.takes[take.id] = take
        bundle.save()
