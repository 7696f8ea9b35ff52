"""Issue 12 in the editor: spoken lines, first-frame strength, last frame and keyframes in the
inspector (each change one undo step), the card's line count, the export dialog's captions
choice, and "Generate bridge" between two shots."""

from __future__ import annotations

import numpy as np
from PIL import Image

from studio.layout.storyboard import rebuild
from studio.media.video import load_frames
from studio.model import DialogueLine
from tests.ui.conftest import add_take_file
from ui.dialogs.export import ExportDialog
from ui.storyboard.card import lines_label


def _picture(tmp_path, name, colour):
    path = tmp_path / f"{name}.png"
    Image.new("RGB", (16, 24), colour).save(path)
    return path


def _shot(window, i=0):
    shot = window.doc.project.shots[i]
    window.storyboard.select([shot.id])
    return window.inspector.shot


def test_lines_are_added_edited_removed_one_undo_each(window):
    page = _shot(window)
    shot_id = window.doc.project.shots[0].id
    lines = lambda: window.doc.project.shot(shot_id).dialogue  # noqa: E731
    page.dialogue.add_line("Maya", "We made it.")
    assert lines() == [DialogueLine(speaker="Maya", text="We made it.")]
    assert window.act_undo.text() == "Undo Edit lines"
    assert page.dialogue.table.rowCount() == 1
    # typing into a cell is an edit of that line
    page.dialogue.table.item(0, 1).setText("We made it, barely.")
    assert lines()[0].text == "We made it, barely."
    page.dialogue.table.item(0, 0).setText("  ")  # a blank speaker is refused, the cell restored
    assert lines()[0].speaker == "Maya" and page.dialogue.table.item(0, 0).text() == "Maya"
    page.dialogue.add_line("@leo", "Hi.")
    assert window.doc.project.shot(shot_id).cameos == ["leo"]  # speakers count as cameos
    page.dialogue.remove_line(0)
    assert [d.speaker for d in lines()] == ["@leo"]
    for expected in (2, 1, 1, 0):
        window.act_undo.trigger()
        assert len(lines()) == expected
    assert page.dialogue.table.rowCount() == 0
    window.act_redo.trigger()
    assert lines()[0].text == "We made it."
    # the card shows a count and the lines in its tooltip
    index = window.storyboard.model.index(0)
    assert "Maya: \u201cWe made it.\u201d" in index.data(0x03)  # Qt.ToolTipRole
    assert lines_label(window.doc.project.shot(shot_id)) == "\u201c 1 line"


def test_frames_and_keyframes_from_the_inspector(window, tmp_path):
    page = _shot(window)
    shot_id = window.doc.project.shots[0].id
    shot = lambda: window.doc.project.shot(shot_id)  # noqa: E731
    page.image_strength.setValue(0.6)
    assert shot().image_strength == 0.6
    page.choose_image(str(_picture(tmp_path, "end", (0, 0, 200))), field="last_image")
    assert shot().last_image.startswith("media/") and page.last_image.text() == shot().last_image
    assert (window.doc.bundle.path / shot().last_image).is_file()
    page.choose_keyframe(str(_picture(tmp_path, "mid", (0, 200, 0))), at=0.2)
    (key,) = shot().keyframes
    assert (key.at, key.strength) == (0.2, 1.0) and key.image.startswith("media/")
    page.keyframes.table.setCurrentCell(0, 0)
    page.keyframes.strength.setValue(0.4)
    page.keyframes.at.setValue(0.3)
    assert (shot().keyframes[0].at, shot().keyframes[0].strength) == (0.3, 0.4)
    assert page.keyframes.at.maximum() == shot().duration  # no keyframe outside the shot
    page.keyframes.remove_keyframe(0)
    assert shot().keyframes == []
    undo = window.act_undo
    undo.trigger()
    assert shot().keyframes[0].at == 0.3
    undo.trigger()
    undo.trigger()
    assert shot().keyframes[0].strength == 1.0
    undo.trigger()
    assert shot().keyframes == []
    undo.trigger()
    assert shot().last_image is None
    undo.trigger()
    assert shot().image_strength == 1.0 and page.image_strength.value() == 1.0


def test_export_dialog_offers_captions(window, tmp_path, qtbot):
    doc = window.doc
    for shot in doc.project.shots[:2]:
        shot.current_take = add_take_file(doc.bundle, shot, frames=6).id
        shot.duration = 0.25
    doc.apply(rebuild)
    assert ExportDialog(window.ctx, window).captions.currentData() == "off"  # no lines yet
    _shot(window).dialogue.add_line("Maya", "Hello.")
    dialog = ExportDialog(window.ctx, window)
    assert dialog.captions.currentData() == "srt"
    dialog.captions.setCurrentIndex(dialog.captions.findData("burn"))
    assert dialog.settings().captions == "burn"
    dialog.captions.setCurrentIndex(dialog.captions.findData("srt"))
    dest = tmp_path / "film.mp4"
    dialog.dest.setText(str(dest))
    dialog.btn_export.click()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=120_000)
    text = (tmp_path / "film.srt").read_text()
    assert text.startswith("1\n00:00:00,000 --> 00:00:00,") and "Maya: Hello." in text


def test_generate_bridge_inserts_queues_and_undoes(window, qtbot):
    doc = window.doc
    a, b, _c = doc.project.shots
    take_a, take_b = add_take_file(doc.bundle, a), add_take_file(doc.bundle, b)
    a.current_take, b.current_take = take_a.id, take_b.id
    doc.apply(rebuild)
    sb = window.storyboard
    sb.select([a.id, b.id])
    assert sb.act_bridge in sb.actions()
    queued = []
    window.ctx.generator.generate = lambda ids, *rest: queued.append(ids) or ["job"]
    sb.act_bridge.trigger()
    shots = doc.project.shots
    bridge = shots[1]
    assert len(shots) == 4 and [shots[0].id, shots[2].id] == [a.id, b.id]
    assert queued == [[bridge.id]] and window.act_undo.text() == "Undo Generate bridge"
    first = np.asarray(Image.open(doc.bundle.path / bridge.image).convert("RGB")).astype(int)
    last = np.asarray(Image.open(doc.bundle.path / bridge.last_image).convert("RGB")).astype(int)
    frames_a = load_frames(doc.bundle.take_file(take_a.id)).astype(int)
    frames_b = load_frames(doc.bundle.take_file(take_b.id)).astype(int)
    assert np.abs(first - frames_a[-1]).mean() < 1 and np.abs(last - frames_b[0]).mean() < 1
    assert np.abs(first - frames_b[0]).mean() > 5  # the two takes differ in colour
    window.act_undo.trigger()
    assert [s.id for s in doc.project.shots] == [a.id, b.id, _c.id]
    sb.select([_c.id])  # the last shot has no next shot: nothing happens
    refused = []
    sb.bridgeRefused.connect(refused.append)
    sb.act_bridge.trigger()
    assert len(doc.project.shots) == 3 and refused
