"""Hostile project bundles through `validate` and `render` (issue 10).

Each bundle in BUILDERS is crafted the way a file someone sends you could be: huge or odd
numbers, deep nesting, bad UTF-8 and BOMs, oversized or truncated project.json, wrong types,
duplicate and missing keys, takes that are not videos, truncated or empty media. Every one runs
through the real CLI in a child process (validate, then render with the animatic engine) with a
time limit and a 3 GB address-space limit, and must end in exit 0, 2 or 3: never 4, never a
traceback. `validate` and `render` must agree (whatever validate accepts, render accepts).

Each case lives in its own folder with its own HOME / STUDIO_HOME / TMPDIR; a listing and hash
of everything outside the case's bundle and output (its home and temp dirs, every other case,
a decoy folder) is taken before and after all runs, so a write anywhere else fails the case.

Links and escapes point into the shared decoy folder (the user's own files): a symlinked
`.bak`, autosave, `project.json`, `takes/`, `media/` or `.partial/`, a hard-linked backup,
absolute paths and `..` escapes in every path field, a media file that is a link out. The
decoy is in the watched snapshot, so reading is allowed but any write there fails the case.

To add cases: append (name, builder) to BUILDERS; builder(folder) writes a bundle at `folder`.
Optionally give the allowed exit codes in EXPECTED. (tests/studio/test_bundle_safety.py checks
the same kinds of bundle through the Python API and the editor.)
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.studio.hostile_kit import (
    TAKE_PATH,
    base_project,
    clip,
    png_bytes,
    take,
    take_bytes,
    wav_bytes,
    write_bundle,
)

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_S = 180  # per case, validate + render together; a 0.2 s animatic renders in seconds
MEMORY_LIMIT = 3 * 2**30
OK, BAD, REFUSED = 0, 2, 3
USER_DATA = "home/studio/"  # STUDIO_HOME of a case: the one place outside the bundle it may write

Builder = Callable[[Path], None]


# --- builders ---------------------------------------------------------------------------------


def project_with(mutate: Callable[[dict], object]) -> Builder:
    """The base bundle with its project changed by `mutate`."""

    def build(folder: Path) -> None:
        project = base_project()
        mutate(project)
        write_bundle(folder, project)

    return build


def raw_project(data: bytes | str) -> Builder:
    """The base bundle's media with project.json replaced by raw bytes."""
    return lambda folder: write_bundle(folder, text=data)


def with_files(files: dict[str, bytes], mutate: Callable[[dict], object] | None = None) -> Builder:
    """The base bundle (optionally changed) plus or replacing these files (bundle-relative)."""

    def build(folder: Path) -> None:
        project = base_project()
        if mutate:
            mutate(project)
        write_bundle(folder, project)
        for name, data in files.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.is_dir():
                shutil.rmtree(path)
            path.write_bytes(data)

    return build


def set_(target: Callable[[dict], dict], **values) -> Callable[[dict], object]:
    return lambda p: target(p).update(values)


def shot(p: dict) -> dict:
    return p["shots"][0]


def track(p: dict) -> dict:
    return p["tracks"][0]


def base_json(**top) -> str:
    p = base_project()
    p.update(top)
    return json.dumps(p)


def nested(depth: int, leaf: object = 1) -> object:
    value = leaf
    for _ in range(depth):
        value = [value]
    return value


def take_is_folder(folder: Path) -> None:
    write_bundle(folder)
    (folder / TAKE_PATH).unlink()
    (folder / TAKE_PATH).mkdir()


def take_missing(folder: Path) -> None:
    """Render makes the take again (a real animatic render)."""
    write_bundle(folder)
    (folder / TAKE_PATH).unlink()


def audio_track(media: str) -> Callable[[dict], object]:
    return lambda p: p["tracks"].append(
        {"kind": "audio", "name": "A1", "clips": [{"media": media, "start": 0, "duration": 5}]}
    )


def many(key: str, count: int, item: Callable[[int], dict]) -> Callable[[dict], object]:
    return lambda p: p.update({key: [item(i) for i in range(count)]})


def utf16(folder: Path) -> None:
    write_bundle(folder, text=json.dumps(base_project()).encode("utf-16"))


def oversized(folder: Path) -> None:
    p = base_project()
    p["title"] = "t" * (9 * 2**20)
    write_bundle(folder, p)


