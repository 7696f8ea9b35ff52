"""The storyboard script format: good scripts parse, bad ones name file, line and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.errors import InputError
from studio.paths import resources_dir
from studio.script import load_storyboard, parse_storyboard

EXAMPLE = resources_dir() / "examples" / "morning-run.toml"


def parse(text: str, base: Path | None = None):
    return parse_storyboard(text, "board.toml", base)


def error_of(text: str, base: Path | None = None) -> InputError:
    with pytest.raises(InputError) as info:
        parse(text, base)
    return info.value


def test_example_parses_with_every_feature():
    board = load_storyboard(EXAMPLE)
    s = board.script
    assert s.title == "Morning run" and s.format == "vertical" and s.fps == 24
    assert len(s.shot) == 5 and s.audio and s.audio[0].gain_db == -6.0
    assert s.shot[0].image == "refs/bridge.png" and s.shot[0].camera == "dolly-in"
    # 15 s of shots, minus the crossfade (0.5), dip (0.5) and crossfade (0.5) between shots;
    # the last shot's fade-out does not overlap anything.
    assert board.duration == pytest.approx(15.0 - 1.5)


def test_defaults_and_cameo_mentions_kept():
    board = parse('[[shot]]\nprompt = "@maya waves at @Leo and @maya"\n')
    shot = board.script.shot[0]
    assert shot.duration == 3.0 and shot.camera == "static" and shot.transition == "cut"
    from studio.model import Shot

    assert Shot(prompt=shot.prompt).cameos == ["maya", "leo"]


def test_crossfade_without_duration_gets_a_default():
    board = parse(
        '[[shot]]\nprompt = "a"\ntransition = "crossfade"\n[[shot]]\nprompt = "b"\nduration = 2\n'
    )
    assert board.duration == pytest.approx(5.0 - 0.5)


def test_unknown_key_names_line_and_suggests():
    err = error_of('title = "x"\n\n[[shot]]\nprompt = "a"\ndurration = 2\n')
    assert err.location.line == 5 and err.location.file == "board.toml"
    assert "durration" in str(err) and "did you mean 'duration'" in str(err)


def test_wrong_types_are_errors_not_coerced():
    err = error_of('[[shot]]\nprompt = "a"\nduration = "3"\nseed = true\n')
    text = str(err)
    assert "board.toml:3" in text and "duration" in text and "must be a number" in text
    assert "board.toml:4" in text and "seed" in text


def test_negative_duration_and_unknown_camera_reported_together():
    err = error_of(
        '[[shot]]\nprompt = "a"\nduration = -1\n[[shot]]\nprompt = "b"\ncamera = "zoom"\n'
    )
    text = str(err)
    assert "board.toml:3" in text and "greater than 0" in text
    assert "board.toml:6" in text and "'zoom'" in text and "dolly-in" in text
    assert "shot 2" in text


def test_unknown_preset_suggests_nearest():
    err = error_of('style = "film-nior"\n[[shot]]\nprompt = "a"\n')
    assert err.location.line == 1 and "did you mean 'film-noir'" in str(err)


def test_missing_files_named(tmp_path):
    text = '[[shot]]\nprompt = "a"\nimage = "refs/nope.png"\n[[audio]]\nfile = "song.ogg"\n'
    err = error_of(text, tmp_path)
    assert "board.toml:3" in str(err) and "refs/nope.png" in str(err)
    assert "board.toml:5" in str(err) and "song.ogg" in str(err)


def test_transition_longer_than_shots_it_joins():
    err = error_of(
        '[[shot]]\nprompt = "a"\nduration = 1\ntransition = "crossfade"\ntransition_duration = 1.5\n'
        '[[shot]]\nprompt = "b"\nduration = 4\n'
    )
    assert err.location.line == 5 and "longer than the shots it joins" in str(err)


def test_two_transitions_longer_than_the_middle_shot():
    err = error_of(
        '[[shot]]\nprompt = "a"\ntransition = "crossfade"\ntransition_duration = 0.8\n'
        '[[shot]]\nprompt = "b"\nduration = 1\ntransition = "crossfade"\ntransition_duration = 0.8\n'
        '[[shot]]\nprompt = "c"\n'
    )
    assert "shorter than its two transitions" in str(err) and err.location.line == 9


def test_fps_and_format_checked():
    err = error_of('fps = 60\nformat = "portrait"\n[[shot]]\nprompt = "a"\n')
    text = str(err)
    assert "24, 25, 30" in text and "portrait" in text


def test_syntax_error_has_line():
    err = error_of('title = "x"\n[[shot]]\nprompt = "a\n')
    assert err.location.line == 3 and "TOML syntax" in str(err)


def test_no_shots():
    assert "at least one [[shot]]" in str(error_of('title = "empty"\n'))


def test_blank_prompt():
    assert "prompt" in str(error_of('[[shot]]\nprompt = "   "\n'))


def test_shots_written_as_a_plain_table_is_explained():
    err = error_of('[shot]\nprompt = "a"\n')
    assert "[[shot]]" in str(err)


def test_cut_with_duration_warns():
    board = parse('[[shot]]\nprompt = "a"\ntransition_duration = 1\n[[shot]]\nprompt = "b"\n')
    assert board.warnings and "ignored for a cut" in board.warnings[0]


def test_load_missing_file_and_non_utf8(tmp_path):
    with pytest.raises(InputError, match="no such storyboard"):
        load_storyboard(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b'title = "\xff"\n')
    with pytest.raises(InputError, match="UTF-8"):
        load_storyboard(bad)


def test_audio_cue_must_be_sound(tmp_path):
    (tmp_path / "notes.txt").write_text("not a song")
    (tmp_path / "still.png").write_bytes(
        (resources_dir() / "examples/refs/bridge.png").read_bytes()
    )
    text = '[[shot]]\nprompt = "a"\n[[audio]]\nfile = "notes.txt"\n[[audio]]\nfile = "still.png"\n'
    err = str(error_of(text, tmp_path))
    assert "board.toml:4" in err and "notes.txt" in err
    assert "board.toml:6" in err and "no sound" in err


def test_names_from_fixed_lists_ignore_case():
    board = parse(
        'format = "Widescreen"\nstyle = "Film-Noir"\n[[shot]]\nprompt = "a"\ncamera = "Dolly-In "\n'
        'transition = "CrossFade"\n[[shot]]\nprompt = "b"\n'
    )
    s = board.script
    assert (s.format, s.style, s.shot[0].camera, s.shot[0].transition) == (
        "widescreen",
        "film-noir",
        "dolly-in",
        "crossfade",
    )
