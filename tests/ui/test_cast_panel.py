"""The Cast panel, cast chips on shot cards and cast completion in the prompt (issue 13):
real widgets in the main window over a real bundle and real cameo profiles."""

from __future__ import annotations

import numpy as np
from PIL import Image
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QStyleOptionViewItem

from studio.cameo.identity import load_identity
from studio.cameo.store import CameoStore
from studio.model.cast import CastMember
from ui.cast_panel import CharacterDialog, consented_handles
from ui.storyboard.card import cast_chips


def _picture(path, colour=(247, 127, 0)):
    Image.fromarray(np.full((24, 24, 3), colour, np.uint8)).save(path)
    return path


def _cast(window):
    return [(m.key, m.description, list(m.images)) for m in window.doc.project.cast]


def test_add_edit_remove_characters_with_undo(window, tmp_path):
    panel = window.cast
    assert panel.list.count() == 0
    pic = _picture(tmp_path / "oro.png")
    assert panel.add_character("Oro", "a small orange robot", [pic])
    member = window.doc.project.cast[0]
    assert member.key == "Oro" and len(member.images) == 1
    copied = window.doc.resolve(member.images[0])
    assert member.images[0].startswith("media/") and copied.read_bytes() == pic.read_bytes()
    assert panel.list.count() == 1 and panel.list.item(0).text().startswith("Oro")
    assert not panel.list.item(0).icon().isNull()

    assert not panel.add_character("oro", "again")  # keys are unique, regardless of case
    assert "already has Oro" in panel.status.text() and len(window.doc.project.cast) == 1
    bad = tmp_path / "fake.png"
    bad.write_text("not a picture")
    assert not panel.add_character("Pip", "", [bad])
    assert "fake.png" in panel.status.text() and len(window.doc.project.cast) == 1

    assert panel.add_character("Pip", "a girl in a green coat")
    after_add = _cast(window)
    assert panel.edit_member(member.id, description="a blue robot", images=[member.images[0]])
    assert window.doc.project.cast[0].description == "a blue robot"
    assert panel.remove_member(window.doc.project.cast[1].id)
    assert [m.key for m in window.doc.project.cast] == ["Oro"] and panel.list.count() == 1

    stack = window.doc.undo_stack
    stack.undo()  # the removal
    assert [m.key for m in window.doc.project.cast] == ["Oro", "Pip"] and panel.list.count() == 2
    stack.undo()  # the description
    assert _cast(window) == after_add
    stack.undo()
    stack.undo()
    assert window.doc.project.cast == [] and panel.list.count() == 0
    for _ in range(4):
        stack.redo()
    assert [m.key for m in window.doc.project.cast] == ["Oro"]
    assert window.doc.project.cast[0].description == "a blue robot"


def test_character_dialog_checks_pictures_when_picked(qtbot, tmp_path):
    dialog = CharacterDialog()
    qtbot.addWidget(dialog)
    good = _picture(tmp_path / "good.png")
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"\x89PNG not really")
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    assert dialog.add_pictures([str(good), str(bad), str(text)]) == [str(good)]
    assert dialog.pictures.count() == 1
    assert "bad.png" in dialog.problems.text() and "notes.txt" in dialog.problems.text()
    dialog.name.setText(" Oro ")
    assert dialog.values() == ("Oro", "", [str(good)])


def test_cameos_come_only_from_consented_profiles(window, tmp_path):
    me = load_identity()
    store = CameoStore()
    store.create("maya", "Maya", [_picture(tmp_path / "m.png", (90, 90, 90))], me)
    store.create("leo", "Leo", [_picture(tmp_path / "l.png", (60, 60, 60))], me)
    store.revoke("leo", me)
    assert consented_handles() == ["maya"]
    panel = window.cast
    assert not panel.add_cameo("@leo")
    assert "consent" in panel.status.text() and window.doc.project.cast == []
    assert panel.add_cameo("@Maya")
    member = window.doc.project.cast[0]
    assert member.is_cameo and member.key == "@maya" and member.images == []
    assert not panel.edit_button.isEnabled()  # a cameo has nothing to edit here
    assert not panel.add_cameo("maya")  # already in the cast
    window.doc.undo_stack.undo()
    assert window.doc.project.cast == [] and panel.list.count() == 0


def _paint_card(window, row: int) -> QImage:
    view = window.storyboard.view
    index = view.model().index(row, 0)
    option = QStyleOptionViewItem()
    option.rect = view.visualRect(index)
    option.rect.moveTo(0, 0)
    image = QImage(option.rect.size(), QImage.Format_ARGB32)
    image.fill(0)
    p = QPainter(image)
    view.itemDelegate().paint(p, option, index)
    p.end()
    return image


def test_cards_show_chips_of_the_cast_their_prompt_names(window):
    project = window.doc.project
    window.cast.add_character("Oro", "robot")
    project.cast.append(CastMember(cameo="maya"))  # (set directly: no profile needed to show)
    shot = project.shots[0]
    assert cast_chips(shot, project) == []
    plain = _paint_card(window, 0)
    shot.prompt = "oro waves at @maya and @leo in a red room"
    assert cast_chips(shot, project) == [("Oro", False), ("@maya", True), ("@leo", True)]
    assert cast_chips(project.shots[1], project) == []
    with_chips = _paint_card(window, 0)
    assert with_chips != plain  # the chips are painted
    # removing Oro from the cast takes its chip off (and repaints every card)
    window.cast.remove_member(project.cast[0].id)
    assert cast_chips(shot, project) == [("@maya", True), ("@leo", True)]


def test_prompt_completes_cast_names_and_cast_cameos(window, qtbot):
    window.cast.add_character("Oromir", "robot")
    window.doc.project.cast.append(CastMember(cameo="maya_k"))
    window.storyboard.select([window.doc.project.shots[1].id])
    editor = window.inspector.shot.prompt
    editor.selectAll()
    qtbot.keyClicks(editor, "then or")
    assert editor.partial_name() == "or" and editor.partial_handle() is None
    assert editor.completer.completionCount() == 1
    assert editor.completer.currentCompletion() == "Oromir"
    editor.insert_completion("Oromir")
    assert window.doc.project.shots[1].prompt == "then Oromir "
    qtbot.keyClicks(editor, "meets @ma")
    assert editor.partial_handle() == "ma"
    assert editor.completer.currentCompletion() == "maya_k"  # a cast cameo, no profile needed
    editor.insert_completion("maya_k")
    assert window.doc.project.shots[1].prompt == "then Oromir meets @maya_k "
    # a word that starts no cast name offers nothing
    qtbot.keyClicks(editor, "xy")
    assert not editor.completer.popup().isVisible()
