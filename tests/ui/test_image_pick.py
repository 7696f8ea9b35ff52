"""Issue 14 (7): every picture picker opens the file when it is picked; a text file named
`.png` is refused at once with a message naming the file, and the shot is left as it was
(it used to fail only at generation, the card then showing a truncated path)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from studio.errors import InputErrors
from ui.example import import_storyboard


@pytest.mark.parametrize("which", ["image", "last_image", "keyframe"])
def test_a_fake_picture_is_refused_when_picked(window, tmp_path, monkeypatch, which):
    fake = tmp_path / "holiday-notes.png"
    fake.write_text("this is not a picture")
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warned.append(a[2]))
    shot_id = window.doc.project.shots[0].id
    window.storyboard.select([shot_id])
    page = window.inspector.shot
    undo_count = window.doc.undo_stack.count()
    if which == "keyframe":
        page.choose_keyframe(str(fake), at=0.2)
    else:
        page.choose_image(str(fake), field=which)
    shot = window.doc.project.shot(shot_id)
    assert len(warned) == 1 and "holiday-notes.png" in warned[0] and "image" in warned[0]
    assert shot.image is None and shot.last_image is None and not shot.keyframes
    assert window.doc.undo_stack.count() == undo_count
    assert not list((window.doc.bundle.path / "media").glob("*holiday*"))


def test_a_fake_picture_in_a_script_is_refused_naming_file_and_line(tmp_path):
    (tmp_path / "ref.png").write_text("not a picture either")
    script = tmp_path / "board.toml"
    script.write_text('[[shot]]\nprompt = "a bridge"\nduration = 1.0\nimage = "ref.png"\n')
    with pytest.raises(InputErrors) as err:
        import_storyboard(script, tmp_path / "out.sbproj")
    text = str(err.value)
    assert "ref.png" in text and "board.toml" in text and ":4" in text
