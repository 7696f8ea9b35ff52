"""Issue 14 (7): after reordering shots, card numbers follow (no two cards carry the same
number) and the selection stays on the moved card."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt

from ui.storyboard.card import name_label


def _numbers(panel) -> list[str]:
    delegate = panel.view.itemDelegate()
    return [delegate.number(panel.model.index(r)) for r in range(panel.model.rowCount())]


def test_numbers_follow_a_reorder_and_never_repeat(window):
    sb = window.storyboard
    for i, shot in enumerate(window.doc.project.shots):  # named like the example script
        shot.name = str(i + 1)
    ids = [s.id for s in window.doc.project.shots]
    sb.select([ids[2]])
    sb.model.dropMimeData(
        sb.model.mimeData([sb.model.index(2)]), Qt.MoveAction, 0, 0, QModelIndex()
    )
    assert [s.id for s in window.doc.project.shots] == [ids[2], ids[0], ids[1]]
    assert sb.selected_ids() == [ids[2]]  # the moved card stays selected
    assert sb.view.currentIndex().row() == 0
    sb.select([ids[1]])
    new = sb.add_shot()  # an unnamed shot after the selected (last) one
    assert sb.selected_ids() == [new.id]
    numbers = _numbers(sb)
    assert numbers == ["1", "2", "3", "4"]  # positions: the stale "3" is not painted
    assert name_label(window.doc.project.shots[0]) == ""  # a bare-number name is no label


def test_selection_follows_alt_moves_and_undo(window):
    sb = window.storyboard
    ids = [s.id for s in window.doc.project.shots]
    sb.select([ids[0]])
    sb.move_selected(1)
    assert [s.id for s in window.doc.project.shots][1] == ids[0]
    assert sb.selected_ids() == [ids[0]]
    sb.move_selected(1)
    assert sb.selected_ids() == [ids[0]] and sb.model.row_of(ids[0]) == 2
    window.doc.undo_stack.undo()
    assert sb.model.row_of(ids[0]) == 1 and sb.selected_ids() == [ids[0]]
    assert _numbers(sb) == ["1", "2", "3"]


def test_a_real_name_is_a_chip(window):
    shot = window.doc.project.shots[0]
    shot.name = "1A"
    assert name_label(shot) == "1A"
