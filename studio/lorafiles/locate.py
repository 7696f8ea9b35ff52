"""Where a LoRA named in a script or a project is, checked as a file from outside.

In a script, `file = "loras/ink.safetensors"` (anything with a folder in it) is relative to
the script and is copied into the project bundle (`loras/<hash>-ink.safetensors`) when the
script becomes a project; a bare name (`ink`, `ink.safetensors`) is a file next to the script
if there is one, else a file of the user's LoRA folder, which stays there (the take records
its sha256). In a project, a path with a folder is inside the bundle and a bare name is in the
user's LoRA folder. Every file must be a plain `.safetensors` file (no symbolic link, no
pickle) with a valid header.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from studio import bundle_files
from studio.errors import InputError, Location
from studio.lorafiles.header import SUFFIX, read_header, suffix_problem
from studio.lorafiles.library import find_user_lora, is_bare_name

BUNDLE_FOLDER = "loras"


def _with_suffix(name: str) -> str:
    return name if Path(name).suffix else name + SUFFIX


def script_lora(base_dir: Path, file: str, where: Location, folder: Path | None = None):
    """(path, from_script): the checked file a script's `file` names."""
    if is_bare_name(file):
        beside = Path(base_dir) / _with_suffix(file)
        if not os.path.lexists(beside):
            path = find_user_lora(file, where, folder)
            read_header(path, where, follow_links=True)
            return path, False
        path = beside
    else:
        path = Path(file).expanduser()
        path = path if path.is_absolute() else Path(base_dir) / path
    problem = suffix_problem(path.name)
    if problem:
        raise InputError(problem, where)
    plain_file(path, where)
    read_header(path, where)
    return path, True


def project_lora(root: Path, file: str, where: Location, folder: Path | None = None) -> Path:
    """The checked file a project's LoRA reference names (inside the bundle, or by name)."""
    if is_bare_name(file):
        path = find_user_lora(file, where, folder)
        read_header(path, where, follow_links=True)
        return path
    path = bundle_files.check_inside(root, file, where.field, where.file)
    problem = suffix_problem(path.name)
    if problem:
        raise InputError(problem, where)
    bundle_files.check_not_link(root, file)
    plain_file(path, where)
    read_header(path, where)
    return path


def plain_file(path: Path, where: Location) -> None:
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        raise InputError(f"LoRA file not found: {path}", where) from None
    except OSError as exc:
        raise InputError(f"cannot use the LoRA {path}: {exc.strerror}", where) from None
    if stat.S_ISLNK(mode):
        raise InputError(f"the LoRA {path} is a symbolic link; links are not followed", where)
    if not stat.S_ISREG(mode):
        raise InputError(f"the LoRA {path} is not a plain file", where)


def import_lora(bundle_root: Path, base_dir: Path, file: str, folder: Path | None = None) -> str:
    """What a project keeps of a script's LoRA: a copy in the bundle (a script-relative file,
    named by its content hash) or the bare name (a file of the user's LoRA folder)."""
    path, from_script = script_lora(base_dir, file, Location(field="file"), folder)
    if from_script:
        return bundle_files.import_file(bundle_root, BUNDLE_FOLDER, path)
    return path.name
