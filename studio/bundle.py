"""Project bundles on disk: `NAME.sbproj/` with project.json, takes/ and media/.

Saves are atomic and keep the previous good copy; autosaves go beside the project file, never
over it, so a crash can be recovered from and an autosave never overwrites the user's save.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from pydantic import ValidationError

from studio import bundle_files, take_files
from studio.errors import InputError, InputErrors, Location
from studio.limits import MAX_FILE_BYTES, load_json
from studio.model import Project

PROJECT_FILE = "project.json"
AUTOSAVE_FILE = "project.autosave.json"
BACKUP_FILE = "project.json.bak"
BUNDLE_SUFFIX = ".sbproj"
STAGING_DIR = ".partial"
# names in a bundle the product writes; none of them may be a link
WRITTEN_NAMES = (PROJECT_FILE, BACKUP_FILE, AUTOSAVE_FILE, "takes", "media", STAGING_DIR)


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


def parse_project(text: str, file: str = PROJECT_FILE, references: bool = True) -> Project:
    data = load_json(text, file)  # size, nesting and number limits, then json.loads
    if not isinstance(data, dict):
        raise InputError("a project file must hold a JSON object", Location(file=file))
    if "schema_version" not in data:
        raise InputError("missing schema_version", Location(file=file, field="schema_version"))
    try:
        project = Project.model_validate(data)
    except ValidationError as exc:
        raise validation_errors(exc, file) from None
    if references:
        check_references(project, file)
    return project


def check_references(project: Project, file: str) -> None:
    """Clips must point at takes that exist; every path is relative and stays in the bundle."""
    errors: list[InputError] = []
    for key, take in project.takes.items():
        if take.id != key:
            errors.append(
                InputError(
                    f"take id '{take.id}' differs from its key",
                    Location(file, None, f"takes.{key}.id"),
                )
            )
        _check_media_path(take.path, f"takes.{key}.path", file, errors)
    for s_i, shot in enumerate(project.shots):
        for name, path in shot_pictures(shot):
            _check_media_path(path, f"shots[{s_i}].{name}", file, errors)
    for m_i, item in enumerate(project.media):
        _check_media_path(item.path, f"media[{m_i}].path", file, errors)
    for field, path in lora_paths(project):
        _check_media_path(path, field, file, errors)
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
                _check_media_path(clip.media, where + ".media", file, errors)
    if errors:
        raise InputErrors(errors)


def media_paths(project: Project) -> list[tuple[str, str]]:
    """(field, bundle-relative path) of every file the project refers to."""
    out = [(f"takes.{key}.path", take.path) for key, take in project.takes.items()]
    for i, shot in enumerate(project.shots):
        out += [(f"shots[{i}].{field}", path) for field, path in shot_pictures(shot)]
    out += [(f"media[{i}].path", m.path) for i, m in enumerate(project.media)]
    out += lora_paths(project)
    for t_i, track in enumerate(project.tracks):
        for c_i, clip in enumerate(track.clips):
            if clip.media:
                out.append((f"tracks[{t_i}].clips[{c_i}].media", clip.media))
    return out


def lora_paths(project: Project) -> list[tuple[str, str]]:
    """(field, bundle-relative path) of the LoRAs kept in the bundle; a bare name is a file of
    the user's LoRA folder, not of the bundle (studio.lorafiles.locate)."""
    out = [(f"loras[{i}].file", lo.file) for i, lo in enumerate(project.loras)]
    for s_i, shot in enumerate(project.shots):
        out += [(f"shots[{s_i}].loras[{k}].file", lo.file) for k, lo in enumerate(shot.loras)]
    from studio.lorafiles.library import is_bare_name

    return [(field, path) for field, path in out if not is_bare_name(path)]


def shot_pictures(shot) -> list[tuple[str, str]]:
    """(field within the shot, bundle-relative path) of the pictures a shot is made from: its
    first frame, last frame and keyframes."""
    out = [("image", shot.image)] if shot.image else []
    out += [("last_image", shot.last_image)] if shot.last_image else []
    out += [(f"keyframes[{k}].image", key.image) for k, key in enumerate(shot.keyframes)]
    return out


