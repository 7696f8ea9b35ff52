"""Issue 10: a bundle someone sends can never write outside itself, reach outside itself, or
lose work when its project.json is damaged.

The `craft_*` functions build one hostile bundle each (under `root`, with an `outside` folder
beside it standing for the user's own files); the hostile-bundle suite reuses them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from studio.bundle import AUTOSAVE_FILE, BACKUP_FILE, PROJECT_FILE, Bundle
from studio.cli.main import main
from studio.errors import InputError
from studio.media.video import write_video
from studio.model import Clip, OutputFormat, Project, Shot, Take, Track, TrackKind

# --- crafted bundles (reusable) ---------------------------------------------------------------


def outside_folder(root: Path) -> Path:
    """Stands for the user's own files: a dotfile, a private video, a folder of documents."""
    out = root / "outside"
    (out / "docs").mkdir(parents=True, exist_ok=True)
    (out / "bashrc").write_text("export PATH=$PATH  # the user's own file\n")
    (out / "private.png").write_bytes(_png_bytes((9, 9, 9)))
    return out


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under folder with its bytes and mtime: compare before and after."""
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def good_bundle(root: Path, name: str = "film") -> Path:
    """A valid bundle: one shot with a real take, one audio clip of imported media."""
    project = Project(title="Safe", format=OutputFormat.VERTICAL, fps=24)
    shot = Shot(prompt="a quiet harbour at dawn", duration=0.5, seed=1)
    project.shots.append(shot)
    bundle = Bundle.create(root / f"{name}.sbproj", project)
    take = Take(shot_id=shot.id, path="", engine="test", width=72, height=128, fps=24, frames=6)
    take.path = f"takes/{take.id}.mp4"
    write_video(bundle.path / take.path, [np.full((128, 72, 3), 90, np.uint8)] * 6, 24)
    project.takes[take.id] = take
    shot.current_take = take.id
    project.tracks.append(
        Track(clips=[Clip(take_id=take.id, shot_id=shot.id, start=0, duration=6)])
    )
    (bundle.path / "media" / "ref.png").write_bytes(_png_bytes((200, 10, 10)))
    shot.image = "media/ref.png"
    bundle.save()
    return bundle.path


def craft_linked_file(root: Path, name: str = BACKUP_FILE) -> tuple[Path, Path]:
    """`project.json.bak -> ~/.bashrc`: a save that copies through it overwrites the dotfile."""
    outside = outside_folder(root)
    path = good_bundle(root)
    (path / name).unlink(missing_ok=True)
    (path / name).symlink_to(outside / "bashrc")
    return path, outside


def craft_linked_dir(root: Path, name: str = "takes") -> tuple[Path, Path]:
    """`takes/` (or `.partial/`, `media/`) a link to a folder of the user's."""
    outside = outside_folder(root)
    path = good_bundle(root)
    if (path / name).is_dir():
        for f in (path / name).iterdir():  # the project's own files move outside with it
            shutil.move(str(f), outside / "docs" / f.name)
        (path / name).rmdir()
    (path / name).symlink_to(outside / "docs", target_is_directory=True)
    if name == "takes":  # no take left: render must generate (and would write outside)
        data = json.loads((path / PROJECT_FILE).read_text())
        data["takes"], data["tracks"] = {}, []
        data["shots"][0]["current_take"] = None
        (path / PROJECT_FILE).write_text(json.dumps(data))
    return path, outside


def craft_path(root: Path, field: str, value: str) -> tuple[Path, Path]:
    """A path field of project.json set to value: `shots[0].image`, `audio.media` (a clip on
    an audio track) or `take.path`."""
    outside = outside_folder(root)
    path = good_bundle(root)
    data = json.loads((path / PROJECT_FILE).read_text())
    if field == "shots[0].image":
        data["shots"][0]["image"] = value
    elif field == "take.path":
        next(iter(data["takes"].values()))["path"] = value
    elif field == "audio.media":
        clip = Clip(media=value, start=0, duration=6).model_dump(mode="json")
        data["tracks"].append(
            Track(kind=TrackKind.AUDIO, name="A1").model_dump(mode="json") | {"clips": [clip]}
        )
    (path / PROJECT_FILE).write_text(json.dumps(data))
    return path, outside


