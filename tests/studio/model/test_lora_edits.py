"""Editing the LoRAs of a shot and of the storyboard: one pure edit each, refused lists change
nothing, and any sequence of edits undoes and redoes exactly (also packed, as the undo stack
keeps it, and through Project Settings' one edit)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studio.model import Project, Shot
from studio.model.edit import EditError
from studio.model.lora import MAX_LORAS, LoraRef
from studio.model.lora_edits import set_project_loras, set_shot_loras
from studio.model.packed import pack
from studio.model.project_edits import set_project_settings


def _project() -> Project:
    project = Project(title="t")
    project.shots += [Shot(prompt="a", duration=1.0), Shot(prompt="b", duration=1.0)]
    return project


def _state(project: Project) -> dict:
    return project.model_dump(mode="json")


def test_set_and_undo_a_shots_and_the_storyboards_loras():
    project = _project()
    before = _state(project)
    shot = project.shots[1]
    edit = set_shot_loras(project, shot.id, [LoraRef(file="ink", weight=0.5)])
    assert project.shot(shot.id).loras == [LoraRef(file="ink", weight=0.5)]
    assert project.shots[0].loras == [] and edit.shot_ids == {shot.id}
    top = set_project_loras(project, [LoraRef(file="loras/abc-x.safetensors")])
    assert project.loras[0].weight == 1.0 and top.field_names == {"loras"}
    top.undo(project)
    edit.undo(project)
    assert _state(project) == before
    assert not set_shot_loras(project, shot.id, []).changed


@pytest.mark.parametrize(
    ("loras", "said"),
    [
        ([LoraRef(file="a"), LoraRef(file="a", weight=0.2)], "in the list already"),
        ([{"file": "a", "weight": 5}], "weight"),
        ([{"file": "a", "weight": float("nan")}], "weight"),
        ([LoraRef(file=f"f{i}") for i in range(MAX_LORAS + 1)], f"at most {MAX_LORAS}"),
        ([{"file": "a\x00b"}], "file"),
    ],
)
def test_a_bad_list_is_refused_with_nothing_changed(loras, said):
    project = _project()
    before = _state(project)
    for op in (
        lambda: set_shot_loras(project, project.shots[0].id, loras),
        lambda: set_project_loras(project, loras),
        lambda: set_project_settings(project, title="New", loras=loras),
    ):
        with pytest.raises(EditError, match=said):
            op()
        assert _state(project) == before
    with pytest.raises(EditError, match="no shot"):
        set_shot_loras(project, "nope", [])


files = st.sampled_from(["ink", "grain.safetensors", "loras/0123456789abcdef-x.safetensors"])
weights = st.sampled_from([-4.0, -0.5, 0.0, 0.3, 1.0, 4.0])
lists = st.lists(st.tuples(files, weights), max_size=4)
ops = st.lists(
    st.tuples(st.sampled_from(["shot0", "shot1", "project", "settings"]), lists), max_size=10
)


def _apply(project: Project, op):
    target, items = op
    loras = [LoraRef(file=f, weight=w) for f, w in items]
    if target == "project":
        return set_project_loras(project, loras)
    if target == "settings":
        return set_project_settings(project, title=f"t{len(loras)}", loras=loras)
    return set_shot_loras(project, project.shots[int(target[-1])].id, loras)


@settings(max_examples=80, deadline=None)
@given(ops)
def test_any_sequence_undoes_and_redoes_exactly(sequence):
    project = _project()
    states, edits = [_state(project)], []
    for op in sequence:
        try:
            edit = _apply(project, op)
        except EditError:
            assert _state(project) == states[-1]  # a duplicate file: refused, nothing changed
            continue
        if not edit.changed:
            continue
        edits.append(pack(edit))
        states.append(_state(project))
    for edit, state in zip(reversed(edits), reversed(states[:-1]), strict=True):
        edit.undo(project)
        assert _state(project) == state
    for edit, state in zip(edits, states[1:], strict=True):
        edit.redo(project)
        assert _state(project) == state