def _check_media_path(path: str, field: str, file: str, errors: list) -> None:
    try:
        bundle_files.relative_parts(path, field, file)
    except InputError as exc:
        errors.append(exc)


class UnreadableProject(InputError):
    """project.json cannot be read; `fallbacks` are the readable autosave/backup, newest first."""

    def __init__(self, message: str, location: Location, fallbacks: list[Path]):
        self.fallbacks = fallbacks
        if fallbacks:
            names = " and ".join(f"'{p.name}'" for p in fallbacks)
            message += (
                f"; a readable copy is kept in {names} (newest first): open the project in the "
                f"editor to restore it, or copy '{fallbacks[0].name}' to '{PROJECT_FILE}' "
                "yourself (keep the damaged file aside first)"
            )
        else:
            message += "; no readable autosave or backup was found"
        super().__init__(message, location)


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

    @property
    def backup_file(self) -> Path:
        return self.path / BACKUP_FILE

    def resolve(self, media_path: str) -> Path:
        """Absolute path of a bundle-relative media path; never one outside the bundle."""
        return bundle_files.check_inside(self.path, media_path).absolute()

    def take_file(self, take_id: str) -> Path:
        return self.resolve(self.project.takes[take_id].path)

    def import_media(self, source: Path) -> str:
        """Copy a file into media/ (named by its content hash) and return its relative path."""
        return bundle_files.import_file(self.path, "media", source)

    # --- saving -------------------------------------------------------------------------
    def save(self) -> None:
        """Atomic save; the previous project.json is kept as project.json.bak.

        The backup is written atomically from the bytes read, only when they hold a valid
        project, so a damaged project.json never replaces a good backup; no link is followed.
        """
        self.path.mkdir(parents=True, exist_ok=True)
        check_links(self.path)
        bundle_files.make_dirs(self.path, "takes")
        bundle_files.make_dirs(self.path, "media")
        previous = bundle_files.read_bytes(self.path, PROJECT_FILE, limit=MAX_FILE_BYTES)
        if previous is not None and _is_project(previous):
            bundle_files.write_bytes(self.path, BACKUP_FILE, previous)
        bundle_files.write_text(self.path, PROJECT_FILE, self.project.model_dump_json(indent=1))
        self.discard_recovery()

    def autosave(self) -> None:
        """Write the unsaved state beside the project file, never over it."""
        bundle_files.write_text(self.path, AUTOSAVE_FILE, self.project.model_dump_json(indent=1))

    def has_recovery(self) -> bool:
        """An autosave newer than the last save means the app stopped with unsaved work."""
        try:
            autosaved = os.lstat(self.autosave_file).st_mtime
        except OSError:
            return False
        try:
            return autosaved >= os.lstat(self.project_file).st_mtime
        except OSError:
            return True

    def recover(self) -> Project:
        """Load the autosaved state (does not save it; the user decides)."""
        data = bundle_files.read_bytes(self.path, AUTOSAVE_FILE, limit=MAX_FILE_BYTES)
        if data is None:
            raise InputError("the autosave is gone", Location(file=str(self.autosave_file)))
        self.project = parse_project(_text(data, self.autosave_file), str(self.autosave_file))
        return self.project

    def discard_recovery(self) -> None:
        bundle_files.check_not_link(self.path, AUTOSAVE_FILE)
        self.autosave_file.unlink(missing_ok=True)

    # --- loading ------------------------------------------------------------------------
    @classmethod
    def load(cls, path: Path) -> Bundle:
        """Read a bundle; refuse links out of it and paths that leave it; tidy stale temps.

        An unreadable project.json raises UnreadableProject naming the readable autosave
        and backup (which are left as they are).
        """
        folder = bundle_path(path)
        file = folder / PROJECT_FILE
        check_links(folder)
        try:
            data = bundle_files.read_bytes(folder, PROJECT_FILE, limit=MAX_FILE_BYTES)
        except OSError as exc:
            raise InputError(f"cannot read the project: {exc}", Location(file=str(file))) from None
        if data is None:
            raise InputError(
                "no project here (project.json is missing)", Location(file=str(file))
            ) from None
        try:  # damaged or hand-broken: say where a readable copy is
            project = parse_project(_text(data, file), str(file), references=False)
        except InputError as exc:
            raise UnreadableProject(str(exc), Location(), readable_fallbacks(folder)) from None
        check_references(project, str(file))  # refused paths are refused, no copy offered
        bundle = cls(folder, project)
        check_files_inside(bundle)
        bundle_files.clean_stale_temps(folder, (PROJECT_FILE, BACKUP_FILE, AUTOSAVE_FILE))
        for sub in ("takes", "media"):
            bundle_files.clean_stale_temps(folder / sub)
        take_files.settle(folder, project)  # deleted takes' files: back if used again, else removed
        return bundle

    @classmethod
    def load_copy(cls, path: Path, copy: Path) -> Bundle:
        """The bundle at path with its project read from `copy` (its autosave or backup).

        Nothing is written: the caller decides whether to save it over the damaged file.
        """
        folder = bundle_path(path)
        check_links(folder)
        name = Path(copy).name
        if name not in (AUTOSAVE_FILE, BACKUP_FILE):
            raise InputError("not a copy of this project", Location(file=str(copy)))
        data = bundle_files.read_bytes(folder, name, limit=MAX_FILE_BYTES)
        if data is None:
            raise InputError("no such file", Location(file=str(folder / name)))
        bundle = cls(folder, parse_project(_text(data, folder / name), str(folder / name)))
        check_files_inside(bundle)
        return bundle

    @classmethod
    def create(cls, path: Path, project: Project) -> Bundle:
        folder = Path(path)
        if folder.suffix != BUNDLE_SUFFIX and not folder.exists():
            folder = folder.with_name(folder.name + BUNDLE_SUFFIX)
        bundle = cls(folder, project)
        bundle.save()
        return bundle