def craft_linked_media_file(root: Path) -> tuple[Path, Path]:
    """`media/ref.png -> ~/private.png`, referenced by shots[0].image: a relative path that
    leaves the bundle through a link."""
    outside = outside_folder(root)
    path = good_bundle(root)
    (path / "media" / "ref.png").unlink()
    (path / "media" / "ref.png").symlink_to(outside / "private.png")
    return path, outside


def _png_bytes(rgb: tuple[int, int, int]) -> bytes:
    import io

    buf = io.BytesIO()
    Image.new("RGB", (16, 16), rgb).save(buf, format="PNG")
    return buf.getvalue()


def cli(*args: str) -> int:
    return main([*args])


# --- never follow a link out of the bundle -----------------------------------------------------


@pytest.mark.parametrize("name", [BACKUP_FILE, AUTOSAVE_FILE, PROJECT_FILE])
def test_linked_file_refused_and_never_written_through(tmp_path, capsys, name):
    if name == PROJECT_FILE:
        outside = outside_folder(tmp_path)
        path = good_bundle(tmp_path)
        shutil.copy(path / PROJECT_FILE, outside / "bashrc")  # a link to a valid project
        (path / PROJECT_FILE).unlink()
        (path / PROJECT_FILE).symlink_to(outside / "bashrc")
    else:
        path, outside = craft_linked_file(tmp_path, name)
    before = snapshot(outside)
    assert cli("validate", str(path)) == 2
    assert f"{name}" in capsys.readouterr().err
    assert cli("render", str(path), "-o", str(tmp_path / "out.mp4")) == 2
    assert f"{name}" in capsys.readouterr().err
    assert snapshot(outside) == before
    assert not (tmp_path / "out.mp4").exists()


def test_save_refuses_a_backup_link_made_after_opening(tmp_path):
    """The editor's Save: the link appears while the project is open."""
    from studio import bundle_files

    outside = outside_folder(tmp_path)
    bundle = Bundle.load(good_bundle(tmp_path))
    (bundle.path / BACKUP_FILE).unlink()
    (bundle.path / BACKUP_FILE).symlink_to(outside / "bashrc")
    before = snapshot(outside)
    bundle.project.title = "$(touch pwned)"
    with pytest.raises(InputError, match="project.json.bak"):
        bundle.save()
    with pytest.raises(InputError, match="project.json.bak"):
        bundle_files.write_text(bundle.path, BACKUP_FILE, "x")
    assert snapshot(outside) == before
    assert (bundle.path / BACKUP_FILE).is_symlink()


@pytest.mark.parametrize("name", ["takes", ".partial", "media"])
def test_linked_folder_refused_before_anything_is_written(tmp_path, capsys, name):
    path, outside = craft_linked_dir(tmp_path, name)
    before, listing = snapshot(outside), sorted(os.listdir(outside / "docs"))
    assert cli("render", str(path), "-o", str(tmp_path / "out.mp4")) == 2
    err = capsys.readouterr().err
    assert str(path / name) in err and "link" in err
    assert cli("validate", str(path)) == 2
    assert snapshot(outside) == before and sorted(os.listdir(outside / "docs")) == listing


def test_script_render_refuses_a_kept_project_with_linked_staging(tmp_path, capsys):
    """`render board.toml --project X` where X already has `.partial -> outside`."""
    outside = outside_folder(tmp_path)
    keep = tmp_path / "kept.sbproj"
    keep.mkdir()
    (keep / ".partial").symlink_to(outside / "docs", target_is_directory=True)
    board = tmp_path / "board.toml"
    board.write_text('title = "t"\nfps = 24\n[[shot]]\nprompt = "a boat"\nduration = 0.5\n')
    before = snapshot(outside)
    code = cli("render", str(board), "-o", str(tmp_path / "o.mp4"), "--project", str(keep))
    assert code == 2
    assert ".partial" in capsys.readouterr().err
    assert snapshot(outside) == before and not list((outside / "docs").iterdir())


