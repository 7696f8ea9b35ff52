"""Cast edits: add, change, remove members; every edit undoes and redoes exactly."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studio.model import Project
from studio.model.cast import CastMember
from studio.model.cast_edits import add_cast_member, remove_cast_member, set_cast_member
from studio.model.edit import EditError
from studio.model.packed import pack


def _state(project: Project) -> list[dict]:
    return [m.model_dump() for m in project.cast]


def test_add_change_remove_and_undo():
    project = Project(title="t")
    add = add_cast_member(project, CastMember(name="Oro", description="orange robot"))
    oro = project.cast[0]
    cameo = add_cast_member(project, CastMember(cameo="@Maya"))
    assert [m.key for m in project.cast] == ["Oro", "@maya"]
    change = set_cast_member(project, oro.id, description="blue robot", images=["media/a.png"])
    assert project.cast[0].description == "blue robot" and project.cast[0] is not oro
    assert oro.description == "orange robot"  # the old value is untouched (members are values)
    remove = remove_cast_member(project, oro.id)
    assert [m.key for m in project.cast] == ["@maya"]
    for edit in (remove, change, cameo, add):
        edit.undo(project)
    assert project.cast == []
    for edit in (add, cameo, change, remove):
        edit.redo(project)
    assert [m.key for m in project.cast] == ["@maya"]
    assert add.field_names == {"cast"}


def test_refusals_change_nothing():
    project = Project(title="t")
    add_cast_member(project, CastMember(name="Oro"))
    add_cast_member(project, CastMember(cameo="maya"))
    before = _state(project)
    oro, maya = project.cast
    with pytest.raises(EditError, match="already has Oro"):
        add_cast_member(project, CastMember(name="oro"))
    with pytest.raises(EditError, match="already has @maya"):
        add_cast_member(project, CastMember(cameo="MAYA"))
    with pytest.raises(EditError, match="needs a name"):
        set_cast_member(project, oro.id, name="  ")
    with pytest.raises(EditError, match="@"):
        add_cast_member(project, CastMember(name="@bob"))
    with pytest.raises(EditError, match="profile"):
        set_cast_member(project, maya.id, images=["media/x.png"])
    with pytest.raises(EditError, match="cannot set"):
        set_cast_member(project, oro.id, cameo="bob")
    with pytest.raises(EditError, match="no cast member"):
        remove_cast_member(project, "nope")
    assert _state(project) == before
    assert not set_cast_member(project, oro.id, name="Oro").changed


names = st.sampled_from(["Oro", "oro", "Pip", "Ada", "Bo", "", "@x"])
ops = st.lists(
    st.one_of(
        st.tuples(st.just("add"), names, st.text(max_size=12)),
        st.tuples(st.just("addcameo"), st.sampled_from(["maya", "leo", "MAYA"]), st.just("")),
        st.tuples(st.just("set"), st.integers(0, 5), names),
        st.tuples(st.just("describe"), st.integers(0, 5), st.text(max_size=12)),
        st.tuples(st.just("images"), st.integers(0, 5), st.sampled_from(["a.png", "b.png"])),
        st.tuples(st.just("remove"), st.integers(0, 5), st.just("")),
    ),
    max_size=14,
)


def _apply(project: Project, op):
    kind, a, b = op
    if kind == "add":
        return add_cast_member(project, CastMember.model_construct(name=a, description=b))
    if kind == "addcameo":
        return add_cast_member(project, CastMember(cameo=a))
    if not project.cast:
        return None
    member = project.cast[a % len(project.cast)]
    if kind == "set":
        return set_cast_member(project, member.id, name=b)
    if kind == "describe":
        return set_cast_member(project, member.id, description=b)
    if kind == "images":
        return set_cast_member(project, member.id, images=[f"media/{b}"])
    return remove_cast_member(project, member.id)


@settings(max_examples=80, deadline=None)
@given(ops)
def test_any_sequence_undoes_and_redoes_exactly(sequence):
    project = Project(title="t")
    states, edits = [_state(project)], []
    for op in sequence:
        try:
            edit = _apply(project, op)
        except EditError:
            assert _state(project) == states[-1]  # a refused edit leaves nothing behind
            continue
        if edit is None or not edit.changed:
            continue
        edits.append(pack(edit))  # as the undo stack keeps it
        states.append(_state(project))
        keys = [m.key.lower() for m in project.cast]
        assert len(keys) == len(set(keys))  # keys stay unique
    for edit, state in zip(reversed(edits), reversed(states[:-1]), strict=True):
        edit.undo(project)
        assert _state(project) == state
    for edit, state in zip(edits, states[1:], strict=True):
        edit.redo(project)
        assert _state(project) == state
