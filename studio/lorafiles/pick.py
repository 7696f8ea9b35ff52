"""A LoRA file picked in the editor: checked when it is picked, then kept the way a script's
LoRA is kept (studio.lorafiles.locate.import_lora).

The same checks as the command line: a `.safetensors` name (pickles refused by name), a plain
file (no symbolic link) outside the user's folder, and a header that reads within limits. A
file of the user's LoRA folder is referenced by its bare name and stays there; any other file
is copied into the bundle's `loras/` (named by its content hash), so the bundle can be sent as
it is. Any problem is an InputError whose message names the file.
"""

from __future__ import annotations

import os
from pathlib import Path

from studio import bundle_files
from studio.errors import InputError, Location
from studio.lorafiles.header import read_header, suffix_problem
from studio.lorafiles.library import user_folder
from studio.lorafiles.locate import BUNDLE_FOLDER, plain_file


def in_user_folder(path: Path, folder: Path | None = None) -> bool:
    """Is the file directly in the user's LoRA folder (so a bare name finds it)?"""
    try:
        root = user_folder(folder)
    except OSError:
        return False
    return os.path.realpath(Path(path).parent) == os.path.realpath(root)


def picked_lora(bundle_root: Path, path: Path, folder: Path | None = None) -> str:
    """What a project keeps of a LoRA file picked in the editor: its bare name (a file of the
    user's LoRA folder) or the bundle-relative path of its copy. InputError names the file."""
    path = Path(path)
    where = Location(file=str(path))
    problem = suffix_problem(path.name)
    if problem:
        raise InputError(problem, where)
    if in_user_folder(path, folder):
        read_header(path, where, follow_links=True)  # the user's folder may hold links
        return path.name
    plain_file(path, where)
    read_header(path, where)
    try:
        return bundle_files.import_file(Path(bundle_root), BUNDLE_FOLDER, path)
    except OSError as exc:
        raise InputError(f"cannot copy the LoRA {path.name}: {exc.strerror}", where) from None
