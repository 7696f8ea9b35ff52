"""`render --captions`: an SRT timed to the shots, burned text inside the safe area, consent
for speakers — end to end through the CLI, files read back."""

from __future__ import annotations

import av
import numpy as np
import pytest

from studio.bundle import Bundle
from studio.cli.main import main
from studio.compose.captions import CaptionBurner, caption_cues
from studio.export.srt import parse_srt
from studio.model import TrackKind

BOARD = """
title = "Lines"
format = "square"
fps = 24

[[shot]]
prompt = "a red lighthouse on a stormy sea at night"
duration = 1.0
transition = "crossfade"
transition_duration = 0.25

[[shot.dialogue]]
speaker = "{speaker}"
text = "We made it."

[[shot]]
prompt = "a green forest clearing in bright sunshine"
duration = 1.5

[[shot.dialogue]]
speaker = "Leo"
text = "Barely."

[[shot.dialogue]]
speaker = "Maya"
text = "Then let us never do that again."
"""


def _board(tmp_path, speaker="Maya"):
    path = tmp_path / "lines.toml"
    path.write_text(BOARD.format(speaker=speaker))
    return path


def _frames(path):
    with av.open(str(path)) as c:
        return [f.to_ndarray(format="rgb24") for f in c.decode(c.streams.video[0])]


def test_default_srt_is_timed_to_the_timeline(tmp_path):
    out, proj = tmp_path / "film.mp4", tmp_path / "kept.sbproj"
    assert main(["render", str(_board(tmp_path)), "-o", str(out), "--project", str(proj)]) == 0
    srt = tmp_path / "film.srt"
    assert srt.is_file() and out.is_file()
    cues = parse_srt(srt.read_text())
    project = Bundle.load(proj).project
    clips = project.tracks_of(TrackKind.VIDEO)[0].sorted_clips()
    assert [c.text for c in cues] == [
        "Maya: We made it.",
        "Leo: Barely.",
        "Maya: Then let us never do that again.",
    ]
    join = (clips[0].end + clips[1].start) / 2 / 24  # the middle of the crossfade
    assert cues[0].start == 0 and cues[0].end == pytest.approx(join, abs=0.001)
    assert cues[1].start == pytest.approx(join, abs=0.001) and cues[1].end == cues[2].start
    assert cues[2].end == pytest.approx(clips[1].end / 24, abs=0.001)
    for x, y in zip(caption_cues(project), cues, strict=True):
        assert (x.start, x.end) == pytest.approx((y.start, y.end), abs=0.001)


def test_burn_puts_text_inside_the_caption_box_only(tmp_path):
    board, proj = _board(tmp_path), tmp_path / "kept.sbproj"
    plain, burned = tmp_path / "plain.mp4", tmp_path / "burned.mp4"
    assert main(["render", str(board), "-o", str(plain), "--captions", "off", "--seed", "3"]) == 0
    args = ["-o", str(burned), "--captions", "burn", "--seed", "3", "--project", str(proj)]
    assert main(["render", str(board), *args]) == 0
    assert not (tmp_path / "plain.srt").exists() and not (tmp_path / "burned.srt").exists()
    a, b = _frames(plain), _frames(burned)
    assert len(a) == len(b)
    height, width = a[0].shape[:2]
    burner = CaptionBurner((width, height), caption_cues(Bundle.load(proj).project))
    for frame, text in (
        (12, "Maya: We made it."),
        (25, "Leo: Barely."),
        (45, "Maya: Then let us never do that again."),
    ):
        assert burner.cue_at(frame / 24).text == text
        x, y, w, h = burner.box(frame / 24)
        diff = np.abs(a[frame].astype(int) - b[frame]).max(axis=2)
        assert (diff[y : y + h, x : x + w] > 10).mean() > 0.3  # the box and the text
        assert (b[frame][y : y + h, x : x + w].min(axis=2) > 220).sum() > 50  # white letters
        outside = diff.copy()
        outside[max(0, y - 16) : y + h + 16, max(0, x - 16) : x + w + 16] = 0
        assert outside.max() < 40 and outside.mean() < 1.0


def test_unconsented_cameo_speaker_is_refused_with_exit_3(tmp_path, capsys):
    out = tmp_path / "out.mp4"
    assert main(["render", str(_board(tmp_path, speaker="@maya")), "-o", str(out)]) == 3
    assert "@maya" in capsys.readouterr().err.lower()
    assert not out.exists() and not (tmp_path / "out.srt").exists()


def test_script_keyframes_reach_the_rendered_film(tmp_path):
    from PIL import Image

    Image.new("RGB", (40, 40), (20, 230, 40)).save(tmp_path / "mid.png")
    Image.new("RGB", (40, 40), (30, 40, 240)).save(tmp_path / "end.png")
    script = tmp_path / "keys.toml"
    script.write_text(
        'format = "square"\n[[shot]]\nprompt = "a lighthouse at night"\nduration = 2.0\n'
        'last_image = "end.png"\n[[shot.keyframe]]\nat = 1.0\nimage = "mid.png"\n'
    )
    out = tmp_path / "keys.mp4"
    assert main(["render", str(script), "-o", str(out), "--captions", "off"]) == 0
    frames = np.stack(_frames(out)).astype(float)
    h, w = frames.shape[1:3]
    middle = frames[:, h // 4 : 3 * h // 4, w // 4 : 3 * w // 4]

    def distance(colour):
        return np.abs(middle - np.array(colour, float)).mean(axis=(1, 2, 3))

    green, blue = distance((20, 230, 40)), distance((30, 40, 240))
    assert green[24] < 30 and green[24] + 40 < green[0]
    assert blue[-1] < 30 and blue[-1] + 40 < blue[0]
