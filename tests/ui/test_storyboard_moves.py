"""Issue 11, defect 12: moving shots tells the storyboard's views a row move (a reset made a
1,000-row list lay out and re-select everything); the rows follow the project either way."""

from __future__ import annotations

import pytest
from PySide6.QtTest import QAbstractItemModelTester

from studio.model import Project, Shot
from studio.model.shot_edits import move_shots
from ui.document import Document
from ui.storyboard.model import SHOT_ID_ROLE, ShotListModel


@pytest.mark.parametrize(
    ("ids", "index"),
    [(["s2"], 0), (["s0"], 5), (["s1", "s2"], 6), (["s5"], 1), (["s0", "s3"], 6)],
)
def test_a_moved_block_is_a_row_move(qapp, ids, index):
    doc = Document.new(Project(shots=[Shot(id=f"s{i}", prompt="p") for i in range(6)]))
    model = ShotListModel(doc)
    tester = QAbstractItemModelTester(model)  # fails on inconsistent row signals
    moves, resets = [], []
    model.rowsMoved.connect(lambda *a: moves.append(a))
    model.modelReset.connect(lambda: resets.append(1))
    move_shots(doc.project, ids, index)
    reset = model.sync()
    rows = [model.index(r).data(SHOT_ID_ROLE) for r in range(model.rowCount())]
    assert rows == [s.id for s in doc.project.shots]
    contiguous = ids != ["s0", "s3"]
    assert reset is not contiguous and bool(moves) is contiguous and bool(resets) is not contiguous
    del tester
