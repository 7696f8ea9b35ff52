"""Issue 14: the viewer shows a generation live. With the real animatic engine, a job for the
selected shot (nothing under the playhead) puts its per-step preview at viewer size in the
player's screen with step and ETA, and the screen returns to the timeline when it lands."""

from __future__ import annotations

WAIT = 90_000


def test_live_preview_reaches_the_viewer(window, qtbot):
    shot = window.doc.project.shots[0]
    shot.duration = 4.0  # several steps
    window.storyboard.select([shot.id])
    screen = window.player.screen
    seen = []
    window.ctx.bridge.preview.connect(lambda job, step, img: seen.append(screen.live))
    window.storyboard.generate_selected()
    qtbot.waitUntil(lambda: screen.live is not None, timeout=WAIT)
    assert "step" in screen.live_text and "Generating" in screen.live_text
    # at viewer size: the preview is drawn scaled into the whole picture area, not a thumbnail
    rect = screen.picture_rect()
    assert rect.width() > 100 and rect.height() > 100
    qtbot.waitUntil(lambda: window.doc.project.shot(shot.id).current_take is not None, timeout=WAIT)
    qtbot.waitUntil(lambda: screen.live is None, timeout=WAIT)
    assert screen.live_text == ""


def test_other_shot_does_not_take_the_viewer(window, qtbot):
    first, second = window.doc.project.shots[:2]
    window.storyboard.select([first.id])
    screen = window.player.screen
    job = window.ctx.generator.generate([second.id])[0]
    qtbot.waitUntil(lambda: job in window.live._images, timeout=WAIT)
    assert screen.live is None  # the viewer stays on the timeline for a shot not in view
    window.storyboard.select([second.id])
    if job in window.live._images:  # still running: selecting its shot shows it
        assert screen.live is not None
    qtbot.waitUntil(
        lambda: window.doc.project.shot(second.id).current_take is not None, timeout=WAIT
    )
