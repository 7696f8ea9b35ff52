"""A list model over the project's shots; drops become move_shots edits."""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QByteArray, QMimeData, QModelIndex, Qt

from studio.model.shot_edits import move_shots
from ui.document import Document

SHOT_ID_ROLE = Qt.UserRole + 1
MIME = "application/x-storyboard-shot-ids"


class ShotListModel(QAbstractListModel):
    def __init__(self, doc: Document, parent=None):
        super().__init__(parent)
        self.doc = doc
        self._ids = [s.id for s in doc.project.shots]  # the rows the views know

    def set_document(self, doc: Document) -> None:
        self.beginResetModel()
        self.doc = doc
        self._ids = [s.id for s in doc.project.shots]
        self.endResetModel()

    # --- reading ------------------------------------------------------------------------
    def rowCount(self, parent=None) -> int:  # noqa: N802 - Qt API
        return 0 if parent is not None and parent.isValid() else len(self.doc.project.shots)

    def shot_at(self, row: int):
        return self.doc.project.shots[row]

    def row_of(self, shot_id: str) -> int:
        for i, s in enumerate(self.doc.project.shots):
            if s.id == shot_id:
                return i
        return -1

    def data(self, index: QModelIndex, role: int = Qt.DisplayRole):
        if not index.isValid() or index.row() >= len(self.doc.project.shots):
            return None
        shot = self.shot_at(index.row())
        if role == SHOT_ID_ROLE:
            return shot.id
        if role == Qt.DisplayRole:
            return shot.prompt
        if role == Qt.ToolTipRole:
            lines = "".join(f"\n{d.speaker}: \u201c{d.text}\u201d" for d in shot.dialogue)
            return f"{shot.prompt}\n{shot.duration:g} s · {shot.camera.value}{lines}"
        return None

    def shot_changed(self, shot_id: str) -> None:
        row = self.row_of(shot_id)
        if row >= 0:
            idx = self.index(row)
            self.dataChanged.emit(idx, idx)

    def refresh(self) -> None:
        self.beginResetModel()
        self._ids = [s.id for s in self.doc.project.shots]
        self.endResetModel()

    def sync(self) -> bool:
        """Tell the views which rows were inserted, removed or moved (a 1,000-shot list is not
        laid out again for one new shot); returns True when it had to reset (a reorder that is
        not one moved block)."""
        old, new = self._ids, [s.id for s in self.doc.project.shots]
        p = 0
        while p < min(len(old), len(new)) and old[p] == new[p]:
            p += 1
        q = 0
        while q < min(len(old), len(new)) - p and old[-1 - q] == new[-1 - q]:
            q += 1
        gone, added = len(old) - p - q, len(new) - p - q
        if gone == added == 0:
            return False
        if gone == 0:
            self.beginInsertRows(QModelIndex(), p, p + added - 1)
            self._ids = new
            self.endInsertRows()
            return False
        if added == 0:
            self.beginRemoveRows(QModelIndex(), p, p + gone - 1)
            self._ids = new
            self.endRemoveRows()
            return False
        if self._moved_block(old, new, p, gone):
            return False
        self.refresh()
        return True

    def _moved_block(self, old: list[str], new: list[str], p: int, n: int) -> bool:
        """Rows p..p+n-1 that are the old ones rotated (one block of shots moved): tell the
        views it was a move (a reset lays out and re-selects all 1,000 rows)."""
        mid, now = old[p : p + n], new[p : p + n]
        try:
            a = n - now.index(mid[0])  # mid = A + B became B + A, len(A) == a
        except ValueError:
            return False
        if not 0 < a < n or now != mid[a:] + mid[:a]:
            return False
        if a <= n - a:  # move A down, after B
            ok = self.beginMoveRows(QModelIndex(), p, p + a - 1, QModelIndex(), p + n)
        else:  # move B up, before A
            ok = self.beginMoveRows(QModelIndex(), p + a, p + n - 1, QModelIndex(), p)
        if not ok:
            return False
        self._ids = new
        self.endMoveRows()
        return True

    # --- drag and drop ------------------------------------------------------------------
    def flags(self, index: QModelIndex):
        base = Qt.ItemIsEnabled | Qt.ItemIsSelectable | Qt.ItemIsDragEnabled
        return base if index.isValid() else Qt.ItemIsDropEnabled

    def supportedDropActions(self):
        return Qt.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME]

    def mimeData(self, indexes) -> QMimeData:
        rows = sorted({i.row() for i in indexes})
        data = QMimeData()
        ids = ",".join(self.shot_at(r).id for r in rows)
        data.setData(MIME, QByteArray(ids.encode()))
        return data

    def canDropMimeData(self, data, action, row, column, parent) -> bool:
        return data.hasFormat(MIME)

    def dropMimeData(self, data: QMimeData, action, row: int, column: int, parent) -> bool:
        """Reorder through the undo stack; returns False so the view removes nothing itself."""
        if not data.hasFormat(MIME):
            return False
        ids = bytes(data.data(MIME)).decode().split(",")
        if row < 0:
            row = parent.row() if parent.isValid() else self.rowCount()
        current = [s.id for s in self.doc.project.shots]
        order = [i for i in current if i not in ids]
        at = len([i for i in current[:row] if i not in ids])
        if order[:at] + ids + order[at:] != current:
            self.doc.apply(move_shots, ids, row)
        return False