def truncated_json(folder: Path) -> None:
    text = json.dumps(base_project(), indent=1)
    write_bundle(folder, text=text[: len(text) // 2])


def dup_keys(folder: Path) -> None:
    text = json.dumps(base_project())
    write_bundle(folder, text=text[:-1] + ', "fps": 99, "fps": 24}')


def dup_keys_bad_last(folder: Path) -> None:
    text = json.dumps(base_project())
    write_bundle(folder, text=text[:-1] + ', "fps": 24, "fps": 1e999}')


def decoy_of(folder: Path) -> Path:
    """The fixture's decoy folder (root/decoy; a case bundle is root/caseNNN/work/film.sbproj)."""
    decoy = folder.parents[2] / "decoy"
    (decoy / "docs").mkdir(parents=True, exist_ok=True)
    if not (decoy / "private.png").exists():
        (decoy / "private.png").write_bytes(png_bytes())
        (decoy / "private.mp4").write_bytes(take_bytes())
    return decoy


def linked_file(name: str, target: str = ".bashrc") -> Builder:
    """`name` in the bundle is a symbolic link to a file of the user's."""

    def build(folder: Path) -> None:
        write_bundle(folder)
        if name != "project.json":
            (folder / name).write_text("{}")
        (folder / name).unlink()
        (folder / name).symlink_to(decoy_of(folder) / target)

    return build


def linked_dir(name: str) -> Builder:
    """`takes/`, `media/` or `.partial/` a link to a folder of the user's."""

    def build(folder: Path) -> None:
        write_bundle(folder)
        if (folder / name).is_dir():
            shutil.rmtree(folder / name)
        (folder / name).symlink_to(decoy_of(folder) / "docs", target_is_directory=True)

    return build


def hard_linked_backup(folder: Path) -> None:
    """`project.json.bak` shares its inode with the user's file: a save must replace the name,
    never write through it."""
    write_bundle(folder)
    os.link(decoy_of(folder) / ".bashrc", folder / "project.json.bak")


def outside_path(target: Callable[[dict], dict], key: str, value: str, **extra) -> Builder:
    """A path field pointing outside the bundle ({decoy} is replaced by the decoy folder)."""

    def build(folder: Path) -> None:
        project = base_project()
        target(project).update({key: value.format(decoy=decoy_of(folder))}, **extra)
        write_bundle(folder, project)

    return build


def media_file_links_out(folder: Path) -> None:
    """`media/ref.png -> ~/private.png`, used as the shot's image: relative, yet outside."""
    project = base_project()
    shot(project).update(image="media/ref.png")
    write_bundle(folder, project)
    (folder / "media" / "ref.png").symlink_to(decoy_of(folder) / "private.png")


def take_file_links_out(folder: Path) -> None:
    """The take itself a link to a video of the user's."""
    write_bundle(folder)
    (folder / TAKE_PATH).unlink()
    (folder / TAKE_PATH).symlink_to(decoy_of(folder) / "private.mp4")


LINKS: list[tuple[str, Builder]] = [
    ("link: project.json.bak -> ~/.bashrc", linked_file("project.json.bak")),
    ("link: project.autosave.json -> ~/.bashrc", linked_file("project.autosave.json")),
    ("link: project.json -> a file outside", linked_file("project.json")),
    ("link: takes/ -> a folder outside", linked_dir("takes")),
    ("link: media/ -> a folder outside", linked_dir("media")),
    ("link: .partial/ -> a folder outside", linked_dir(".partial")),
    ("link: media/ref.png -> ~/private.png", media_file_links_out),
    ("link: the take -> ~/private.mp4", take_file_links_out),
    ("escape: shot image absolute", outside_path(shot, "image", "{decoy}/private.png")),
    ("escape: shot image ../", outside_path(shot, "image", "../../../decoy/private.png")),
    ("escape: shot image media/../../", outside_path(shot, "image", "media/../../x.png")),
    (
        "escape: clip media absolute",
        outside_path(clip, "media", "{decoy}/private.mp4", take_id=None),
    ),
    ("escape: clip media ../", outside_path(clip, "media", "../x.mp4", take_id=None)),
    ("escape: take path absolute", outside_path(take, "path", "{decoy}/private.mp4")),
    ("escape: take path ../", outside_path(take, "path", "../../decoy/private.mp4")),
    ("escape: take path Windows drive", outside_path(take, "path", "C:\\x\\t.mp4")),
]

BUILDERS: list[tuple[str, Builder]] = [
    *LINKS,
    ("control: the base bundle", lambda folder: write_bundle(folder)),
    ("hard link: project.json.bak shares the user's file", hard_linked_backup),
    ("control: missing take is generated again", take_missing),
    # numbers
    ("clip duration 10**12", project_with(set_(clip, duration=10**12))),
    ("clip start 10**12", project_with(set_(clip, start=10**12))),
    ("clip source_in 10**12", project_with(set_(clip, source_in=10**12))),
    ("clip duration 0", project_with(set_(clip, duration=0))),
    ("clip duration -5", project_with(set_(clip, duration=-5))),
    ("clip duration 2.5", project_with(set_(clip, duration=2.5))),
    ("clip fade_in 1e308", project_with(set_(clip, fade_in=1e308))),
    ("clip fade_out 1e-320", project_with(set_(clip, fade_out=1e-320))),
    ("clip gain 1e308", project_with(set_(clip, gain_db=1e308))),
    ("clip pan 2", project_with(set_(clip, pan=2))),
    ("track gain 1e308", project_with(set_(track, gain_db=1e308))),
    ("transition 10**9 frames", project_with(set_(clip, transition_in={"duration": 10**9}))),
    ("shot duration 1e308", project_with(set_(shot, duration=1e308))),
    ("shot duration 0", project_with(set_(shot, duration=0))),
    ("shot transition 1e300", project_with(set_(shot, transition_duration=1e300))),
    ("shot seed 2**40", project_with(set_(shot, seed=2**40))),
    ("fps 1000", project_with(lambda p: p.update(fps=1000))),
    ("fps 24.5", project_with(lambda p: p.update(fps=24.5))),
    ("take frames -5", project_with(set_(take, frames=-5))),
    ("take fps 1e300", project_with(set_(take, fps=1e300))),
    ("take width 10**9", project_with(set_(take, width=10**9))),
    ("take seed 31 digits", project_with(set_(take, seed=10**30))),
    ("schema_version 10**6", project_with(lambda p: p.update(schema_version=10**6))),
    ("NaN token", raw_project(base_json().replace('"fps": 24', '"fps": NaN'))),
    ("Infinity token", raw_project(base_json().replace('"duration": 0.2', '"duration": Infinity'))),
    ("1e400 float", raw_project(base_json().replace('"duration": 0.2', '"duration": 1e400'))),
    (
        "100,000-digit int",
        raw_project(base_json().replace('"start": 0', '"start": ' + "9" * 10**5)),
    ),
    ("timeline over an hour", project_with(set_(clip, start=100_000))),
    # nesting
    ("arrays 100,000 deep", raw_project(base_json()[:-1] + ', "x": ' + "[" * 10**5 + "]" * 10**5)),
    ("objects 100,000 deep", raw_project('{"a":' * 10**5 + "1" + "}" * 10**5)),
    ("params 40 deep", project_with(set_(take, params={"x": nested(40)}))),
    ("params 900 deep", project_with(set_(take, params={"x": nested(900)}))),
    # encodings and files
    ("bad UTF-8", raw_project(base_json().encode().replace(b"Hostile", b"Host\xff\xfele"))),
    ("UTF-8 BOM", raw_project(b"\xef\xbb\xbf" + base_json().encode())),
    ("UTF-16", utf16),
    ("empty project.json", raw_project(b"")),
    ("NUL bytes project.json", raw_project(b"\x00" * 1000)),
    ("oversized project.json", oversized),
    ("truncated project.json", truncated_json),
    ("top-level array", raw_project("[1, 2, 3]")),
    ("top-level null", raw_project("null")),
    ("lone surrogate in title", raw_project(base_json().replace("Hostile", "\\ud800"))),
    ("control characters in title", project_with(lambda p: p.update(title="\x00\x1b[2J\x07"))),
    # types and keys
    ("duplicate keys, last valid", dup_keys),
    ("duplicate keys, last 1e999", dup_keys_bad_last),
    ("title is an object", project_with(lambda p: p.update(title={"a": 1}))),
    ("shots is an object", project_with(lambda p: p.update(shots={"a": 1}))),
    ("tracks is a string", project_with(lambda p: p.update(tracks="V1"))),
    ("clip start is text", project_with(set_(clip, start="0"))),
    ("clip start is true", project_with(set_(clip, start=True))),
    ("unknown key", project_with(lambda p: p.update(bogus=1))),
    ("missing schema_version", project_with(lambda p: p.pop("schema_version"))),
    ("missing take path", project_with(lambda p: take(p).pop("path"))),
    ("missing shot prompt", project_with(lambda p: shot(p).pop("prompt"))),
    ("clip without source", project_with(set_(clip, take_id=None))),
    ("clip unknown take", project_with(set_(clip, take_id="nope"))),
    ("take id differs from key", project_with(set_(take, id="other"))),
    ("10,001 shots", project_with(many("shots", 10_001, lambda i: {"prompt": "p"}))),
    ("10,001 tracks", project_with(many("tracks", 10_001, lambda i: {"kind": "video"}))),
    # paths written in the project (links and escapes have their own suite)
    ("take path NUL", project_with(set_(take, path="takes/\x00.mp4"))),
    ("take path 5,000 chars", project_with(set_(take, path="takes/" + "a/" * 2500 + "t.mp4"))),
    ("media name 300 bytes", project_with(set_(clip, take_id=None, media="m/" + "é" * 150))),
    ("image path escape char", project_with(set_(shot, image="media/\x1b.png"))),
    ("media path empty", project_with(set_(clip, take_id=None, media=""))),
    # media files
    ("take is text", with_files({TAKE_PATH: b"hello, not a video"})),
    ("take is zero bytes", with_files({TAKE_PATH: b""})),
    ("take truncated to 600 bytes", lambda f: with_files({TAKE_PATH: take_bytes()[:600]})(f)),
    ("take missing its tail", lambda f: with_files({TAKE_PATH: take_bytes()[:-900]})(f)),
    ("take is a WAV", lambda f: with_files({TAKE_PATH: wav_bytes()})(f)),
    ("take is a PNG", lambda f: with_files({TAKE_PATH: png_bytes()})(f)),
    ("take is a folder", take_is_folder),
    (
        "still clip is not a picture",
        with_files({"media/a.png": b"GIF89a"}, set_(clip, take_id=None, media="media/a.png")),
    ),
    (
        "still clip picture bomb",
        with_files(
            {"media/a.png": png_bytes(60_000, 60_000, pixels=False)},
            set_(clip, take_id=None, media="media/a.png"),
        ),
    ),
    (
        "shot image is not a picture",
        with_files({"media/r.png": b"\x89PNG"}, set_(shot, image="media/r.png", current_take=None)),
    ),
    ("shot image missing", project_with(set_(shot, image="media/none.png", current_take=None))),
    ("audio clip is text", with_files({"media/a.wav": b"RIFF"}, audio_track("media/a.wav"))),
    ("audio clip zero bytes", with_files({"media/a.wav": b""}, audio_track("media/a.wav"))),
    ("audio clip missing", project_with(audio_track("media/none.wav"))),
    (
        "audio clip is a picture",
        with_files({"media/a.wav": png_bytes()}, audio_track("media/a.wav")),
    ),
]

# exit codes allowed per case (default: 0, 2 or 3)
# a hard link is not a symbolic link: the bundle opens, and its save replaces the name
_ACCEPTED = {
    "hard link: project.json.bak shares the user's file",
    "control: the base bundle",
    "control: missing take is generated again",
    "duplicate keys, last valid",
    "clip fade_out 1e-320",
    "control characters in title",
}
_EITHER = {"take is a PNG", "audio clip is a picture", "clip start is text", "clip start is true"}
EXPECTED: dict[str, set[int]] = {
    name: {OK} if name in _ACCEPTED else {BAD} for name, _ in BUILDERS if name not in _EITHER
}


# --- running ----------------------------------------------------------------------------------

DRIVER = """
import sys
from studio.cli.main import main
bundle, out = sys.argv[1], sys.argv[2]
for args in (["validate", bundle], ["render", bundle, "-o", out]):
    code = main(args)
    sys.stdout.flush()
    sys.stderr.write(f"\\n@@ {args[0]} exit {code}\\n")
    sys.stderr.flush()
"""


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def snapshot(top: Path, skip: set[Path]) -> dict[str, tuple]:
    """Every entry under `top` but `skip`: kind, size and SHA-256 (links: their target)."""
    out: dict[str, tuple] = {}
    for folder, dirs, files in os.walk(top):
        here = Path(folder)
        dirs[:] = [d for d in dirs if here / d not in skip]
        for name in dirs + files:
            path = here / name
            if path in skip:
                continue
            rel = str(path.relative_to(top))
            if path.is_symlink():
                out[rel] = ("link", os.readlink(path))
            elif path.is_file():
                out[rel] = ("file", hashlib.sha256(path.read_bytes()).hexdigest())
            else:
                out[rel] = ("dir",)
    return out


@dataclass
class Case:
    name: str
    folder: Path
    bundle: Path
    output: Path
    home: Path
    codes: dict[str, int | None]
    stderr: str = ""
    before: dict | None = None
    after: dict | None = None

    def watched(self) -> dict[str, tuple]:
        return snapshot(self.folder, {self.bundle, self.output})

    def run(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("STUDIO_", "XDG_", "TMP"))}
        env.update(
            PYTHONPATH=str(ROOT),
            HOME=str(self.home),
            STUDIO_HOME=str(self.home / "studio"),
            XDG_CACHE_HOME=str(self.home / ".cache"),
            XDG_CONFIG_HOME=str(self.home / ".config"),
            XDG_DATA_HOME=str(self.home / ".local"),
            TMPDIR=str(self.folder / "tmp"),
            HF_HUB_OFFLINE="1",
        )
        try:
            result = subprocess.run(
                [sys.executable, "-c", DRIVER, str(self.bundle), str(self.output)],
                capture_output=True,
                text=True,
                errors="replace",
                timeout=TIMEOUT_S,
                env=env,
                cwd=self.folder,
                preexec_fn=_limit_memory,
            )
        except subprocess.TimeoutExpired as exc:
            self.stderr = f"timed out after {TIMEOUT_S} s\n{exc.stderr or ''}"
            return
        self.stderr = result.stderr + (
            f"\n[child exit {result.returncode}]" if result.returncode else ""
        )
        for line in result.stderr.splitlines():
            if line.startswith("@@ "):
                _, command, _, code = line.split()
                self.codes[command] = int(code)


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory) -> dict[str, Case]:
    """Build every bundle, snapshot, run all cases (two at a time), snapshot again."""
    root = tmp_path_factory.mktemp("hostile")
    decoy = root / "decoy"
    decoy.mkdir()
    (decoy / ".bashrc").write_text("# a file a bundle must never reach\n")
    warm = root / "warm-home"
    warm.mkdir()
    cases: dict[str, Case] = {}
    for i, (name, build) in enumerate(BUILDERS):
        folder = root / f"case{i:03d}"
        (folder / "tmp").mkdir(parents=True)
        case = Case(
            name,
            folder,
            folder / "work" / "film.sbproj",
            folder / "work" / "out.mp4",
            folder / "home",
            {"validate": None, "render": None},
        )
        case.bundle.parent.mkdir()
        build(case.bundle)
        cases[name] = case
    # the first render makes the user's identity and signing keys: do it once, then every
    # case starts from a copy of that home, so any later write to it is the case's doing
    first = next(iter(cases.values()))
    warmup = Case(
        "warm-up", root / "warm", root / "warm" / "film.sbproj", root / "warm" / "out.mp4", warm, {}
    )
    (warmup.folder / "tmp").mkdir(parents=True)
    write_bundle(warmup.bundle)
    warmup.run()
    assert warmup.codes.get("render") == 0, warmup.stderr
    for case in cases.values():
        shutil.copytree(warm, case.home)
    for case in cases.values():
        case.before = case.watched()
    decoy_before = snapshot(decoy, set())
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(Case.run, cases.values()))
    for case in cases.values():
        case.after = case.watched()
    assert snapshot(decoy, set()) == decoy_before
    assert first.codes  # the harness ran
    return cases


