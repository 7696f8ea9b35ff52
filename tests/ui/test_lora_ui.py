"""LoRAs in the editor (issue 13): the shot inspector's LoRA list (a picked file checked at once
and copied into the bundle, a file of the LoRA folder kept by name, weight, remove, exact
undo/redo), Project Settings' storyboard LoRAs, the request the render service then builds,
and the takes browser's "how it was made" line. Real widgets, real files, real LoRA headers."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from studio.bundle import Bundle
from studio.model import Take
from studio.model.lora import LoraRef, LoraUse
from studio.models.testing import TINY_LTX_LORA_LAYERS, write_tiny_lora
from tests.studio.lora.test_lora_files import fake_model, loras_dir
from ui.dialogs.project_settings import ProjectSettingsDialog
from ui.takes.browser import describe


@pytest.fixture
def warned(monkeypatch) -> list[str]:
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: said.append(a[2]))
    return said


def _page(window):
    shot_id = window.doc.project.shots[0].id
    window.storyboard.select([shot_id])
    return window.inspector.shot, shot_id


def _state(doc) -> dict:
    return doc.project.model_dump(mode="json")


def test_add_weigh_remove_loras_in_the_inspector_with_exact_undo(
    window, tmp_path, studio_home, warned
):
    doc = window.doc
    page, shot_id = _page(window)
    (tmp_path / "downloads").mkdir()
    ink = write_tiny_lora(tmp_path / "downloads" / "ink.safetensors", TINY_LTX_LORA_LAYERS)
    grain = write_tiny_lora(loras_dir(studio_home) / "grain.safetensors", TINY_LTX_LORA_LAYERS)
    (loras_dir(studio_home) / "evil.ckpt").write_bytes(b"\x80\x04pickle")
    states = [_state(doc)]
    start = doc.undo_stack.count()

    # a file from elsewhere: checked, copied into the bundle by content hash, weight 1
    assert page.loras.add_file(str(ink))
    kept = doc.project.shot(shot_id).loras
    assert len(kept) == 1 and kept[0].weight == 1.0
    assert kept[0].file.startswith("loras/") and kept[0].file.endswith("-ink.safetensors")
    assert (doc.bundle.path / kept[0].file).read_bytes() == ink.read_bytes()
    assert page.loras.table.item(0, 0).text() == "ink.safetensors"
    states.append(_state(doc))

    # the installed list is `loras list`'s usable files; one of them is kept by its bare name
    assert page.loras.installed_names() == ["grain.safetensors"]
    page.loras.installed_menu.actions()[0].trigger()
    assert [r.file for r in doc.project.shot(shot_id).loras][1] == "grain.safetensors"
    assert not list((doc.bundle.path / "loras").glob("*grain*"))
    states.append(_state(doc))
    # the same file again: nothing changes
    assert not page.loras.add_file(str(grain))
    assert _state(doc) == states[-1] and warned.pop() == "grain.safetensors is in the list already."

    # weight: arrow steps of one LoRA's weight are one undo entry
    box = page.loras.weight_box(1)
    assert (box.minimum(), box.maximum()) == (-4.0, 4.0)
    assert box.focusPolicy() == Qt.FocusPolicy.StrongFocus  # a wheel over it scrolls the page
    box.setValue(0.5)
    box.setValue(0.75)
    assert [r.weight for r in doc.project.shot(shot_id).loras] == [1.0, 0.75]
    states.append(_state(doc))

    # remove the first
    page.loras.table.selectRow(0)
    page.loras.btn_remove.click()
    assert doc.project.shot(shot_id).loras == [LoraRef(file="grain.safetensors", weight=0.75)]
    assert page.loras.table.rowCount() == 1
    states.append(_state(doc))
    assert doc.undo_stack.count() - start == 4 and not warned

    for state in reversed(states[:-1]):
        doc.undo_stack.undo()
        assert _state(doc) == state
        loras = doc.project.shot(shot_id).loras
        assert page.loras.loras() == loras and page.loras.table.rowCount() == len(loras)
    for state in states[1:]:
        doc.undo_stack.redo()
        assert _state(doc) == state
    assert [page.loras.weight_box(0).value()] == [0.75]


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("style.bin", b"\x80\x04pickle", "pickle file (.bin)"),
        ("fake-style.safetensors", b"this is not a LoRA at all", "not a valid safetensors"),
        ("notes.txt", b"hello", "not a .safetensors file"),
    ],
)
def test_a_pickle_or_fake_file_is_refused_when_picked_naming_it(
    window, tmp_path, warned, name, content, said
):
    doc = window.doc
    page, shot_id = _page(window)
    bad = tmp_path / name
    bad.write_bytes(content)
    before, count = _state(doc), doc.undo_stack.count()
    assert not page.loras.add_file(str(bad))
    assert len(warned) == 1 and name in warned[0] and said in warned[0]
    assert _state(doc) == before and doc.undo_stack.count() == count
    assert not (doc.bundle.path / "loras").exists() or not list(
        (doc.bundle.path / "loras").iterdir()
    )


def test_a_link_outside_the_lora_folder_is_refused(window, tmp_path, warned):
    page, _ = _page(window)
    real = write_tiny_lora(tmp_path / "real.safetensors", TINY_LTX_LORA_LAYERS)
    link = tmp_path / "link.safetensors"
    link.symlink_to(real)
    assert not page.loras.add_file(str(link))
    assert "link.safetensors" in warned[0] and "symbolic link" in warned[0]


def _answer(fill) -> None:
    def run():
        for w in QApplication.topLevelWidgets():
            if isinstance(w, ProjectSettingsDialog) and w.isVisible():
                fill(w)
                return
        QTimer.singleShot(20, run)

    QTimer.singleShot(20, run)


def test_storyboard_loras_in_project_settings_round_trip(window, tmp_path, studio_home):
    doc = window.doc
    ink = write_tiny_lora(tmp_path / "ink.safetensors", TINY_LTX_LORA_LAYERS, seed=4)
    write_tiny_lora(loras_dir(studio_home) / "paper.safetensors", TINY_LTX_LORA_LAYERS)
    before = _state(doc)

    def fill(d):
        assert d.loras is not None and d.loras.loras() == []
        assert d.loras.add_file(str(ink))
        assert d.loras.add_installed("paper.safetensors")
        d.loras.weight_box(0).setValue(0.7)
        d.title.setText("Inked")
        d.accept()

    _answer(fill)
    assert window.files.project_settings()
    project = doc.project
    assert project.title == "Inked"
    assert [(Path(r.file).parent.name, r.weight) for r in project.loras] == [
        ("loras", 0.7),
        ("", 1.0),
    ]
    after = _state(doc)
    doc.undo_stack.undo()  # one edit: title and LoRAs together
    assert _state(doc) == before
    doc.undo_stack.redo()
    assert _state(doc) == after
    doc.save()
    again = Bundle.load(doc.bundle.path).project
    assert again.loras == project.loras and again.title == "Inked"

    # the dialog opens on what the project has, and Cancel changes nothing
    def cancel(d):
        assert [r.weight for r in d.loras.loras()] == [0.7, 1.0]
        d.loras.remove(0)
        d.reject()

    _answer(cancel)
    assert not window.files.project_settings()
    assert _state(doc) == after


def test_the_shots_request_carries_its_loras(window, tmp_path, studio_home):
    from studio.render_service.jobs import GenerationSettings, picture_request

    doc = window.doc
    page, shot_id = _page(window)
    ink = write_tiny_lora(tmp_path / "ink.safetensors", TINY_LTX_LORA_LAYERS, seed=5)
    write_tiny_lora(loras_dir(studio_home) / "grain.safetensors", TINY_LTX_LORA_LAYERS)
    assert page.loras.add_file(str(ink))
    assert page.loras.add_installed("grain")
    page.loras.weight_box(0).setValue(0.4)
    model = fake_model(tmp_path / "models" / "ltx")
    settings = GenerationSettings(engine="diffusers", model=str(model))
    request = picture_request(doc.bundle, doc.project.shot(shot_id), settings)
    kept = doc.project.shot(shot_id).loras[0].file
    assert [(lo.file, lo.weight) for lo in request.loras] == [
        (str(doc.bundle.path / kept), 0.4),
        (str(loras_dir(studio_home) / "grain.safetensors"), 1.0),
    ]
    other = doc.project.shots[1]
    assert picture_request(doc.bundle, other, settings).loras == []
    assert picture_request(doc.bundle, doc.project.shot(shot_id), GenerationSettings()).loras == []


def test_the_takes_browser_says_which_loras_made_a_take():
    take = Take(
        shot_id="s",
        path="takes/x.mp4",
        engine="diffusers",
        width=64,
        height=64,
        fps=24,
        frames=9,
        duration=9 / 24,
        seed=3,
        loras=[
            LoraUse(name="0123456789abcdef-ink.safetensors", sha256="a" * 64, weight=0.8),
            LoraUse(name="grain.safetensors", weight=-0.5, family="ltx-video"),
        ],
    )
    text = describe(take)
    assert "LoRAs ink.safetensors 0.8, grain.safetensors -0.5" in text
    assert "LoRAs" not in describe(take.model_copy(update={"loras": []}))
