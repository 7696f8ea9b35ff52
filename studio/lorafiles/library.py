"""The user's LoRA folder (`<user data>/loras`): LoRAs named by file name, and camera LoRAs.

A script or preset names a LoRA of this folder by its bare file name (`ink` or
`ink.safetensors`; no folders). Camera LoRAs follow a naming convention: a file whose name is
`camera-<move>.safetensors` or `camera-<move>-<anything>.safetensors` (`camera-dolly-in.safetensors`,
`camera-orbit-wan.safetensors`) is used, at weight 1, for every shot with that camera move that
is generated with a model of the LoRA's family (read from its header, see family.py); of
several such files for one move and family the first by name wins. A camera LoRA whose family
is unknown is never picked. The folder is the user's own, so links in it are followed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from studio.errors import InputError, Location
from studio.lorafiles.family import FamilyGuess, lora_family
from studio.lorafiles.header import PICKLE_SUFFIXES, SUFFIX, read_header, suffix_problem
from studio.model import Camera

MAX_LISTED = 2000
CAMERA_PREFIX = "camera-"


def user_folder(folder: Path | None = None) -> Path:
    if folder is not None:
        return Path(folder)
    from studio.paths import user_loras_dir

    return user_loras_dir()


def is_bare_name(file: str) -> bool:
    """A name of the user's LoRA folder (no folders, not absolute, no `~`)."""
    return bool(file) and not any(c in file for c in "/\\") and not file.startswith(("~", "."))


def lora_file_name(name: str) -> str:
    """The file name a bare name means (`ink` → `ink.safetensors`; a suffix is kept)."""
    return name if Path(name).suffix.lower() in (SUFFIX, *PICKLE_SUFFIXES) else name + SUFFIX


def user_lora_path(name: str, folder: Path | None = None) -> Path:
    """The file a bare name means in the user's folder (`ink` → `<folder>/ink.safetensors`)."""
    return user_folder(folder) / lora_file_name(name)


@dataclass(frozen=True)
class InstalledLora:
    """One file of the user's LoRA folder, as `loras list` shows it."""

    path: Path
    family: FamilyGuess
    size: int
    camera: str | None = None  # the camera move it is for, by its name
    problem: str | None = None  # why it can not be used

    @property
    def name(self) -> str:
        return self.path.name


def camera_move_of(name: str) -> str | None:
    """The camera move a file name declares (`camera-dolly-in-wan.safetensors` → dolly-in)."""
    stem = Path(name).stem.lower()
    if not stem.startswith(CAMERA_PREFIX):
        return None
    rest = stem[len(CAMERA_PREFIX) :]
    for move in sorted((c.value for c in Camera), key=len, reverse=True):
        if rest == move or rest.startswith(move + "-"):
            return move
    return None


def installed(folder: Path | None = None) -> list[InstalledLora]:
    """Every LoRA-looking file in the folder, checked: .safetensors ones with their family,
    pickle ones listed as refused."""
    root = user_folder(folder)
    out = []
    files = sorted(p for p in root.iterdir() if p.suffix.lower() in (SUFFIX, *PICKLE_SUFFIXES))
    for path in files[:MAX_LISTED]:
        move = camera_move_of(path.name)
        problem = suffix_problem(path.name)
        if problem:
            out.append(InstalledLora(path, FamilyGuess(None), _size(path), move, problem))
            continue
        try:
            header = read_header(path, follow_links=True)
        except InputError as exc:
            out.append(InstalledLora(path, FamilyGuess(None), _size(path), move, exc.message))
            continue
        out.append(InstalledLora(path, lora_family(header), header.size, move))
    return out


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def camera_lora(move: str | Camera, family: str, folder: Path | None = None) -> Path | None:
    """The camera LoRA for `move` made for `family` in the user's folder, if there is one."""
    move = Camera(move).value
    root = user_folder(folder)
    for path in sorted(root.glob(f"{CAMERA_PREFIX}*{SUFFIX}")):
        if camera_move_of(path.name) != move:
            continue
        try:
            guess = lora_family(read_header(path, follow_links=True))
        except InputError:
            continue
        if guess.name == family:
            return path
    return None


def find_user_lora(name: str, where: Location, folder: Path | None = None) -> Path:
    """The user-folder file a bare name means; an InputError at `where` when it is not there."""
    problem = suffix_problem(lora_file_name(name))
    if problem:
        raise InputError(problem, where)
    path = user_lora_path(name, folder)
    if not path.is_file():
        raise InputError(f"no LoRA '{path.name}' in your LoRA folder ({path.parent})", where)
    return path