def test_writers_walk_no_link(tmp_path):
    """The helper itself: mkdir, write and move through a linked folder are all refused."""
    from studio import bundle_files

    outside = outside_folder(tmp_path)
    root = tmp_path / "b.sbproj"
    root.mkdir()
    (root / "takes").symlink_to(outside / "docs", target_is_directory=True)
    staged = root / "staged.mp4"
    staged.write_bytes(b"take")
    with pytest.raises(InputError, match="link"):
        bundle_files.make_dirs(root, "takes/sub")
    with pytest.raises(InputError, match="link"):
        bundle_files.write_bytes(root, "takes/t.mp4", b"x")
    with pytest.raises(InputError, match="link"):
        bundle_files.move_in(root, staged, "takes/t.mp4")
    for bad in ("/etc/passwd", "../x", "a/../../x", "a\0b"):
        with pytest.raises(InputError):
            bundle_files.write_bytes(root, bad, b"x")
    assert not list((outside / "docs").iterdir()) and staged.exists()


def test_engine_job_with_linked_staging_fails_and_writes_nothing_outside(tmp_path):
    """The worker's own guard: a link in its staging folder fails the job (takes are staged
    outside every bundle now, but the staging folder is no more trusted than a bundle)."""
    from studio.engine.animatic import AnimaticBackend
    from studio.engine.events import JobFailed
    from studio.engine.request import GenerationRequest
    from studio.engine.worker import Engine

    outside = outside_folder(tmp_path)
    path = good_bundle(tmp_path)
    (path / ".partial").symlink_to(outside / "docs", target_is_directory=True)
    engine = Engine(autostart=False, staging_dir=path)
    engine.register("animatic", AnimaticBackend())
    request = GenerationRequest(prompt="a boat", duration=0.25, fps=24)
    job = engine.submit(request, "animatic")
    engine.start()
    try:
        event = engine.wait(job)
    finally:
        engine.shutdown()
    assert isinstance(event, JobFailed) and ".partial" in event.reason
    assert not list((outside / "docs").iterdir())


# --- a bundle is self-contained ----------------------------------------------------------------

PATH_CASES = [
    ("shots[0].image", "{outside}/private.png", r"shots\[0\]\.image"),
    ("shots[0].image", "../outside/private.png", r"shots\[0\]\.image"),
    ("shots[0].image", "media/../../outside/private.png", r"shots\[0\]\.image"),
    ("shots[0].image", "C:/Users/me/private.png", r"shots\[0\]\.image"),
    ("audio.media", "{outside}/private.png", r"tracks\[1\]\.clips\[0\]\.media"),
    ("audio.media", "..\\outside\\private.png", r"tracks\[1\]\.clips\[0\]\.media"),
    ("take.path", "{outside}/private.png", r"takes\.[0-9a-f]+\.path"),
]


@pytest.mark.parametrize("field,value,named", PATH_CASES)
def test_absolute_and_escaping_paths_refused(tmp_path, capsys, field, value, named):
    path, outside = craft_path(tmp_path, field, value.format(outside=tmp_path / "outside"))
    assert cli("validate", str(path)) == 2
    err = capsys.readouterr().err
    assert re.search(named, err) and "readable copy" not in err  # refused, not "damaged"
    out = tmp_path / "out.mp4"
    assert cli("render", str(path), "-o", str(out)) == 2
    assert re.search(named, capsys.readouterr().err)
    assert not out.exists()


def test_relative_path_leaving_through_a_link_refused(tmp_path, capsys):
    path, _ = craft_linked_media_file(tmp_path)
    assert cli("validate", str(path)) == 2
    err = capsys.readouterr().err
    assert "shots[0].image" in err and "outside the project bundle" in err


def test_imported_media_is_copied_in_and_deduplicated_by_content(tmp_path):
    bundle = Bundle.load(good_bundle(tmp_path))
    src = tmp_path / "My Photo (1).PNG"
    src.write_bytes(_png_bytes((1, 2, 3)))
    rel = bundle.import_media(src)
    assert rel.startswith("media/") and rel.endswith("-My-Photo-1.png")
    again = tmp_path / "copy.png"
    again.write_bytes(src.read_bytes())
    assert bundle.import_media(again) == rel  # same bytes: one file
    other = tmp_path / "other.png"
    other.write_bytes(_png_bytes((4, 5, 6)))
    assert bundle.import_media(other) != rel
    assert (bundle.path / rel).read_bytes() == src.read_bytes()


