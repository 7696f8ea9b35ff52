"""Remix and blend dialogs queue the right requests; the presets browser writes user presets."""

from __future__ import annotations

from studio.model import Operation
from studio.paths import user_presets_dir
from tests.ui.conftest import add_take_file
from ui.dialogs.blend import BlendDialog, parse_curve
from ui.dialogs.remix import RemixDialog
from ui.presets_browser import PresetsBrowser


def _with_takes(window):
    doc = window.doc
    for shot in doc.project.shots:
        shot.current_take = add_take_file(doc.bundle, shot).id
    window.ctx.bridge.set_paused(True)  # inspect the queued jobs without running them
    return doc


def test_remix_dialog_queues_a_remix_of_the_current_take(window):
    doc = _with_takes(window)
    shot = doc.project.shots[0]
    dialog = RemixDialog(window.ctx, shot.id, window)
    dialog.prompt.set_text("the same room, but underwater")
    dialog.strengths.button(2).setChecked(True)  # Strong
    dialog.preset.setCurrentIndex(dialog.preset.findData("anime"))
    job = dialog.submit()
    request = window.ctx.generator.jobs[job].request
    assert request.operation == Operation.REMIX
    assert request.prompt == "the same room, but underwater" and request.preset == "anime"
    assert request.strength == 0.8
    assert [s.take_id for s in request.sources] == [shot.current_take]
    dialog.strengths.button(3).setChecked(True)  # Custom
    dialog.custom.setValue(20)
    assert dialog.strength() == 0.2
    assert job in window.queue.rows


def test_blend_dialog_queues_two_sources_and_curve(window):
    doc = _with_takes(window)
    a, b = doc.project.shots[0], doc.project.shots[2]
    dialog = BlendDialog(window.ctx, [a.id, b.id], window)
    dialog.curve_preset.setCurrentText("Ease in-out")
    job = dialog.submit()
    request = window.ctx.generator.jobs[job].request
    assert request.operation == Operation.BLEND
    assert [s.take_id for s in request.sources] == [a.current_take, b.current_take]
    assert request.blend_curve == [0.0, 0.05, 0.5, 0.95, 1.0]
    assert request.prompt_b == b.prompt
    dialog.curve.setText("0, 2")
    assert "outside 0..1" in dialog.error.text()
    assert parse_curve("0; .5; 1") == [0.0, 0.5, 1.0]


def test_presets_browser_duplicate_edit_delete(window):
    browser = PresetsBrowser(window.ctx)
    names = [browser.list.item(i).data(0x0101) for i in range(browser.list.count())]
    assert len(names) >= 12 and "film-noir" in names
    browser.list.setCurrentRow(names.index("film-noir"))
    assert not browser.btn_save.isEnabled()  # built-ins are duplicated, not edited
    assert browser.duplicate("My Noir!") == "my-noir"
    assert (user_presets_dir() / "my-noir.toml").is_file()
    assert browser.current().name == "my-noir" and browser.btn_save.isEnabled()
    browser.prefix.setText("grainy 16mm, high contrast")
    browser.save()
    assert window.ctx.presets.get("my-noir").prompt_prefix == "grainy 16mm, high contrast"
    browser.delete()
    assert "my-noir" not in window.ctx.presets


def test_swapping_a_take_is_undoable(window):
    doc = window.doc
    shot = doc.project.shots[0]
    first = add_take_file(doc.bundle, shot)
    second = add_take_file(doc.bundle, shot)
    from studio.layout.landing import switch_take

    doc.apply(switch_take, shot.id, first.id)
    doc.apply(switch_take, shot.id, second.id)
    clip_take = lambda: [c.take_id for t in doc.project.tracks for c in t.clips]  # noqa: E731
    assert clip_take() == [second.id]
    window.act_undo.trigger()
    assert clip_take() == [first.id] and doc.project.shot(shot.id).current_take == first.id
