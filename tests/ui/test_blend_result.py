"""Issue 14 (7): blend asks whether to replace clip A or add the result as a new clip (it
used to replace A silently). Real blends with the animatic engine, landed, undone."""

from __future__ import annotations

import pytest

from studio.layout.landing import land_as_new_shot, land_take
from studio.model import Take, TrackKind, TrackRole
from studio.model.edit import Edit
from tests.ui.conftest import add_take_file
from ui.dialogs.blend import NEW_CLIP, REPLACE, BlendDialog

WAIT = 90_000


def _storyboard_clips(project):
    track = project.track_with_role(TrackRole.STORYBOARD_VIDEO)
    return [(c.shot_id, c.take_id) for c in track.sorted_clips()]


def _with_clips(window):
    doc = window.doc
    for shot in doc.project.shots:
        take = add_take_file(doc.bundle, shot)
        doc.project.takes.pop(take.id)
        doc.apply(land_take, take)
    return doc


@pytest.mark.parametrize("mode", [NEW_CLIP, REPLACE])
def test_blend_lands_where_the_dialog_says(window, qtbot, mode):
    doc = _with_clips(window)
    a, b = doc.project.shots[0], doc.project.shots[2]
    take_a = a.current_take
    before = _storyboard_clips(doc.project)
    dialog = BlendDialog(window.ctx, [a.id, b.id], window)
    assert dialog.result_mode.currentData() == NEW_CLIP  # the default keeps clip A
    dialog.result_mode.setCurrentIndex(dialog.result_mode.findData(mode))
    job = dialog.submit()
    landed: list[str] = []
    window.ctx.generator.jobLanded.connect(landed.append)
    qtbot.waitUntil(lambda: job in landed, timeout=WAIT)
    project = doc.project
    blend = next(t for t in project.takes.values() if t.operation.value == "blend")
    clips = _storyboard_clips(project)
    if mode == NEW_CLIP:
        assert project.shot(a.id).current_take == take_a  # clip A is kept as it was
        assert len(project.shots) == 4
        new = project.shots[1]  # right after A
        assert new.current_take == blend.id and blend.shot_id == new.id
        assert clips[0] == before[0] and clips[1] == (new.id, blend.id) and clips[2:] == before[1:]
        assert window.act_undo.text() == "Undo New clip: blend"
    else:
        assert project.shot(a.id).current_take == blend.id and len(project.shots) == 3
        assert clips[0] == (a.id, blend.id) and clips[1:] == before[1:]
    window.act_undo.trigger()
    assert _storyboard_clips(doc.project) == before and len(doc.project.shots) == 3
    assert doc.project.shot(a.id).current_take == take_a and blend.id not in doc.project.takes


def test_land_as_new_shot_is_one_exact_edit(bundle):
    project = bundle.project
    shot = project.shots[1]
    take = add_take_file(bundle, shot, frames=12)
    project.takes.pop(take.id)
    edit: Edit = land_as_new_shot(project, take, shot.id)
    assert [s.id for s in project.shots][2] == edit.new_shot_ids[0]
    added = project.shots[2]
    assert added.duration == 0.5 and added.prompt == shot.prompt and added.name is None
    assert isinstance(project.takes[take.id], Take) and project.takes[take.id].shot_id == added.id
    assert any(c.take_id == take.id for t in project.tracks_of(TrackKind.VIDEO) for c in t.clips)
    edit.undo(project)
    assert len(project.shots) == 3 and take.id not in project.takes
    edit.redo(project)
    assert project.shots[2].id == added.id and project.takes[take.id].shot_id == added.id
