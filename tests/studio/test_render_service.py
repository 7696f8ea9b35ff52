"""The render service without Qt: project ids (old files too), adopting staged takes into the
project's current folder, and keeping takes of closed projects — never in the wrong one."""

from __future__ import annotations

import json

import pytest

from studio.bundle import Bundle
from studio.engine.request import GenerationRequest
from studio.model import Project, Shot, Take
from studio.render_service import (
    LandingFailed,
    adopt_take,
    belongs_to,
    keep_in_closed_project,
    land_in_bundle,
)


def staged_take(tmp_path, shot: Shot, name: str = "t1.mp4") -> Take:
    """A take as the engine hands it back: its file in the staging folder (absolute path)."""
    staging = tmp_path / "staging"
    staging.mkdir(exist_ok=True)
    path = staging / name
    path.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(64))
    return Take(shot_id=shot.id, path=str(path), engine="test", fps=24, frames=12, duration=0.5)


def test_old_project_files_get_an_id_that_their_next_save_keeps(tmp_path):
    bundle = Bundle.create(tmp_path / "old.sbproj", Project(shots=[Shot(prompt="a quay")]))
    data = json.loads(bundle.project_file.read_text())
    del data["id"]  # a project.json from before ids
    bundle.project_file.write_text(json.dumps(data))
    loaded = Bundle.load(bundle.path)
    assert loaded.project.id
    loaded.save()
    assert Bundle.load(bundle.path).project.id == loaded.project.id
    assert Project().id != Project().id


def test_adopt_moves_the_staged_file_into_the_current_folder(tmp_path):
    shot = Shot(prompt="a quay")
    bundle = Bundle.create(tmp_path / "a.sbproj", Project(shots=[shot]))
    take = staged_take(tmp_path, shot)
    staged = take.path
    moved = tmp_path / "b.sbproj"
    bundle.path.rename(moved)  # Save As moved the project while the job ran
    bundle.path = moved
    landed = land_in_bundle(bundle, take)
    assert landed.path == "takes/t1.mp4" and (moved / landed.path).is_file()
    assert not (tmp_path / "staging" / "t1.mp4").exists() and staged != landed.path
    assert bundle.project.shots[0].current_take == landed.id
    assert not (tmp_path / "a.sbproj").exists()  # the old folder is not recreated


def test_adopt_refuses_a_folder_with_no_project_and_keeps_the_file(tmp_path):
    shot = Shot(prompt="a quay")
    take = staged_take(tmp_path, shot)
    with pytest.raises(LandingFailed, match="kept at"):
        adopt_take(tmp_path / "gone.sbproj", take)
    assert (tmp_path / "staging" / "t1.mp4").is_file()


def test_routing_is_by_project_id_not_by_folder(tmp_path):
    project = Project()
    here = tmp_path / "here.sbproj"
    mine = GenerationRequest(prompt="x", duration=1, project_id=project.id, bundle="/old/place")
    other = GenerationRequest(prompt="x", duration=1, project_id="someone-else", bundle=str(here))
    legacy = GenerationRequest(prompt="x", duration=1, bundle=str(here))  # queued before ids
    assert belongs_to(mine, project, here)
    assert not belongs_to(other, project, here)
    assert belongs_to(legacy, project, here)
    assert not belongs_to(legacy, project, tmp_path / "elsewhere.sbproj")


def test_a_closed_project_keeps_the_take_beside_the_others(tmp_path):
    shot = Shot(prompt="a quay")
    bundle = Bundle.create(tmp_path / "p.sbproj", Project(shots=[shot]))
    take = staged_take(tmp_path, shot)
    keep_in_closed_project(bundle.path, take, bundle.project.id)
    loaded = Bundle.load(bundle.path)
    assert take.id in loaded.project.takes and loaded.take_file(take.id).is_file()
    assert loaded.project.shots[0].current_take is None  # not swapped in silently


def test_a_closed_project_replaced_by_another_is_not_written_into(tmp_path):
    shot = Shot(prompt="a quay")
    path = tmp_path / "p.sbproj"
    Bundle.create(path, Project(shots=[shot]))
    original_id = Bundle.load(path).project.id
    Bundle.create(path, Project(title="someone else's"))  # another project at that folder now
    take = staged_take(tmp_path, shot)
    with pytest.raises(LandingFailed, match="another project"):
        keep_in_closed_project(path, take, original_id)
    assert take.id not in Bundle.load(path).project.takes
    assert (tmp_path / "staging" / "t1.mp4").is_file()  # still there to recover by hand


def test_a_vanished_project_is_reported_with_where_the_take_is(tmp_path):
    take = staged_take(tmp_path, Shot(prompt="a quay"))
    with pytest.raises(LandingFailed, match=str(tmp_path / "staging" / "t1.mp4")):
        keep_in_closed_project(tmp_path / "never.sbproj", take, "abc")
