"""Project bundles: atomic saves, validation naming the field, media kept inside the bundle."""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studio import atomic
from studio.bundle import Bundle, parse_project
from studio.errors import InputError
from studio.model import SCHEMA_VERSION, Clip, Project, Shot, Take, Track


def sample_project() -> Project:
    take = Take(path="takes/t1.mp4", engine="animatic", width=96, height=160, fps=24, frames=48)
    shot = Shot(prompt="a foggy bridge", duration=2.0, current_take=take.id)
    take.shot_id = shot.id
    clip = Clip(take_id=take.id, shot_id=shot.id, start=0, duration=48)
    return Project(title="t", shots=[shot], takes={take.id: take}, tracks=[Track(clips=[clip])])


def test_round_trip(tmp_path):
    bundle = Bundle.create(tmp_path / "film", sample_project())
    assert bundle.path.name == "film.sbproj"
    assert (bundle.path / "takes").is_dir() and (bundle.path / "media").is_dir()
    loaded = Bundle.load(bundle.path)
    assert loaded.project == bundle.project
    assert json.loads(bundle.project_file.read_text())["schema_version"] == SCHEMA_VERSION


def test_bad_field_named_with_its_path(tmp_path):
    bundle = Bundle.create(tmp_path / "p.sbproj", sample_project())
    data = json.loads(bundle.project_file.read_text())
    data["shots"][0]["duration"] = -2
    data["tracks"][0]["clips"][0]["start"] = "soon"
    bundle.project_file.write_text(json.dumps(data))
    with pytest.raises(InputError) as info:
        Bundle.load(bundle.path)
    text = str(info.value)
    assert "shots[0].duration" in text and "tracks[0].clips[0].start" in text
    assert "project.json" in text


def test_missing_schema_version_and_newer_schema(tmp_path):
    with pytest.raises(InputError, match="schema_version"):
        parse_project("{}")
    data = sample_project().model_dump(mode="json")
    data["schema_version"] = 99
    with pytest.raises(InputError, match="newer"):
        parse_project(json.dumps(data))


@pytest.mark.parametrize("path", ["../outside.mp4", "takes/../../x.mp4", "/etc/passwd"])
def test_take_paths_may_not_escape(path):
    data = sample_project().model_dump(mode="json")
    take_id = next(iter(data["takes"]))
    data["takes"][take_id]["path"] = path
    with pytest.raises(InputError, match=f"takes.{take_id}.path"):
        parse_project(json.dumps(data))


def test_media_may_be_neither_absolute_nor_escape(tmp_path):
    """A bundle is self-contained: imported files are copied into media/ (issue 10)."""
    project = sample_project()
    project.shots[0].image = str(tmp_path / "ref.png")
    with pytest.raises(InputError, match=r"shots\[0\].image"):
        parse_project(project.model_dump_json())
    project.shots[0].image = "../ref.png"
    with pytest.raises(InputError, match=r"shots\[0\].image"):
        parse_project(project.model_dump_json())


def test_clip_to_unknown_take(tmp_path):
    project = sample_project()
    project.tracks[0].clips[0].take_id = "nope"
    with pytest.raises(InputError, match="unknown take 'nope'"):
        parse_project(project.model_dump_json())


def test_crash_mid_save_keeps_the_old_project(tmp_path, monkeypatch):
    bundle = Bundle.create(tmp_path / "p.sbproj", sample_project())
    before = bundle.project_file.read_text()
    bundle.project.title = "changed"

    def crash(*_args, **_kw):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        bundle.save()
    monkeypatch.undo()
    assert bundle.project_file.read_text() == before
    assert Bundle.load(bundle.path).project.title == "t"
    assert not [p for p in bundle.path.iterdir() if p.name.endswith(".tmp")]


def test_save_keeps_previous_copy_and_autosave_is_separate(tmp_path):
    bundle = Bundle.create(tmp_path / "p.sbproj", sample_project())
    bundle.project.title = "draft"
    bundle.autosave()
    assert Bundle.load(bundle.path).project.title == "t"  # autosave never overwrites the save
    assert bundle.has_recovery()
    assert Bundle.load(bundle.path).recover().title == "draft"
    bundle.save()
    assert not bundle.has_recovery()
    assert json.loads((bundle.path / "project.json.bak").read_text())["title"] == "t"


def test_staged_output_leaves_nothing_on_failure(tmp_path):
    dest = tmp_path / "out.mp4"
    with pytest.raises(RuntimeError), atomic.staged_output(dest) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("encoder died")
    assert not dest.exists() and list(tmp_path.iterdir()) == []


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=8)),
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_values, st.sampled_from(["title", "shots", "takes", "tracks", "fps", "format"]))
def test_fuzzed_project_files_load_or_fail_cleanly(value, key):
    data = sample_project().model_dump(mode="json")
    data[key] = value
    try:
        parse_project(json.dumps(data))
    except InputError as exc:
        assert str(exc)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_fuzzed_bytes_fail_cleanly(raw):
    try:
        parse_project(raw.decode("utf-8", "replace"))
    except InputError:
        pass
