"""Storyboard edits through the real widgets, each undone and redone on the one undo stack."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt


def prompts(win) -> list[str]:
    return [s.prompt for s in win.doc.project.shots]


def test_add_shot_undo_redo(window):
    sb = window.storyboard
    sb.select([window.doc.project.shots[0].id])
    sb.act_add.trigger()
    shots = window.doc.project.shots
    assert len(shots) == 4
    assert shots[1].prompt == "describe the shot"  # inserted after the selection
    assert sb.model.rowCount() == 4
    assert window.act_undo.text() == "Undo Add shot"
    assert window.isWindowModified()
    window.act_undo.trigger()
    assert len(window.doc.project.shots) == 3 and sb.model.rowCount() == 3
    assert not window.isWindowModified()
    window.act_redo.trigger()
    assert len(window.doc.project.shots) == 4


def test_reorder_by_keyboard_and_drop(window):
    before = prompts(window)
    sb = window.storyboard
    sb.select([window.doc.project.shots[0].id])
    sb.act_down.trigger()
    assert prompts(window) == [before[1], before[0], before[2]]
    assert sb.selected_ids() == [window.doc.project.shots[1].id]  # selection follows the shot
    window.act_undo.trigger()
    assert prompts(window) == before
    window.act_redo.trigger()
    assert prompts(window) == [before[1], before[0], before[2]]
    window.act_undo.trigger()

    # drag and drop: the drop the list view performs, moving the last shot to the top
    model = sb.model
    mime = model.mimeData([model.index(2)])
    assert model.dropMimeData(mime, Qt.MoveAction, 0, 0, QModelIndex()) is False
    assert prompts(window) == [before[2], before[0], before[1]]
    assert window.act_undo.text() == "Undo Move shot"
    window.act_undo.trigger()
    assert prompts(window) == before


def test_edit_prompt_by_typing_is_one_undo(window, qtbot):
    shot = window.doc.project.shots[1]
    window.storyboard.select([shot.id])
    editor = window.inspector.shot.prompt
    assert window.inspector.stack.currentWidget() is window.inspector.shot
    assert editor.toPlainText() == shot.prompt
    editor.selectAll()
    qtbot.keyClicks(editor, "a blue car at night")
    assert window.doc.project.shots[1].prompt == "a blue car at night"
    assert window.doc.undo_stack.count() == 1  # keystrokes merged into one entry
    assert window.act_undo.text() == "Undo Edit prompt"
    window.act_undo.trigger()
    assert window.doc.project.shots[1].prompt == "shot number 1 in a red room"
    assert editor.toPlainText() == "shot number 1 in a red room"  # the inspector follows
    window.act_redo.trigger()
    assert window.doc.project.shots[1].prompt == "a blue car at night"


def test_inspector_fields_and_delete(window):
    shot = window.doc.project.shots[0]
    window.storyboard.select([shot.id])
    page = window.inspector.shot
    page.duration.setValue(4.5)
    page.camera.setCurrentText("orbit")
    page.camera.activated.emit(page.camera.currentIndex())
    shot = window.doc.project.shot(shot.id)  # edits replace a shot by a changed copy
    assert shot.duration == 4.5 and shot.camera.value == "orbit"
    window.storyboard.select([s.id for s in window.doc.project.shots[:2]])
    window.storyboard.act_delete.trigger()
    assert len(window.doc.project.shots) == 1
    assert window.act_undo.text() == "Undo Delete 2 shots"
    window.act_undo.trigger()
    assert len(window.doc.project.shots) == 3
    assert window.doc.project.shots[0].duration == 4.5


def test_duplicate_keeps_fields_with_new_id(window):
    src = window.doc.project.shots[2]
    window.storyboard.select([src.id])
    window.storyboard.act_duplicate.trigger()
    copy = window.doc.project.shots[3]
    assert copy.prompt == src.prompt and copy.id != src.id and copy.seed == src.seed


def test_cameo_completion_offers_known_handles(window, qtbot):
    window.doc.project.shots[0].prompt = "@maya_k waves at @leo"
    window.storyboard.select([window.doc.project.shots[1].id])
    editor = window.inspector.shot.prompt
    editor.selectAll()
    qtbot.keyClicks(editor, "then @ma")
    assert editor.partial_handle() == "ma"
    assert editor.completer.completionCount() == 1
    editor.insert_completion("maya_k")
    assert window.doc.project.shots[1].prompt == "then @maya_k "
    assert window.doc.project.shots[1].cameos == ["maya_k"]
