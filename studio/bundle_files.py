"""Every file the product writes inside a project bundle goes through here.

A bundle is a folder someone may have sent us, so any name in it can be a symbolic link to a
file of the user's (`project.json.bak -> ~/.bashrc`, `takes -> ~/Documents`). Writers here walk
from the bundle root one folder at a time with `O_NOFOLLOW` (and `dir_fd`), so no link is
followed on the way, refuse a link where a file is to go, and write atomically (temp file,
fsync, rename): a rename replaces the directory entry itself, so even a hard link at the
destination cannot carry the bytes to another file. The real path is checked against the
root before and after, as a second guard. POSIX only (the product ships for Linux).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import secrets
import shutil
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath

from studio.errors import InputError, Location

CHUNK = 1 << 20
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
_NEW_FILE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
_READ_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
# the temp names our own writer makes: ".NAME.<16 hex>.tmp"
_TEMP = re.compile(r"^\..+\.[0-9a-f]{16}\.tmp$")


def link_error(path: Path, what: str = "") -> InputError:
    return InputError(
        f"{what or 'this'} is a symbolic link; a project bundle may not hold links "
        "(they could point at files outside it)",
        Location(file=str(path)),
    )


def relative_parts(rel: str | PurePosixPath, field: str | None = None, file: str | None = None):
    """The parts of a bundle-relative path, refusing absolute paths, `..` and NUL bytes."""
    text = str(rel)
    where = Location(file=file, field=field)
    if "\0" in text:
        raise InputError("a path may not contain NUL bytes", where)
    p = PurePosixPath(text.replace("\\", "/"))
    if p.is_absolute() or (len(text) > 1 and text[1] == ":"):
        raise InputError(
            f"absolute path '{text}' is not allowed: paths in a project are relative to the bundle",
            where,
        )
    parts = [part for part in p.parts if part not in ("", ".")]
    if ".." in parts:
        raise InputError(f"path '{text}' escapes the project bundle", where)
    if not parts:
        raise InputError("empty path", where)
    return parts


def _root(root: Path) -> Path:
    return Path(os.path.realpath(root))


def _inside(root: Path, path: Path) -> None:
    """Second guard: the real path must lie inside the real root."""
    real = Path(os.path.realpath(path))
    if real != root and not real.is_relative_to(root):
        raise InputError("this path leads outside the project bundle", Location(file=str(path)))


@contextlib.contextmanager
def _open_dir(root: Path, parts: list[str], create: bool, shown: Path) -> Iterator[int]:
    """An fd of root/parts..., reached without following any link (created if asked).

    `shown` is the root as the user named it, for messages."""
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    here = Path(shown)
    try:
        for part in parts:
            here = here / part
            if create:
                with contextlib.suppress(FileExistsError):
                    os.mkdir(part, 0o777, dir_fd=fd)
            try:
                child = os.open(part, _DIR_FLAGS, dir_fd=fd)
            except OSError as exc:
                if exc.errno in (errno.ELOOP, errno.ENOTDIR) and _is_link(fd, part):
                    raise link_error(here) from None
                if exc.errno == errno.ENOTDIR:
                    raise InputError("expected a folder here", Location(file=str(here))) from None
                raise
            os.close(fd)
            fd = child
        yield fd
    finally:
        os.close(fd)


def _is_link(dir_fd: int, name: str) -> bool:
    try:
        return stat.S_ISLNK(os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode)
    except OSError:
        return False


def _refuse_non_file(dir_fd: int, name: str, path: Path) -> bool:
    """True when a regular file is there, False when nothing is; raises for anything else."""
    try:
        mode = os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode
    except FileNotFoundError:
        return False
    if stat.S_ISLNK(mode):
        raise link_error(path)
    if not stat.S_ISREG(mode):
        raise InputError("expected a plain file here", Location(file=str(path)))
    return True


def make_dirs(root: Path, rel: str) -> Path:
    """Create root/rel (and its parents inside the bundle), never through a link."""
    Path(root).mkdir(parents=True, exist_ok=True)
    real = _root(root)
    parts = relative_parts(rel)
    with _open_dir(real, parts, create=True, shown=Path(root)):
        pass
    out = Path(root).joinpath(*parts)
    _inside(real, out)
    return out


def write_chunks(root: Path, rel: str, chunks: Iterable[bytes]) -> Path:
    """Atomically write root/rel from chunks: temp file, fsync, rename; no link followed."""
    Path(root).mkdir(parents=True, exist_ok=True)
    real = _root(root)
    *folders, name = relative_parts(rel)
    target = Path(root).joinpath(*folders, name)
    if folders:
        _inside(real, target.parent)
    with _open_dir(real, folders, create=True, shown=Path(root)) as dfd:
        _refuse_non_file(dfd, name, target)
        tmp = f".{name}.{secrets.token_hex(8)}.tmp"
        fd = os.open(tmp, _NEW_FILE_FLAGS, 0o666, dir_fd=dfd)
        try:
            with os.fdopen(fd, "wb") as f:
                for chunk in chunks:
                    f.write(chunk)
                f.flush()
                os.fsync(f.fileno())
            _refuse_non_file(dfd, name, target)  # nothing swapped in meanwhile
            os.replace(tmp, name, src_dir_fd=dfd, dst_dir_fd=dfd)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp, dir_fd=dfd)
            raise
        with contextlib.suppress(OSError):
            os.fsync(dfd)
    _inside(real, target)
    return target


def write_bytes(root: Path, rel: str, data: bytes) -> Path:
    return write_chunks(root, rel, [data])


def write_text(root: Path, rel: str, text: str) -> Path:
    return write_chunks(root, rel, [text.encode("utf-8")])


def read_bytes(root: Path, rel: str, limit: int | None = None) -> bytes | None:
    """The bytes of root/rel, None when absent; a link there is refused, not followed.

    With `limit`, a larger file is refused before it is read."""
    real = _root(root)
    *folders, name = relative_parts(rel)
    target = Path(root).joinpath(*folders, name)
    try:
        with _open_dir(real, folders, create=False, shown=Path(root)) as dfd:
            try:
                fd = os.open(name, _READ_FLAGS, dir_fd=dfd)
            except FileNotFoundError:
                return None
            except OSError as exc:
                if exc.errno == errno.ELOOP:
                    raise link_error(target) from None
                raise
            with os.fdopen(fd, "rb") as f:
                st = os.fstat(f.fileno())
                if not stat.S_ISREG(st.st_mode):
                    raise InputError("expected a plain file here", Location(file=str(target)))
                if limit is not None and st.st_size > limit:
                    raise InputError(
                        f"file too large ({st.st_size} bytes; at most {limit})",
                        Location(file=str(target)),
                    )
                return f.read()
    except FileNotFoundError:
        return None


def _file_chunks(source: Path) -> Iterator[bytes]:
    with open(source, "rb") as f:
        while chunk := f.read(CHUNK):
            yield chunk


def file_hash(source: Path) -> str:
    h = hashlib.sha256()
    for chunk in _file_chunks(source):
        h.update(chunk)
    return h.hexdigest()


def safe_name(name: str, limit: int = 60) -> str:
    """A file name any file system takes: letters, digits, '-', '_' and one suffix."""
    p = PurePosixPath(name.replace("\\", "/").split("/")[-1])
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", p.stem).strip("-")[:limit] or "file"
    suffix = re.sub(r"[^A-Za-z0-9]+", "", p.suffix)[:12]  # ".safetensors" whole
    return f"{stem}.{suffix.lower()}" if suffix else stem


def import_file(root: Path, folder: str, source: Path) -> str:
    """Copy source into root/folder named by its content hash; the same bytes are kept once
    (whatever the name they come under). Returns the bundle-relative path, e.g.
    media/3f2a9c0e1b7d4a55-forest.png, so the bundle can be zipped and sent as it is."""
    source = Path(source)
    if not source.is_file():
        raise InputError("no such file to import", Location(file=str(source)))
    digest = file_hash(source)
    size = source.stat().st_size
    check_not_link(root, folder)
    for existing in sorted(Path(root, folder).glob(f"{digest[:16]}-*")):
        with contextlib.suppress(OSError):
            st = os.lstat(existing)
            if stat.S_ISREG(st.st_mode) and st.st_size == size and file_hash(existing) == digest:
                return f"{folder}/{existing.name}"
    rel = f"{folder}/{digest[:16]}-{safe_name(source.name)}"
    write_chunks(root, rel, _file_chunks(source))
    return rel


def move_in(root: Path, source: Path, rel: str) -> Path:
    """Move a finished file (e.g. a take from the staging folder) to root/rel, no link followed."""
    Path(root).mkdir(parents=True, exist_ok=True)
    real = _root(root)
    *folders, name = relative_parts(rel)
    target = Path(root).joinpath(*folders, name)
    source = Path(source)
    if not stat.S_ISREG(os.lstat(source).st_mode):
        raise InputError("expected a plain file here", Location(file=str(source)))
    with _open_dir(real, folders, create=True, shown=Path(root)) as dfd:
        if _refuse_non_file(dfd, name, target):
            raise InputError("a file is already there", Location(file=str(target)))
        try:
            os.rename(source, name, dst_dir_fd=dfd)
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise
            write_chunks(root, rel, _file_chunks(source))
            source.unlink()
        with contextlib.suppress(OSError):
            os.fsync(dfd)
    _inside(real, target)
    return target


def check_not_link(root: Path, rel: str) -> None:
    """Refuse root/rel (or any folder on the way) being a symbolic link; absent is fine."""
    here = Path(root)
    for part in relative_parts(rel):
        here = here / part
        try:
            mode = os.lstat(here).st_mode
        except FileNotFoundError:
            return
        if stat.S_ISLNK(mode):
            raise link_error(here)


def remove_tree(root: Path, rel: str) -> None:
    """Delete root/rel (a staging folder) unless a link is on the way; errors are ignored."""
    try:
        check_not_link(root, rel)
    except InputError:
        return
    shutil.rmtree(Path(root) / rel, ignore_errors=True)


def check_inside(root: Path, rel: str, field: str | None = None, file: str | None = None) -> Path:
    """root/rel must not leave the bundle, through `..`, an absolute path or a link."""
    parts = relative_parts(rel, field, file)
    path = Path(root).joinpath(*parts)
    real = Path(os.path.realpath(path))
    root_real = _root(root)
    if not real.is_relative_to(root_real):
        raise InputError(
            f"'{rel}' is a link leading outside the project bundle",
            Location(file=file or str(path), field=field),
        )
    return path


def clean_stale_temps(root: Path, names: Iterable[str] | None = None) -> list[str]:
    """Remove temp files our writer left (beside `names`, or any) when a process was killed
    mid-write. Only plain files matching our own pattern (".NAME.<16 hex>.tmp") are touched.
    """
    removed = []
    prefixes = tuple(f".{n}." for n in names) if names is not None else (".",)
    try:
        entries = os.listdir(root)
    except OSError:
        return removed
    for entry in entries:
        if entry.startswith(prefixes) and _TEMP.match(entry):
            path = Path(root) / entry
            with contextlib.suppress(OSError):
                if stat.S_ISREG(os.lstat(path).st_mode):
                    path.unlink()
                    removed.append(entry)
    return removed


def remove_file(root: Path, rel: str) -> bool:
    """Delete the plain file root/rel, reached without following any link; a link or anything
    but a plain file there is refused. Returns False when nothing was there."""
    real = _root(root)
    *folders, name = relative_parts(rel)
    target = Path(root).joinpath(*folders, name)
    try:
        with _open_dir(real, folders, create=False, shown=Path(root)) as dfd:
            if not _refuse_non_file(dfd, name, target):
                return False
            os.unlink(name, dir_fd=dfd)
            with contextlib.suppress(OSError):
                os.fsync(dfd)
            return True
    except FileNotFoundError:
        return False
