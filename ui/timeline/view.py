"""TimelineView: the editor's timeline — ruler, playhead, tracks, clips, drag/trim/split/delete.

Usage (main window):
    view = TimelineView(doc.project, doc.undo_stack, bus=doc, resolve=doc.resolve)
    view.playheadMoved.connect(player.seek)      # user moved the playhead (ruler, keys)
    player.positionChanged.connect(view.setPlayhead)  # never re-emits playheadMoved
    view.clipSelected.connect(inspector.show_clip)    # "" when nothing is selected
    view.clipMenuRequested.connect(add_remix_blend)   # (clip_id, QMenu): add your own actions
    timeline_menu.addActions(view.edit_actions())     # Split (S), Delete, Ripple delete, zoom...
    view.set_document(new_doc, new_doc.resolve)       # New / Open / recover

Every edit goes through the bus (ui.undo.EditBus.apply: the document, or a bare project's bus
made here) and the view redraws from the bus's `edited` signal only, like every other view.
Items are kept per clip id and only those of touched tracks are updated after an edit; zoom
re-positions items; the playhead repaints only the strips it leaves and enters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, Signal, Slot
from PySide6.QtGui import QAction, QColor, QKeySequence, QPainter, QPen, QUndoStack
from PySide6.QtWidgets import QApplication, QGraphicsScene, QGraphicsView, QMenu, QWidget

from studio.model import Project, TrackKind
from studio.model import edits as E
from studio.model.edits import Edit, EditError
from ui.timeline.drops import TimelineDrops
from ui.timeline.editing import ClipEditing
from ui.timeline.items import ClipItem, Layout, PaintContext
from ui.timeline.media import MediaCache
from ui.timeline.menu import build_clip_menu
from ui.timeline.ruler import HEADER_W, RULER_H, Ruler, TrackHeaders
from ui.undo import EditBus, ProjectBus, UndoId

MIN_PPF, MAX_PPF = 0.02, 48.0
SNAP_PX = 8
_PLAYHEAD = QColor("#ff4d4d")
_SNAP = QColor("#ffcc33")
_BG = QColor("#151a20")


@dataclass
class _Drag:
    clip_id: str
    zone: str  # "body", "in" or "out"
    grab: int  # frames between the press and the clip's start
    press: QPoint
    targets: list[int] = field(default_factory=list)
    key: object = field(default_factory=object)  # merges this drag's steps into one undo entry
    started: bool = False
    refused: bool = False  # a neighbour refused this drag (said once)


class TimelineView(QGraphicsView):
    playheadMoved = Signal(int)
    clipSelected = Signal(str)
    clipMenuRequested = Signal(str, QMenu)
    editFailed = Signal(str)

    def __init__(
        self,
        project: Project,
        undo_stack: QUndoStack,
        parent: QWidget | None = None,
        *,
        resolve: Callable[[str], Path] | None = None,
        bus: EditBus | None = None,
    ):
        super().__init__(parent)
        self.project, self.undo_stack = project, undo_stack
        self.bus = bus if bus is not None else ProjectBus(project, undo_stack, self)
        self.bus.edited.connect(self._on_edit)
        self.layout = Layout()
        self.media = MediaCache(self)
        self.ctx = PaintContext(project, self.layout, self.media, resolve)
        self._scene = QGraphicsScene(self)
        self.setScene(self._scene)
        self._items: dict[str, ClipItem] = {}
        self.playhead = 0
        self.selected_clip: str | None = None
        self.snapping = True
        self._drag: _Drag | None = None
        self._snap_x: float | None = None
        self._setup_view()
        self.seconds_mode = False  # the ruler shows seconds instead of timecode
        self._make_actions()
        self.media.ready.connect(self._media_ready)
        self.refresh()

    # --- set-up ---------------------------------------------------------------------------
    def _setup_view(self) -> None:
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setBackgroundBrush(_BG)
        self.setViewportMargins(HEADER_W, RULER_H, 0, 0)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontSavePainterState)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.ruler = Ruler(self)
        self.headers = TrackHeaders(self)
        self.horizontalScrollBar().valueChanged.connect(self.ruler.update)
        self.verticalScrollBar().valueChanged.connect(self.headers.update)

    def _make_actions(self) -> None:
        def act(text: str, keys: list, slot) -> QAction:
            a = QAction(text, self)
            a.setShortcuts([QKeySequence(k) for k in keys])
            a.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            a.triggered.connect(slot)
            self.addAction(a)
            return a

        self.action_split = act("Split at playhead", ["S"], self.split_at_playhead)
        self.action_delete = act("Delete clip", ["Delete", "Backspace"], self.delete_selected)
        self.action_ripple = act(
            "Ripple delete", ["Shift+Delete", "Shift+Backspace"], self.ripple_delete_selected
        )
        self.action_zoom_in = act("Zoom in", ["Ctrl+=", "Ctrl++"], lambda: self.zoom_by(1.5))
        self.action_zoom_out = act("Zoom out", ["Ctrl+-"], lambda: self.zoom_by(1 / 1.5))
        self.action_fit = act("Zoom to fit", ["Shift+Z"], self.fit)
        self.action_snap = act("Snapping", ["N"], self._toggle_snapping)
        self.action_snap.setCheckable(True)
        self.action_snap.setChecked(True)
        self.action_snap.setToolTip("Snapping (N); hold Shift while dragging to not snap")
        self.editing = ClipEditing(self)
        self.drops = TimelineDrops(self)

    def edit_actions(self) -> list[QAction]:
        """Timeline actions with their shortcuts, for the main window's menus."""
        return [
            self.action_split,
            self.action_delete,
            self.action_ripple,
            self.action_zoom_in,
            self.action_zoom_out,
            self.action_fit,
            self.action_snap,
            *self.editing.actions,
            self.drops.separator,
            *self.drops.mode_actions,
        ]

    def _toggle_snapping(self) -> None:
        self.snapping = self.action_snap.isChecked()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        r = self.viewport().geometry()
        self.ruler.setGeometry(r.left(), r.top() - RULER_H, r.width(), RULER_H)
        self.headers.setGeometry(r.left() - HEADER_W, r.top(), HEADER_W, r.height())
        self._update_scene_rect()

    # --- model sync -----------------------------------------------------------------------
    def set_document(self, bus: EditBus, resolve: Callable[[str], Path] | None = None) -> None:
        """Edit another document (New/Open/recover): the old one's signal is disconnected."""
        if bus is not self.bus:
            self.bus.edited.disconnect(self._on_edit)
            self.bus = bus
            bus.edited.connect(self._on_edit)
        self.undo_stack = bus.undo_stack
        self.set_project(bus.project, resolve)

    def set_project(self, project: Project, resolve: Callable[[str], Path] | None = None) -> None:
        """Show another project (New/Open); clears items, selection and playhead."""
        self.project = self.ctx.project = project
        self.ctx.paths.clear()
        if resolve is not None:
            self.ctx.resolve = resolve
        for item in self._items.values():
            self._scene.removeItem(item)
        self._items.clear()
        self.selected_clip = None
        self.playhead = 0
        self.refresh()

    def set_resolver(self, resolve: Callable[[str], Path] | None) -> None:
        self.ctx.resolve = resolve
        self.ctx.paths.clear()
        self.viewport().update()

    @Slot()
    def refresh(self) -> None:
        """Re-read the whole project (tracks added, takes changed elsewhere). Incremental:
        items are matched by clip id and only moved, created or removed as needed."""
        self.layout.build(self.project)
        self._sync(None)
        self.headers.update()

    def _sync(self, track_ids: set[str] | None) -> None:
        seen: set[str] = set()
        for track in self.project.tracks:
            if track_ids is not None and track.id not in track_ids:
                continue
            row = self.layout.by_track[track.id]
            for clip in track.clips:
                seen.add(clip.id)
                item = self._items.get(clip.id)
                if item is None:
                    item = self._items[clip.id] = ClipItem(self.ctx, clip, row)
                    item.selected = clip.id in self.editing.selected
                    self._scene.addItem(item)
                elif item.clip is not clip or item.row is not row:
                    item.place(clip, row)
                    item.update()
        for cid, item in list(self._items.items()):
            if cid not in seen and (track_ids is None or item.row.track_id in track_ids):
                self._scene.removeItem(item)
                del self._items[cid]
        if self.selected_clip is not None and self.selected_clip not in self._items:
            self.select(None)
        self._update_scene_rect()

    @Slot(object)
    def _on_edit(self, edit: Edit) -> None:
        if self.project is not self.bus.project:  # the project object was replaced
            self.set_project(self.bus.project)
            return
        if edit.tracks_changed or any(t not in self.layout.by_track for t in edit.track_ids):
            self.refresh()
        elif edit.track_ids:
            self._sync(edit.track_ids)
        elif edit.field_names:  # markers, In/Out
            self.ruler.update()
        else:
            return
        self.viewport().update()

    def _update_scene_rect(self) -> None:
        frames = self.project.duration_frames + 10 * self.project.fps
        width = max(self.layout.x(frames), self.viewport().width())
        self._scene.setSceneRect(QRectF(0, 0, width, max(self.layout.height, 1.0)))
        self.ruler.update()

    def _media_ready(self, _path: str) -> None:
        self.viewport().update()

    def item(self, clip_id: str) -> ClipItem | None:
        return self._items.get(clip_id)

    @property
    def item_count(self) -> int:
        return len(self._items)

    # --- playhead and selection -----------------------------------------------------------
    @Slot(int)
    def setPlayhead(self, frame: int) -> None:  # noqa: N802 - Qt-style slot name (brief API)
        """Move the playhead (e.g. from the player) without emitting playheadMoved."""
        frame = max(0, int(frame))
        if frame == self.playhead:
            return
        old = self.playhead
        self.playhead = frame
        self._update_strip(self.layout.x(old))
        self._update_strip(self.layout.x(frame))
        self.ruler.update()
        self._follow_playhead()

    def user_seek(self, frame: int) -> None:
        """The user moved the playhead here: move it and tell the player."""
        self.setPlayhead(frame)
        self.playheadMoved.emit(self.playhead)

    def _update_strip(self, x: float) -> None:
        top = self.mapFromScene(QPointF(x, 0))
        self.viewport().update(top.x() - 3, 0, 7, self.viewport().height())

    def _follow_playhead(self) -> None:
        x = self.layout.x(self.playhead)
        bar = self.horizontalScrollBar()
        width = self.viewport().width()
        if x < bar.value() or x > bar.value() + width:
            bar.setValue(int(max(0, x - width * 0.1)))

    @Slot(str)
    def select(self, clip_id: str | None) -> None:
        """Select a clip (or nothing) and emit clipSelected (\"\" for nothing) if it changed."""
        self.editing.set_selection([clip_id] if clip_id else [])

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:  # noqa: N802 - Qt API
        x = self.layout.x(self.playhead)
        if rect.left() - 2 <= x <= rect.right() + 2:
            painter.setPen(QPen(_PLAYHEAD, 1))
            painter.drawLine(QPointF(x, rect.top()), QPointF(x, rect.bottom()))
        if self._snap_x is not None:
            painter.setPen(QPen(_SNAP, 1, Qt.PenStyle.DashLine))
            painter.drawLine(
                QPointF(self._snap_x, rect.top()), QPointF(self._snap_x, rect.bottom())
            )

    # --- zoom -----------------------------------------------------------------------------
    def set_zoom(self, ppf: float, anchor_x: float | None = None) -> None:
        """Pixels per frame; the frame under viewport x `anchor_x` (default: centre) stays put."""
        ppf = min(MAX_PPF, max(MIN_PPF, ppf))
        bar = self.horizontalScrollBar()
        ax = self.viewport().width() / 2 if anchor_x is None else anchor_x
        frame = (bar.value() + ax) / self.layout.ppf
        self.layout.ppf = ppf
        for item in self._items.values():
            item.place(item.clip, item.row)
        self._update_scene_rect()
        bar.setValue(int(frame * ppf - ax))
        self.viewport().update()

    def zoom_by(self, factor: float, anchor_x: float | None = None) -> None:
        self.set_zoom(self.layout.ppf * factor, anchor_x)

    def fit(self) -> None:
        """Zoom so the whole edit fits the visible width."""
        frames = max(1, self.project.duration_frames)
        self.set_zoom(max(1.0, self.viewport().width() - 16) / frames)
        self.horizontalScrollBar().setValue(0)

    def wheelEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y() / 120
            self.zoom_by(1.25**steps, event.position().x())
            event.accept()
        else:
            super().wheelEvent(event)

    # --- edits ----------------------------------------------------------------------------
    def push(self, op, *args, drag: object | None = None, **kwargs) -> Edit | None:
        """Apply an edits.* operation as one undoable command; a refusal goes to editFailed."""
        merge = UndoId.DRAG if drag is not None else None
        try:
            return self.bus.apply(op, *args, merge=merge, key=drag, **kwargs)
        except EditError as exc:
            self.editFailed.emit(str(exc))
            return None

    def clip_under_playhead(self) -> str | None:
        """The selected clip if the playhead is inside it, else the topmost one there."""
        inside = lambda c: c.start < self.playhead < c.end  # noqa: E731
        if self.selected_clip:
            try:
                _, clip = self.project.find_clip(self.selected_clip)
                if inside(clip):
                    return clip.id
            except KeyError:
                pass
        for row in self.layout.rows:
            track = E.track_by_id(self.project, row.track_id)
            for clip in track.clips:
                if inside(clip):
                    return clip.id
        return None

    def split_at_playhead(self) -> Edit | None:
        clip_id = self.clip_under_playhead()
        if clip_id is None:
            self.editFailed.emit("no clip under the playhead to split")
            return None
        return self.push(E.split_clip, clip_id, self.playhead)

    def delete_selected(self) -> Edit | None:
        if self.editing.delete():  # several clips: one edit
            return None
        return self.push(E.delete_clip, self.selected_clip) if self.selected_clip else None

    def ripple_delete_selected(self) -> Edit | None:
        return self.push(E.ripple_delete, self.selected_clip) if self.selected_clip else None

    # --- mouse ----------------------------------------------------------------------------
    def _item_at(self, pos: QPoint) -> ClipItem | None:
        for item in self.items(pos):
            if isinstance(item, ClipItem):
                return item
        return None

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.button() != Qt.MouseButton.LeftButton:
            return super().mousePressEvent(event)
        pos = event.position().toPoint()
        item = self._item_at(pos)
        self.setFocus()
        extend = event.modifiers() & (
            Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier
        )
        if item is None:
            if not extend:
                self.select(None)
            self.editing.begin_band(pos)
            return
        if extend:
            self.editing.toggle(item.clip_id)
            return
        if item.clip_id not in self.editing.selected:
            self.select(item.clip_id)
        scene = self.mapToScene(pos)
        zone = item.zone(item.mapFromScene(scene).x())
        self.begin_drag(item.clip_id, zone, scene.x(), pos)

    def begin_drag(
        self, clip_id: str, zone: str, scene_x: float, press: QPoint | None = None
    ) -> None:
        """Start moving ('body') or trimming ('in'/'out') a clip; used by the mouse and tests."""
        _, clip = self.project.find_clip(clip_id)
        grab = self.layout.frame_at(scene_x) - clip.start
        targets = E.snap_targets(self.project, self.playhead, exclude=clip_id)
        self._drag = _Drag(clip_id, zone, grab, press or QPoint(), targets)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 - Qt API
        pos = event.position().toPoint()
        drag = self._drag
        if self.editing.band_active():
            self.editing.move_band(pos)
            return
        if drag is None:
            self._hover_cursor(pos)
            return super().mouseMoveEvent(event)
        if (
            not drag.started
            and (pos - drag.press).manhattanLength() < QApplication.startDragDistance()
        ):
            return
        drag.started = True
        self.drops.modifiers = event.modifiers()
        snap = self.snapping and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        self.drag_to(self.mapToScene(pos), snap)

    def drag_to(self, scene: QPointF, snap: bool = True) -> None:
        """One step of the current drag to a scene point (merged into the drag's undo entry)."""
        drag = self._drag
        if drag is None:
            return
        try:
            track, clip = self.project.find_clip(drag.clip_id)
        except KeyError:
            self._drag = None
            return
        frame = self.layout.frame_at(scene.x())
        threshold = int(SNAP_PX / self.layout.ppf) if snap else -1
        self._snap_x = None
        if drag.zone == "body":
            self._drag_move(drag, track, clip, frame, scene.y(), threshold)
        else:
            edge = E.snap(frame, drag.targets, threshold) if threshold >= 0 else frame
            if edge != frame:
                self._snap_x = self.layout.x(edge)
            self.push(E.trim_clip, clip.id, drag.zone, edge, drag=drag.key)
        self.viewport().update()

    def _drag_move(self, drag: _Drag, track, clip, frame: int, y: float, threshold: int) -> None:
        start = max(0, frame - drag.grab)
        row = self.layout.row_at(y)
        dst = row.track_id if row is not None and row.kind == track.kind else track.id
        if threshold >= 0:
            snapped = E.snap_span(start, clip.duration, drag.targets, threshold)
            if snapped != start:
                edges = (snapped, snapped + clip.duration)
                self._snap_x = self.layout.x(next(e for e in edges if e in drag.targets))
            start = snapped
        if self.drops.hold(clip.id, start, dst):  # insert/overwrite: lands on release
            self._snap_x = self.layout.x(start)
            return
        free = E.free_start(self.project, clip.id, start, dst)
        if free != start and not drag.refused:
            drag.refused = True  # say so once per drag, not at every mouse move
            self.editFailed.emit(
                "no room there: a neighbouring clip is in the way (held at the nearest gap)"
            )
        if free is None or (free == clip.start and dst == track.id):
            return
        self.push(E.move_clip, clip.id, free, dst, drag=drag.key)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt API
        if self.editing.band_active():
            self.editing.end_band(bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier))
            return
        if self._drag is not None and event.button() == Qt.MouseButton.LeftButton:
            self.end_drag()
            return
        super().mouseReleaseEvent(event)

    def end_drag(self) -> None:
        self._drag = None
        self.drops.release()
        self._snap_x = None
        self.viewport().update()

    def _hover_cursor(self, pos: QPoint) -> None:
        item = self._item_at(pos)
        if item is None:
            self.viewport().unsetCursor()
            return
        zone = item.zone(item.mapFromScene(self.mapToScene(pos)).x())
        shape = Qt.CursorShape.OpenHandCursor if zone == "body" else Qt.CursorShape.SizeHorCursor
        self.viewport().setCursor(shape)

    # --- context menu ---------------------------------------------------------------------
    def clip_menu(self, clip_id: str) -> QMenu:
        """The clip's context menu (split, delete, transitions, swap take, plus whatever
        clipMenuRequested receivers add)."""
        menu = build_clip_menu(self, clip_id)
        self.clipMenuRequested.emit(clip_id, menu)
        return menu

    def contextMenuEvent(self, event) -> None:  # noqa: N802 - Qt API
        item = self._item_at(event.pos())
        if item is None:
            return
        self.select(item.clip_id)
        self.clip_menu(item.clip_id).exec(event.globalPos())

    def video_rows(self) -> list[str]:
        return [r.track_id for r in self.layout.rows if r.kind == TrackKind.VIDEO]