@pytest.mark.parametrize("name", [name for name, _ in BUILDERS])
def test_hostile_bundle(outcomes, name):
    case = outcomes[name]
    allowed = EXPECTED.get(name, {OK, BAD, REFUSED})
    validate, render = case.codes["validate"], case.codes["render"]
    assert validate is not None and render is not None, case.stderr[-3000:]
    assert "Traceback" not in case.stderr, case.stderr[-3000:]
    assert validate in allowed and render in allowed, case.stderr[-3000:]
    if validate == OK:
        assert render in (OK, REFUSED), f"validate accepted what render refused:\n{case.stderr}"
        if render == OK:
            assert case.output.is_file()
    else:
        assert render == validate, case.stderr[-3000:]
        assert not case.output.exists()
        assert "error:" in case.stderr
    changed = {
        k for k in set(case.before) | set(case.after) if case.before.get(k) != case.after.get(k)
    }
    if render == OK:  # a generated take is staged in user data and recorded in the ledger
        changed = {k for k in changed if not k.startswith(USER_DATA)}
    assert not changed, f"written outside the bundle, the output and user data: {sorted(changed)}"


def test_there_are_at_least_sixty_cases():
    names = [name for name, _ in BUILDERS]
    assert len(names) >= 60 and len(set(names)) == len(names)


def test_the_watch_sees_writes(tmp_path):
    """The snapshot the suite relies on notices a new file, a changed byte and a new link."""
    (tmp_path / "a").write_text("x")
    skip = tmp_path / "bundle"
    skip.mkdir()
    before = snapshot(tmp_path, {skip})
    (skip / "inside").write_text("allowed")
    assert snapshot(tmp_path, {skip}) == before
    (tmp_path / "a").write_text("y")
    assert snapshot(tmp_path, {skip}) != before
    (tmp_path / "a").write_text("x")
    (tmp_path / "l").symlink_to("a")
    assert snapshot(tmp_path, {skip}) != before