def check_links(folder: Path) -> None:
    """None of the names the product writes in a bundle may be a link."""
    for name in WRITTEN_NAMES:
        bundle_files.check_not_link(folder, name)


def check_files_inside(bundle: Bundle) -> None:
    """Every file the project refers to must resolve inside the bundle (links included)."""
    file = str(bundle.project_file)
    errors = []
    for field, rel in media_paths(bundle.project):
        try:
            bundle_files.check_inside(bundle.path, rel, field, file)
        except InputError as exc:
            errors.append(exc)
    if errors:
        raise InputErrors(errors)


def readable_fallbacks(folder: Path) -> list[Path]:
    """The autosave and backup that parse as a project, newest first."""
    found = []
    for name in (AUTOSAVE_FILE, BACKUP_FILE):
        path = folder / name
        with contextlib.suppress(InputError, OSError):
            data = bundle_files.read_bytes(folder, name, limit=MAX_FILE_BYTES)
            if data is not None:
                parse_project(_text(data, path), str(path))
                found.append((os.lstat(path).st_mtime, name == AUTOSAVE_FILE, path))
    return [p for *_, p in sorted(found, reverse=True)]


def _text(data: bytes, file: Path) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text: {exc.reason}", Location(file=str(file))) from None


def _is_project(data: bytes) -> bool:
    try:
        parse_project(data.decode("utf-8"))
    except (InputError, ValueError, RecursionError):
        return False
    return True


def record_take(path: Path, take) -> None:
    """Keep a take that finished for a project that is not open: add it to that project's
    takes (beside the others, not on the timeline), so no generated work is ever lost."""
    bundle = Bundle.load(path)
    if take.id not in bundle.project.takes:
        bundle.project.takes[take.id] = take
        bundle.save()