def test_script_project_holds_copies_and_travels(tmp_path, capsys):
    """`render board.toml --project X`: the reference image is copied into X/media, so X can
    be moved (zipped, sent) and still validates and resolves."""
    (tmp_path / "refs").mkdir()
    (tmp_path / "refs" / "ref.png").write_bytes(_png_bytes((10, 200, 10)))
    board = tmp_path / "board.toml"
    board.write_text(
        'title = "t"\nfps = 24\n[[shot]]\nprompt = "a boat"\nduration = 0.5\n'
        'image = "refs/ref.png"\n'
    )
    keep = tmp_path / "kept.sbproj"
    assert cli("render", str(board), "-o", str(tmp_path / "o.mp4"), "--project", str(keep)) == 0
    moved = tmp_path / "elsewhere" / "kept.sbproj"
    moved.parent.mkdir()
    keep.rename(moved)
    shutil.rmtree(tmp_path / "refs")
    bundle = Bundle.load(moved)
    image = bundle.project.shots[0].image
    assert image.startswith("media/") and bundle.resolve(image).is_file()
    assert cli("validate", str(moved)) == 0


# --- opening never loses work ------------------------------------------------------------------

DAMAGE = {
    "empty": b"",
    "truncated": b'{"schema_version": 1, "title": "ha',
    "not utf-8": b"\xff\xfe{}",
    "not a project": b'{"schema_version": 1, "shots": 7}',
}


def craft_damaged(root: Path, damage: bytes) -> Path:
    """A bundle whose project.json is damaged, with a backup and a newer autosave."""
    path = good_bundle(root)
    bundle = Bundle.load(path)
    bundle.project.title = "saved twice"
    bundle.save()  # .bak holds "Safe"
    bundle.project.title = "autosaved"
    bundle.autosave()
    (path / PROJECT_FILE).write_bytes(damage)
    os.utime(path / BACKUP_FILE, (1_000_000, 1_000_000))  # autosave is the newest
    return path


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_damaged_project_names_the_newest_readable_copy(tmp_path, capsys, damage):
    from studio.bundle import UnreadableProject

    path = craft_damaged(tmp_path, damage)
    before = snapshot(path)
    assert cli("validate", str(path)) == 2
    err = capsys.readouterr().err
    assert AUTOSAVE_FILE in err and BACKUP_FILE in err
    assert err.index(AUTOSAVE_FILE) < err.index(BACKUP_FILE)  # newest first
    assert cli("render", str(path), "-o", str(tmp_path / "o.mp4")) == 2
    assert snapshot(path) == before  # nothing overwritten while opening
    with pytest.raises(UnreadableProject) as info:
        Bundle.load(path)
    assert [p.name for p in info.value.fallbacks] == [AUTOSAVE_FILE, BACKUP_FILE]
    assert Bundle.load_copy(path, info.value.fallbacks[0]).project.title == "autosaved"
    assert snapshot(path) == before


def test_damaged_project_saved_from_a_copy_keeps_the_backup(tmp_path):
    path = craft_damaged(tmp_path, b"")
    backup = (path / BACKUP_FILE).read_bytes()
    bundle = Bundle.load_copy(path, path / BACKUP_FILE)
    bundle.save()  # the damaged project.json is replaced; it never becomes the backup
    assert (path / BACKUP_FILE).read_bytes() == backup
    assert Bundle.load(path).project.title == "Safe"


def test_stale_temps_of_our_writer_are_cleaned_on_open(tmp_path):
    path = good_bundle(tmp_path)
    ours = path / ".project.json.0123456789abcdef.tmp"
    ours.write_text("{")
    in_media = path / "media" / ".ref.png.fedcba9876543210.tmp"  # a killed import
    in_media.write_bytes(b"half")
    theirs = path / ".project.json.mine.tmp"  # not our pattern: left alone
    theirs.write_text("keep")
    Bundle.load(path)
    assert not ours.exists() and not in_media.exists() and theirs.exists()
