"""A project's storyboard written as a script reads back as the same storyboard."""

from __future__ import annotations

from studio.assemble import project_from_storyboard
from studio.paths import resources_dir
from studio.script import load_storyboard
from studio.script.writer import write_storyboard

EXAMPLE = resources_dir() / "examples" / "morning-run.toml"


def test_example_round_trips_through_a_project(tmp_path):
    original = load_storyboard(EXAMPLE)
    bundle = project_from_storyboard(original, tmp_path / "film.sbproj")
    bundle.project.shots[1].prompt = 'close-up of "wet" shoes\\nsplashing'  # quotes survive
    out = write_storyboard(bundle, tmp_path / "scripts" / "again.toml")

    again = load_storyboard(out)
    a, b = original.script, again.script
    assert (b.title, b.format, b.fps, b.style) == (a.title, a.format, a.fps, a.style)
    assert len(b.shot) == len(a.shot) and again.duration == original.duration
    assert b.shot[1].prompt == bundle.project.shots[1].prompt
    for x, y in zip(a.shot, b.shot, strict=True):
        assert (y.duration, y.camera, y.style, y.seed, y.transition, y.audio) == (
            x.duration,
            x.camera,
            x.style,
            x.seed,
            x.transition,
            x.audio,
        )
    assert (
        again.resolve(b.shot[0].image).read_bytes()
        == original.resolve(a.shot[0].image).read_bytes()
    )
    assert len(b.audio) == 1 and b.audio[0].gain_db == -6.0 and b.audio[0].fade_out == 1.5


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from studio.bundle import Bundle  # noqa: E402
from studio.model import Project, Shot  # noqa: E402
from studio.script import parse_storyboard  # noqa: E402
from studio.script.writer import storyboard_text  # noqa: E402


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(min_size=1).filter(str.strip), st.text(max_size=20), st.floats(0.05, 60))
def test_any_prompt_round_trips(tmp_path, prompt, title, duration):
    project = Project(
        title=title, shots=[Shot(prompt=prompt, duration=duration, audio=title or None)]
    )
    text = storyboard_text(Bundle(tmp_path / "p.sbproj", project), tmp_path / "b.toml")
    shot = parse_storyboard(text, "b.toml", tmp_path).script.shot[0]
    assert (shot.prompt, shot.duration, shot.audio) == (prompt, duration, title or None)
