"""The main window: composes the docks, the preview and the menus; holds no editing logic."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QTabBar,
    QVBoxLayout,
    QWidget,
)

from studio import __version__
from studio.layout.storyboard import follows_storyboard
from studio.model import Operation, TrackRole
from studio.model.edit import Edit, EditError
from studio.model.media_edits import place_media, remove_media
from ui import menus, settings
from ui.cameo_panel import CameoPanel
from ui.cast_panel import CastPanel
from ui.context import EditorContext
from ui.document import Document
from ui.empty_hint import EmptyHint, is_empty
from ui.file_ops import FileOps
from ui.inspector import InspectorPanel
from ui.media_bin import MediaBin
from ui.player import PreviewPlayer
from ui.player.live import LivePreview
from ui.presets_browser import PresetsBrowser
from ui.render_queue import RenderQueuePanel
from ui.storyboard import StoryboardPanel
from ui.timeline import TimelineView

LAYOUT_VERSION = 1
FOLLOWS_TEXT = "Timeline follows the storyboard"
DIFFERS_TEXT = "Timeline differs from the storyboard (hand edits)"


def _scrolling(widget: QWidget) -> QScrollArea:
    """Tall panels scroll instead of forcing their tab group (and its neighbours) to grow."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.NoFrame)
    area.setWidget(widget)
    return area


