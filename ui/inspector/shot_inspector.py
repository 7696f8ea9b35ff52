"""Inspector page for a shot: prompt (@cameo completion), preset, camera, duration, seed,
reference image (first frame) and its strength, last frame, keyframes, spoken lines,
transition, sound, the shot's own LoRAs and its takes.

Fields commit when editing finishes (Enter / focus out) through `set_shot_fields`, the same
edit algebra as the timeline; a duration or transition change reaches the storyboard track
keeping hand edits (studio.layout.storyboard). See ui.inspector.fields for wheel and undo keys.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from studio.errors import StudioError
from studio.layout.landing import switch_take
from studio.media.check import image_problem
from studio.model import Camera, TransitionKind
from studio.model.edit import EditError
from studio.model.lora_edits import set_shot_loras
from studio.model.shot_edits import set_shot_fields
from studio.render_service.takes import MAX_VARIATIONS
from ui.inspector.fields import FieldGuard, commit_on_finish
from ui.inspector.lines_keys import DialogueEditor, KeyframeEditor
from ui.inspector.lora_list import LoraList
from ui.inspector.prompt_edit import PromptEdit, cast_names, known_handles
from ui.swatches import swatch_icon
from ui.undo import UndoId

TAKE_ROLE = Qt.UserRole + 1
# typed or stepped fields: consecutive edits of one field of one shot are one undo entry
MERGED_FIELDS = {
    "prompt",
    "duration",
    "seed",
    "audio",
    "transition_duration",
    "name",
    "image_strength",
}


class ShotInspector(QWidget):
    editFailed = Signal(str)  # a refused edit's reason, for the status bar

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.shot_id: str | None = None
        self._updating = False
        self.heading = QLabel("Shot")
        self.heading.setProperty("role", "heading")
        self.name = QLineEdit(placeholderText="label, e.g. 1A")
        self.prompt = PromptEdit()
        self.prompt.setMinimumHeight(90)
        self.prompt.handles_provider = lambda: known_handles(self.ctx.doc.project)
        self.prompt.names_provider = lambda: cast_names(self.ctx.doc.project)
        self.preset = QComboBox()
        # long preset names are cut, not a reason for the inspector to scroll sideways
        self.preset.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.preset.setMinimumContentsLength(10)
        self.camera = QComboBox()
        self.camera.addItems([c.value for c in Camera])
        self.duration = QDoubleSpinBox(
            minimum=0.1, maximum=600, singleStep=0.5, decimals=1, suffix=" s"
        )
        self.seed = QSpinBox(minimum=0, maximum=2**31 - 1)
        self.seed_random = QCheckBox("random")
        self.image = QLineEdit(readOnly=True, placeholderText="none")
        browse, clear = QPushButton("Choose…"), QPushButton("Clear")
        self.transition = QComboBox()
        self.transition.addItems([t.value for t in TransitionKind])
        self.transition_len = QDoubleSpinBox(
            minimum=0, maximum=10, singleStep=0.1, decimals=2, suffix=" s"
        )
        self.image_strength = QDoubleSpinBox(minimum=0, maximum=1, singleStep=0.05, decimals=2)
        self.image_strength.setToolTip("How strictly the first frame is held (1: exactly)")
        self.last_image = QLineEdit(readOnly=True, placeholderText="none")
        last_browse, last_clear = QPushButton("Choose…"), QPushButton("Clear")
        self.keyframes = KeyframeEditor()
        self.dialogue = DialogueEditor()
        self.audio = QLineEdit(placeholderText="sound description (optional)")
        self.loras = LoraList(lambda: self.ctx.doc.bundle.path)
        self.loras.setToolTip(
            "This shot's own LoRAs (diffusion models only), after the storyboard's"
        )
        self.takes = QListWidget()
        self.takes.setMaximumHeight(120)

        form = self.form = QFormLayout()
        form.setLabelAlignment(Qt.AlignRight)
        form.addRow("Label", self.name)
        form.addRow("Prompt", self.prompt)
        form.addRow("Preset", self.preset)
        form.addRow("Camera", self.camera)
        form.addRow("Duration", self.duration)
        seed_row = QHBoxLayout()
        seed_row.addWidget(self.seed, 1)
        seed_row.addWidget(self.seed_random)
        form.addRow("Seed", seed_row)
        img_row = QHBoxLayout()
        img_row.addWidget(self.image, 1)
        img_row.addWidget(browse)
        img_row.addWidget(clear)
        form.addRow("Reference", img_row)
        form.addRow("Strength", self.image_strength)
        last_row = QHBoxLayout()
        last_row.addWidget(self.last_image, 1)
        last_row.addWidget(last_browse)
        last_row.addWidget(last_clear)
        form.addRow("Last frame", last_row)
        form.addRow("Keyframes", self.keyframes)
        form.addRow("Lines", self.dialogue)
        tr_row = QHBoxLayout()
        tr_row.addWidget(self.transition, 1)
        tr_row.addWidget(self.transition_len)
        form.addRow("Transition", tr_row)
        form.addRow("Sound", self.audio)
        form.addRow("LoRAs", self.loras)
        form.addRow("Takes", self.takes)
        form.addRow("Takes", self._variations_row())
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(form)
        layout.addStretch(1)

        for spin in (self.duration, self.seed, self.transition_len, self.image_strength):
            commit_on_finish(spin)
        self.guard = FieldGuard(lambda: self.ctx.doc.undo_stack, self)
        self.guard.watch(
            self.name,
            self.prompt,
            self.preset,
            self.camera,
            self.duration,
            self.seed,
            self.transition,
            self.transition_len,
            self.audio,
            self.image_strength,
            self.keyframes.at,
            self.keyframes.strength,
            self.dialogue.table,
            self.loras.table,
        )
        self.loras.guard = self.guard  # its weight boxes follow the same wheel and undo rules
        self.name.editingFinished.connect(lambda: self._edit("name", self.name.text() or None))
        self.prompt.edited.connect(lambda t: self._edit("prompt", t))
        self.preset.activated.connect(lambda i: self._edit("style", self.preset.itemData(i)))
        self.camera.activated.connect(
            lambda i: self._edit("camera", Camera(self.camera.itemText(i)))
        )
        self.duration.valueChanged.connect(lambda v: self._edit("duration", round(v, 3)))
        self.seed.valueChanged.connect(lambda v: self._edit("seed", v))
        self.seed_random.toggled.connect(self._seed_toggled)
        self.transition.activated.connect(
            lambda i: self._edit("transition", TransitionKind(self.transition.itemText(i)))
        )
        self.transition_len.valueChanged.connect(lambda v: self._edit("transition_duration", v))
        self.audio.editingFinished.connect(lambda: self._edit("audio", self.audio.text() or None))
        browse.clicked.connect(self.choose_image)
        clear.clicked.connect(lambda: self._edit("image", None))
        self.takes.itemActivated.connect(self._switch_take)
        self.btn_variations.clicked.connect(
            lambda: self.ctx.generator.variations(self.shot_id, self.variation_count.value())
        )
        self.btn_browse_takes.clicked.connect(self._browse_takes)
        self.image_strength.valueChanged.connect(
            lambda v: self._edit("image_strength", round(v, 3))
        )
        last_browse.clicked.connect(lambda: self.choose_image(field="last_image"))
        last_clear.clicked.connect(lambda: self._edit("last_image", None))
        self.keyframes.changed.connect(lambda keys: self._edit("keyframes", keys))
        self.keyframes.addRequested.connect(self.choose_keyframe)
        self.dialogue.changed.connect(lambda lines: self._edit("dialogue", lines))
        self.loras.changed.connect(self._edit_loras)

    # --- showing ------------------------------------------------------------------------
    def show_shot(self, shot_id: str | None) -> None:
        self.shot_id = shot_id
        self.refresh()

    def refresh(self) -> None:
        if not self.shot_id:
            return
        project = self.ctx.doc.project
        try:
            shot = project.shot(self.shot_id)
        except KeyError:
            return
        self._updating = True
        try:
            index = next(i for i, s in enumerate(project.shots) if s.id == shot.id)
            self.heading.setText(f"Shot {shot.name or index + 1}")
            if self.name.text() != (shot.name or ""):
                self.name.setText(shot.name or "")
            self.prompt.set_text(shot.prompt)
            self._fill_presets(shot.style)
            self.camera.setCurrentText(shot.camera.value)
            self.duration.setValue(shot.duration)
            self.seed_random.setChecked(shot.seed is None)
            self.seed.setEnabled(shot.seed is not None)
            self.seed.setValue(shot.seed or 0)
            self.image.setText(shot.image or "")
            self.image_strength.setValue(shot.image_strength)
            self.last_image.setText(shot.last_image or "")
            self.keyframes.at.setMaximum(shot.duration)
            self.keyframes.set_keyframes(shot.keyframes)
            self.dialogue.set_lines(shot.dialogue)
            self.transition.setCurrentText(shot.transition.value)
            self.transition_len.setValue(shot.transition_duration)
            if self.audio.text() != (shot.audio or ""):
                self.audio.setText(shot.audio or "")
            self.loras.set_loras(shot.loras)
            self._fill_takes(shot)
        finally:
            self._updating = False

    def _fill_presets(self, current: str | None) -> None:
        lib = self.ctx.presets
        default = self.ctx.doc.project.style
        if getattr(self, "_presets_for", None) != (id(lib), default):  # refill on change only
            self._presets_for = (id(lib), default)
            self._refill_presets(lib, default)
        i = self.preset.findData(current) if current else 0
        self.preset.setCurrentIndex(max(0, i))

    def _refill_presets(self, lib, default: str | None) -> None:
        self.preset.clear()
        self.preset.addItem(
            swatch_icon(lib.find(default)), f"Project default ({default or 'none'})", None
        )
        for preset in lib.all():
            self.preset.addItem(swatch_icon(preset), preset.title or preset.name, preset.name)

    def _fill_takes(self, shot) -> None:
        self.takes.clear()
        takes = [
            t
            for t in self.ctx.doc.project.takes.values()
            if t.shot_id == shot.id and t.kind == "video"
        ]
        for take in sorted(takes, key=lambda t: t.created, reverse=True):
            mark = "● " if take.id == shot.current_take else "   "
            item = QListWidgetItem(
                f"{mark}{take.operation.value} · seed {take.seed} · {take.engine}"
                f" · {take.created[11:16]}"
            )
            item.setData(TAKE_ROLE, take.id)
            item.setToolTip("Double-click to show this take on the timeline")
            self.takes.addItem(item)

    # --- editing ------------------------------------------------------------------------
    def _edit(self, field: str, value) -> None:
        if self._updating or not self.shot_id:
            return
        doc = self.ctx.doc
        if getattr(doc.project.shot(self.shot_id), field) == value:
            return
        try:
            doc.apply(
                set_shot_fields,
                self.shot_id,
                merge=UndoId.SHOT_FIELD if field in MERGED_FIELDS else None,
                key=(self.shot_id, field),
                **{field: value},
            )
        except EditError as exc:
            self.refresh()
            self.editFailed.emit(str(exc))

    def _edit_loras(self, loras: list, weight_of: str) -> None:
        """One undoable edit per add or remove; a weight's arrow steps merge into one."""
        if self._updating or not self.shot_id:
            return
        try:
            self.ctx.doc.apply(
                set_shot_loras,
                self.shot_id,
                loras,
                merge=UndoId.LORA_WEIGHT if weight_of else None,
                key=(self.shot_id, weight_of),
            )
        except EditError as exc:
            self.editFailed.emit(str(exc))
        self.refresh()

    def _seed_toggled(self, random_seed: bool) -> None:
        self.seed.setEnabled(not random_seed)
        self._edit("seed", None if random_seed else self.seed.value())

    def choose_image(self, path: str | None = None, field: str = "image") -> None:
        rel = self._import_picture(path, "Last frame" if field == "last_image" else "Reference")
        if rel:
            self._edit(field, rel)

    def choose_keyframe(self, path: str | None = None, at: float | None = None) -> None:
        """A picture the shot passes through, at the middle of the shot unless told."""
        rel = self._import_picture(path, "Keyframe")
        if rel and self.shot_id:
            shot = self.ctx.doc.project.shot(self.shot_id)
            self.keyframes.add_keyframe(rel, shot.duration / 2 if at is None else at)

    def _import_picture(self, path: str | None, title: str) -> str | None:
        if not path:
            path, _ = QFileDialog.getOpenFileName(
                self, f"{title} image", "", "Images (*.png *.jpg *.jpeg *.webp *.bmp)"
            )
        if not path:
            return None
        problem = image_problem(Path(path))
        if problem:
            QMessageBox.warning(
                self, "Cannot use this image", f"{Path(path).name}: {problem}\n\n{path}"
            )
            return None
        try:  # copied into the bundle's media/, so the project stays self-contained
            return self.ctx.doc.bundle.import_media(Path(path))
        except (StudioError, OSError) as exc:
            QMessageBox.warning(self, "Cannot use this image", str(exc))
            return None

    def _variations_row(self) -> QHBoxLayout:
        """N, Generate Variations (one batch of N new seeds) and the takes browser."""
        self.variation_count = QSpinBox(minimum=1, maximum=MAX_VARIATIONS, value=4)
        self.variation_count.setToolTip("How many variations (new seeds) to generate")
        self.variation_count.setFixedWidth(56)  # 1–16: two digits and the arrows
        self.btn_variations = QPushButton("Variations")
        self.btn_variations.setToolTip("Generate N takes of this shot with N new seeds")
        self.btn_browse_takes = QPushButton("Browse…")
        self.btn_browse_takes.setToolTip("The takes browser: play, pick, keep or delete takes")
        row = QHBoxLayout()
        row.setSpacing(4)
        row.addWidget(self.variation_count)
        row.addWidget(self.btn_variations)
        row.addWidget(self.btn_browse_takes)
        row.addStretch(1)
        return row

    def _browse_takes(self) -> None:
        from ui.takes.browser import TakesBrowser

        if self.shot_id:
            browser = TakesBrowser(self.ctx, self.shot_id, self)
            browser.setAttribute(Qt.WA_DeleteOnClose)
            browser.show()

    def _switch_take(self, item: QListWidgetItem) -> None:
        take_id = item.data(TAKE_ROLE)
        shot = self.ctx.doc.project.shot(self.shot_id)
        if take_id and take_id != shot.current_take:
            self.ctx.doc.apply(switch_take, self.shot_id, take_id)
