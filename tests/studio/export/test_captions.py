"""Captions from the shots' spoken lines: timing on the timeline, SRT, and burned-in text."""

from __future__ import annotations

import av
import numpy as np
import pytest

from studio.compose.captions import CaptionBurner, Cue, caption_cues, safe_box, shot_spans
from studio.compose.watermark import Watermark
from studio.export.srt import parse_srt, srt_text, write_srt
from studio.layout.storyboard import rebuild
from studio.model import DialogueLine, Project, Shot, Take, TrackKind, TransitionKind


def _project() -> Project:
    lines = [
        DialogueLine(speaker="Maya", text="We made it."),
        DialogueLine(speaker="Leo", text="Barely, and only just in time."),
    ]
    shots = [
        Shot(
            prompt="a",
            duration=2.0,
            dialogue=lines[:1],
            transition=TransitionKind.CROSSFADE,
            transition_duration=0.5,
        ),
        Shot(prompt="b", duration=2.0),
        Shot(prompt="c", duration=3.0, dialogue=lines),
    ]
    project = Project(fps=24, shots=shots)
    for shot in shots:
        take = Take(
            shot_id=shot.id,
            path=f"takes/{shot.id}.mp4",
            frames=96,
            fps=24,
            width=64,
            height=64,
            engine="animatic",
        )
        project.takes[take.id] = take
        shot.current_take = take.id
    rebuild(project)
    return project


def test_cues_follow_the_clips_after_transitions_and_hand_edits():
    project = _project()
    clips = project.tracks_of(TrackKind.VIDEO)[0].sorted_clips()
    assert clips[1].start < clips[0].end  # the crossfade overlaps shots 1 and 2
    cues = caption_cues(project)
    middle = (clips[1].start + clips[0].end) / 2 / 24
    assert cues[0] == Cue(0.0, middle, "Maya: We made it.")
    # shot 3's two lines share its clip's span, the longer line for longer
    a, b = cues[1:]
    assert a.start == pytest.approx(clips[2].start / 24) and b.end == pytest.approx(
        clips[2].end / 24
    )
    assert a.end == b.start and (b.end - b.start) > (a.end - a.start)
    clips[2].start += 12  # a hand edit: the clip moved half a second later, and trimmed
    clips[2].duration -= 6
    moved = caption_cues(project)
    assert moved[1].start == pytest.approx(a.start + 0.5) and moved[2].end == pytest.approx(
        b.end + 0.25
    )
    project.tracks_of(TrackKind.VIDEO)[0].clips.remove(clips[0])  # shot 1 off the timeline
    assert [c.text for c in caption_cues(project)] == [c.text for c in moved[1:]]
    assert project.shots[0].id not in shot_spans(project)


def test_srt_round_trips(tmp_path):
    cues = caption_cues(_project())
    path = write_srt(tmp_path / "film.srt", cues)
    text = path.read_text()
    assert text.startswith("1\n00:00:00,000 --> 00:00:")
    back = parse_srt(text)
    assert [c.text for c in back] == [c.text for c in cues]
    for x, y in zip(cues, back, strict=True):
        assert abs(x.start - y.start) <= 0.0005 and abs(x.end - y.end) <= 0.0005
    assert parse_srt(srt_text([])) == []
    with pytest.raises(ValueError):
        parse_srt("1\n00:00:01 -> 2\nx\n")


@pytest.mark.parametrize("size", [(1080, 1920), (1280, 720), (96, 160)])
def test_burned_text_stays_in_its_box_inside_the_safe_area(size):
    w, h = size
    burner = CaptionBurner(
        size, [Cue(1.0, 2.0, "Maya: We made it all the way to the sea, at last.")]
    )
    frame = np.full((h, w, 3), 90, np.uint8)
    assert burner.box(0.5) is None and (burner.apply(frame.copy(), 0.5) == 90).all()
    x, y, bw, bh = burner.box(1.5)
    out = burner.apply(frame.copy(), 1.5)
    changed = (out != frame).any(axis=2)
    inside = changed[y : y + bh, x : x + bw]
    assert inside.mean() > 0.5  # the box darkens, the text whitens
    assert (out[y : y + bh, x : x + bw] > 200).any() and (out[y : y + bh, x : x + bw] < 80).any()
    changed[y : y + bh, x : x + bw] = False
    assert not changed.any()  # nothing outside the caption box
    left, top, right, bottom = safe_box(size)
    assert left <= x and x + bw <= right and top <= y and y + bh <= bottom
    if h > w:  # vertical: clear of the top bar, the caption area and the button column
        assert y >= 0.08 * h and y + bh <= 0.86 * h and x + bw <= 0.85 * w
    mark = Watermark(size)
    for t in (0.0, 4.0, 8.0, 12.0):  # clear of the watermark in every corner
        mx, my, mw, mh = mark.box(t)
        assert my >= y + bh or my + mh <= y or mx >= x + bw or mx + mw <= x


def test_burn_into_yuv_matches_rgb_placement():
    size = (320, 568)
    burner = CaptionBurner(size, [Cue(0.0, 1.0, "Leo: Barely.")])
    frame = av.VideoFrame.from_ndarray(np.full((568, 320, 3), 60, np.uint8), format="rgb24")
    frame = frame.reformat(format="yuv420p")
    before = frame.to_ndarray(format="rgb24")
    after = burner.apply_yuv(frame, 0.5).to_ndarray(format="rgb24")
    x, y, w, h = burner.box(0.5)
    diff = np.abs(after.astype(int) - before).max(axis=2) > 8
    assert diff[y : y + h, x : x + w].mean() > 0.5
    diff[max(0, y - 2) : y + h + 2, max(0, x - 2) : x + w + 2] = False
    assert not diff.any()