class MainWindow(QMainWindow):
    offer_recovery_on_show = True  # off for --screenshot runs, which must never block

    def __init__(self, doc: Document, engine, parent=None):
        super().__init__(parent)
        self.setObjectName("MainWindow")
        self.setDockNestingEnabled(True)
        self.resize(1600, 960)
        self.ctx = EditorContext(doc, engine, self)
        self.files = FileOps(self, self.ctx)
        self.storyboard = StoryboardPanel(self.ctx)
        self.inspector = InspectorPanel(self.ctx)
        self.queue = RenderQueuePanel(self.ctx)
        self.presets = PresetsBrowser(self.ctx)
        self.timeline = TimelineView(doc.project, doc.undo_stack, bus=doc, resolve=doc.resolve)
        self.player = PreviewPlayer()
        self.player.set_project(doc.project, doc.resolve)
        self._center = QWidget()
        QVBoxLayout(self._center).setContentsMargins(0, 0, 0, 0)
        self.empty_hint = EmptyHint(
            lambda: self.storyboard.act_add.trigger(),
            lambda: self.files.import_storyboard(),
            lambda: self.files.open_example(),
            lambda: self.files.import_media(),
        )
        self._center.layout().addWidget(self.empty_hint)
        self._center.layout().addWidget(self.player)
        self.setCentralWidget(self._center)
        self.docks = {}
        self._dock("storyboard", "Storyboard", self.storyboard, Qt.LeftDockWidgetArea)
        self.media_bin = MediaBin(doc.resolve)
        self._dock("media", "Media", self.media_bin, Qt.LeftDockWidgetArea)
        self.cast = CastPanel(self.ctx)
        self._dock("cast", "Cast", self.cast, Qt.LeftDockWidgetArea)
        self._dock("timeline", "Timeline", self.timeline, Qt.BottomDockWidgetArea)
        self._dock("inspector", "Inspector", self.inspector, Qt.RightDockWidgetArea)
        self._dock("queue", "Render Queue", self.queue, Qt.RightDockWidgetArea)
        self._dock("presets", "Presets", _scrolling(self.presets), Qt.RightDockWidgetArea)
        self.cameos = CameoPanel(doc.project)
        self._dock("cameos", "Cameos", _scrolling(self.cameos), Qt.RightDockWidgetArea)
        # tabbed only once every dock is in (tabbing while docks are still being added
        # left a stale tab bar drawn over the timeline)
        self.tabifyDockWidget(self.docks["storyboard"], self.docks["media"])
        self.tabifyDockWidget(self.docks["storyboard"], self.docks["cast"])
        self.tabifyDockWidget(self.docks["queue"], self.docks["presets"])
        self.tabifyDockWidget(self.docks["queue"], self.docks["cameos"])
        self.docks["storyboard"].raise_()
        self.media_bin.placeRequested.connect(self._place_media)
        self.media_bin.removeRequested.connect(lambda p: self.doc.apply(remove_media, p))
        self.timeline.drops.import_files = lambda paths, at: self.files.import_media(paths, at)
        self.setAcceptDrops(True)
        self.docks["queue"].raise_()
        self.default_state = None  # taken after the first show, once docks have real sizes
        menus.build(self)
        self.storyboard.selectionChanged.connect(self.inspector.show_shots)
        self.storyboard.remixRequested.connect(self.remix_shot)
        self.storyboard.blendRequested.connect(self.blend_shots)
        self.ctx.generator.refused.connect(self._refused)
        self.ctx.generator.landingFailed.connect(lambda _j, m: self.statusBar().showMessage(m))
        self.ctx.documentChanged.connect(self._document_changed)
        self.player.statusMessage.connect(lambda m: self.statusBar().showMessage(m, 6000))
        self.storyboard_state = QLabel()
        self.storyboard_state.setProperty("role", "dim")
        self.statusBar().addPermanentWidget(self.storyboard_state)
        self._state_timer = QTimer(self, singleShot=True, interval=250)
        self._state_timer.timeout.connect(self._update_storyboard_state)
        self._hooked: Document | None = None
        self._hook_document()
        self._hook_timeline()
        self.media_bin.show_media(doc.project.media)
        self.restore_layout()
        self._update_title()
        self._update_empty()
        self._select_first_shot()

    def _select_first_shot(self) -> None:
        """Open on the first shot, so the inspector shows something to edit."""
        if self.doc.project.shots:
            self.storyboard.select([self.doc.project.shots[0].id])

    def _dock(self, key: str, title: str, widget: QWidget, area) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock-{key}")
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetMovable
            | QDockWidget.DockWidgetFloatable
            | QDockWidget.DockWidgetClosable
        )
        self.addDockWidget(area, dock)
        self.docks[key] = dock
        return dock

    @property
    def doc(self) -> Document:
        return self.ctx.doc

    # --- document wiring ----------------------------------------------------------------
    def _hook_document(self) -> None:
        """Listen to the open document (and only it: the closed one is disconnected)."""
        old, doc = self._hooked, self.doc
        if old is doc:
            return
        if old is not None:
            for signal, slot in self._doc_slots(old):
                signal.disconnect(slot)
        for signal, slot in self._doc_slots(doc):
            signal.connect(slot)
        self._hooked = doc
        self._state_timer.start()

    def _doc_slots(self, doc: Document) -> list:
        return [
            (doc.dirtyChanged, self._update_title),
            (doc.pathChanged, self._update_title),
            (doc.edited, self._edited),
            (doc.autosaved, self._autosaved),
        ]

    def _autosaved(self, _path: str) -> None:
        self.statusBar().showMessage("Autosaved", 3000)

    def _edited(self, edit: Edit) -> None:
        """The player re-reads the timeline after edits that touch clips or takes."""
        if {"format", "fps"} & edit.field_names:
            self.player.set_project(self.doc.project, self.doc.resolve)
        elif edit.track_ids or edit.tracks_changed or edit.take_ids:
            self.player.refresh()
        if "media" in edit.field_names:
            self.media_bin.show_media(self.doc.project.media)
        if "title" in edit.field_names:
            self._update_title()
        self._update_empty()
        if edit.track_ids or edit.tracks_changed or edit.shot_ids or edit.shots_reordered:
            self._state_timer.start()  # coalesced: checking costs a rebuild

    def _update_storyboard_state(self) -> None:
        follows = follows_storyboard(self.doc.project)
        self.storyboard_state.setText(FOLLOWS_TEXT if follows else DIFFERS_TEXT)

    def _hook_timeline(self) -> None:
        """Wire the timeline to the player and inspector, once (the widgets outlive documents)."""
        tl, pl = self.timeline, self.player
        tl.clipSelected.connect(self.inspector.show_clip)
        tl.playheadMoved.connect(pl.seek)
        pl.positionChanged.connect(tl.setPlayhead)
        tl.editFailed.connect(lambda m: self.statusBar().showMessage(m, 5000))
        self.inspector.editFailed.connect(lambda m: self.statusBar().showMessage(m, 5000))
        tl.clipMenuRequested.connect(self._clip_menu)
        self.live = LivePreview(
            self.ctx.bridge, self.ctx.generator, pl.screen, self.live_target_shot, self
        )
        pl.positionChanged.connect(lambda _frame: self.live.update())
        self.storyboard.selectionChanged.connect(lambda _ids: self.live.update())

    def live_target_shot(self) -> str | None:
        """The shot whose generation the viewer shows: under the playhead, else selected."""
        frame = self.player.position
        for track in self.doc.project.tracks:
            if track.role == TrackRole.STORYBOARD_VIDEO:
                for clip in track.clips:
                    if clip.shot_id and clip.start <= frame < clip.end:
                        return clip.shot_id
        ids = self.storyboard.selected_ids()
        return ids[0] if ids else None

    def _clip_menu(self, clip_id: str, menu) -> None:
        """Remix / Blend / Extend / Loop on a timeline clip's context menu (its own menu has
        the one "Swap take"); Edit Title on a title clip."""
        try:
            _track, clip = self.doc.project.find_clip(clip_id)
        except KeyError:
            return
        if clip.title is not None:
            menu.addSeparator()
            menu.addAction("Edit Title…", lambda: self.edit_title(clip_id))
        if not clip.shot_id:
            return
        menu.addSeparator()
        menu.addAction("Remix…", lambda: self.remix_shot(clip.shot_id))
        menu.addAction("Blend with…", lambda: self.blend_shots([clip.shot_id]))
        gen, shot_id = self.ctx.generator, clip.shot_id
        menu.addAction(
            "Extend 2 s Forward", lambda: gen.continue_take(shot_id, Operation.EXTEND, 2.0)
        )
        menu.addAction(
            "Extend 2 s Backward",
            lambda: gen.continue_take(shot_id, Operation.EXTEND, 2.0, backwards=True),
        )
        menu.addAction("Make Seamless Loop", lambda: gen.continue_take(shot_id, Operation.LOOP))

    def _document_changed(self) -> None:
        """A different project (open/new/recover): the same widgets now show it."""
        self._hook_document()
        self.timeline.set_document(self.doc, self.doc.resolve)
        self.player.set_project(self.doc.project, self.doc.resolve)
        self.cameos.project = self.doc.project
        self.media_bin.resolve = self.doc.resolve
        self.media_bin.show_media(self.doc.project.media)
        menus.bind_undo(self)
        self._update_title()
        self._update_empty()
        self._select_first_shot()

    def _update_empty(self) -> None:
        """An empty project shows what to do instead of a black preview."""
        empty = is_empty(self.doc.project)
        self.empty_hint.setVisible(empty)
        self.player.setVisible(not empty)

    def _update_title(self, *_args) -> None:
        self.setWindowTitle(f"{self.doc.display_name}[*] — Storyboard Studio")
        self.setWindowModified(self.doc.dirty)

    def _refused(self, message: str) -> None:
        QMessageBox.warning(self, "Generation refused", message)

    # --- media ---
    def _place_media(self, path: str, audio_track: str) -> None:
        item = next((m for m in self.doc.project.media if m.path == path), None)
        if item is None:
            return
        try:
            self.doc.apply(place_media, item, self.timeline.playhead, audio_track=audio_track)
        except EditError as exc:
            self.statusBar().showMessage(str(exc), 5000)

    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802 - Qt API
        """Files dropped from the desktop anywhere on the window: imported at the playhead."""
        files = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if files:
            event.acceptProposedAction()
            self.files.import_media(files)

    # --- dialogs ---
    def add_title(self) -> None:
        from ui.dialogs.title import add_title_at

        add_title_at(self.doc, self.timeline.playhead, self)

    def edit_title(self, clip_id: str) -> None:
        from ui.dialogs.title import edit_title

        edit_title(self.doc, clip_id, self)

    def remix_shot(self, shot_id: str) -> None:
        from ui.dialogs.remix import RemixDialog

        RemixDialog.run(self.ctx, shot_id, self)

    def blend_shots(self, shot_ids: list[str]) -> None:
        from ui.dialogs.blend import BlendDialog

        BlendDialog.run(self.ctx, shot_ids, self)

    def export(self) -> None:
        from ui.dialogs.export import ExportDialog

        ExportDialog(self.ctx, self).exec()

    def about(self) -> None:
        QMessageBox.about(
            self,
            "About Storyboard Studio",
            f"Storyboard Studio {__version__}\nStoryboards to AI-generated short "
            "films, on your own machine.",
        )

    def set_seconds_mode(self, on: bool) -> None:
        """Times as HH:MM:SS:FF (default) or seconds, in the player, ruler and inspector."""
        self.player.set_seconds_mode(on)
        self.timeline.seconds_mode = on
        self.timeline.ruler.update()
        self.inspector.clip.seconds_mode = on
        self.inspector.clip.refresh()
        s = settings.settings()
        s.setValue("view/seconds", on)
        s.sync()

    # --- layout -------------------------------------------------------------------------
    def restore_layout(self) -> None:
        s = settings.settings()
        geometry = s.value("window/geometry")
        state = s.value("window/state")
        if isinstance(geometry, QByteArray | bytes):
            self.restoreGeometry(geometry)
        else:  # first start: fill the screen's available area
            self._fill_screen = True
        self._restored = isinstance(state, QByteArray | bytes) and self.restoreState(
            state, LAYOUT_VERSION
        )

    def save_layout(self) -> None:
        s = settings.settings()
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState(LAYOUT_VERSION))
        s.sync()

    def reset_layout(self) -> None:
        if self.default_state is not None:
            self.restoreState(self.default_state, LAYOUT_VERSION)
        for dock in self.docks.values():
            dock.show()

    def closeEvent(self, event) -> None:
        if not self.files.maybe_save():
            event.ignore()
            return
        self.save_layout()
        self.doc.close()
        event.accept()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._first_show()
        QTimer.singleShot(0, self._check_recovery_once)

    def _first_show(self) -> None:
        if self.default_state is not None:
            return
        if not self._restored:
            QTimer.singleShot(0, self._default_sizes)
        else:
            self.default_state = self.saveState(LAYOUT_VERSION)

    def _default_sizes(self) -> None:
        """First-run proportions: wide preview, full-height inspector, a generous timeline."""
        if getattr(self, "_fill_screen", False):
            self._fill_screen = False
            screen = self.screen() or QGuiApplication.primaryScreen()
            if screen is not None:
                self.setGeometry(screen.availableGeometry())
        h = self.height()
        w = self.width()
        side = max(300, min(440, int(w * 0.22)))  # 1920: 422 px, 1366: 300 px
        self.resizeDocks(
            [self.docks["storyboard"], self.docks["inspector"]], [side, side], Qt.Horizontal
        )
        # inspector and the queue / presets / cameos tabs share the right column evenly, so
        # the tabs are usable docked (they were ~170 px tall)
        self.resizeDocks(
            [self.docks["inspector"], self.docks["queue"]],
            [int(h * 0.5), int(h * 0.5)],
            Qt.Vertical,
        )
        self.resizeDocks(
            [self.docks["timeline"]], [int(h * (0.28 if h > 900 else 0.3))], Qt.Vertical
        )
        self.default_state = self.saveState(LAYOUT_VERSION)
        QTimer.singleShot(0, self._hide_stale_tab_bars)

    def _hide_stale_tab_bars(self) -> None:
        """Qt can leave an old dock tab bar (a group's earlier tabs) drawn over the timeline
        after the first resize; hide any whose tabs are no current group of docks."""
        groups = set()
        for dock in self.docks.values():
            tabbed = [dock, *self.tabifiedDockWidgets(dock)]
            groups.add(frozenset(d.windowTitle() for d in tabbed))
        for bar in self.findChildren(QTabBar):
            if bar.parent() is not self:
                continue
            tabs = frozenset(bar.tabText(i) for i in range(bar.count()))
            if tabs and tabs not in groups:
                bar.hide()

    def _check_recovery_once(self) -> None:
        if getattr(self, "_recovery_checked", False) or not self.offer_recovery_on_show:
            return
        self._recovery_checked = True
        if self.doc.has_recovery() and not self.doc.untitled:
            self.files.offer_recovery(self.doc)
