"""The animatic backend through the real Engine: real takes, encoded and read back with PyAV."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from studio.engine.animatic import AnimaticBackend
from studio.engine.animatic.backend import PREVIEW_SIDE
from studio.engine.animatic.overlay import safe_area
from studio.engine.backend import Backend
from studio.engine.events import JobCancelled, JobFailed, JobFinished, PreviewFrame, StepProgress
from studio.engine.request import GenerationRequest
from studio.engine.worker import Engine
from studio.media.video import load_frames
from studio.model import OutputFormat

SIZE = (96, 160)


def run(engine: Engine, bundle: Path, **kw):
    kw.setdefault("size", SIZE)
    kw.setdefault("duration", 0.5)
    kw.setdefault("fps", 24)
    request = GenerationRequest(bundle=str(bundle), **kw)
    job = engine.submit(request, backend="animatic")
    event = engine.wait(job, timeout=120)
    assert isinstance(event, JobFinished), getattr(event, "reason", event)
    return event.take


def frames_of(bundle: Path, take) -> np.ndarray:
    return load_frames(bundle / take.path)


def test_backend_satisfies_the_protocol():
    backend = AnimaticBackend()
    assert isinstance(backend, Backend) and backend.name == "animatic"


def test_take_file_has_the_right_size_rate_and_frames(engine, bundle):
    take = run(
        engine,
        bundle,
        prompt="a runner crosses a foggy bridge at dawn",
        preset="film-noir",
        camera="dolly-in",
        duration=0.75,
        seed=7,
        shot_id="s1",
    )
    path = bundle / take.path  # staged outside the bundle until the document side adopts it
    assert path.parent == engine.staging_dir and path.suffix == ".mp4"
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert (stream.codec_context.width, stream.codec_context.height) == SIZE
        assert float(stream.average_rate) == 24
        assert sum(1 for _ in container.decode(stream)) == 18
    assert (take.width, take.height, take.frames, take.fps) == (96, 160, 18, 24)
    assert take.engine == "animatic" and take.model == "animatic-v1" and take.shot_id == "s1"
    assert (
        take.prompt.startswith("film noir still, a runner crosses")
        and "black and white" in take.prompt
    )
    assert take.negative_prompt and take.params["preset"] == "film-noir"
    assert take.params["camera"] == "dolly-in" and take.preset == "film-noir" and take.seed == 7
    assert not (bundle / ".partial").exists() or not any((bundle / ".partial").iterdir())


def test_default_size_follows_the_format(engine, bundle):
    take = run(
        engine, bundle, prompt="a lake", size=None, format=OutputFormat.SQUARE, duration=1 / 24
    )
    assert (take.width, take.height, take.frames) == (1080, 1080, 1)


def test_same_request_gives_identical_frames(engine, bundle):
    kw = dict(prompt="a red car in a neon city at night", preset="vhs", camera="pan-left", seed=3)
    a, b = run(engine, bundle, **kw), run(engine, bundle, **kw)
    assert np.array_equal(frames_of(bundle, a), frames_of(bundle, b))


def test_different_seed_changes_the_layout(engine, bundle):
    a = run(engine, bundle, prompt="a fox in a forest", seed=1)
    b = run(engine, bundle, prompt="a fox in a forest", seed=2)
    diff = np.abs(frames_of(bundle, a).astype(int) - frames_of(bundle, b).astype(int)).mean()
    assert diff > 3


@pytest.mark.parametrize(
    ("one", "two"),
    [
        (
            "a runner crosses a foggy bridge at dawn",
            "a red car drives through a neon city at night",
        ),
        ("a quiet kitchen in the morning", "desert dunes under a purple sky"),
        ("a boat on the sea at sunset", "a snowy forest at night"),
    ],
)
def test_different_prompts_give_clearly_different_shots(engine, bundle, one, two):
    a = frames_of(bundle, run(engine, bundle, prompt=one, seed=5))
    b = frames_of(bundle, run(engine, bundle, prompt=two, seed=5))
    assert np.abs(a.astype(int) - b.astype(int)).mean() > 20
    assert np.abs(a.reshape(-1, 3).mean(0) - b.reshape(-1, 3).mean(0)).max() > 10  # palette too


def test_colour_words_set_the_palette(engine, bundle):
    red = frames_of(
        bundle, run(engine, bundle, prompt="a red red car on a red road", size=(160, 96))
    )
    blue = frames_of(
        bundle, run(engine, bundle, prompt="a blue blue car on a blue road", size=(160, 96))
    )

    def redness(f):
        return f[..., 0].astype(int).mean() - f[..., 2].astype(int).mean()

    assert redness(red) > redness(blue) + 5


def test_camera_moves_the_picture_and_static_holds(engine, bundle):
    moving = frames_of(
        bundle, run(engine, bundle, prompt="mountains at dawn", camera="pan-right", duration=1.0)
    )
    still = frames_of(
        bundle, run(engine, bundle, prompt="mountains at dawn", camera="static", duration=1.0)
    )
    move = np.abs(moving[0].astype(int) - moving[-1].astype(int)).mean()
    hold = np.abs(still[0].astype(int) - still[-1].astype(int)).mean()
    assert move > 4 * max(hold, 0.5)


def test_progress_and_previews_arrive_in_chunks(engine, bundle):
    events = []
    engine.subscribe(events.append)
    take = run(engine, bundle, prompt="a dog in the park", duration=1.0)
    steps = [
        e for e in events if isinstance(e, StepProgress) and e.job_id and e.phase == "rendering"
    ]
    previews = [e for e in events if isinstance(e, PreviewFrame)]
    assert 3 <= len(steps) <= 12 and steps[-1].step == steps[-1].total
    assert [s.step for s in steps] == sorted(s.step for s in steps)
    assert len(previews) == len(steps)
    for p in previews:
        assert (
            p.image.dtype == np.uint8
            and p.image.ndim == 3
            and max(p.image.shape[:2]) <= PREVIEW_SIDE
        )
    assert take.frames == 24


def test_no_previews_when_turned_off(engine, bundle):
    events = []
    engine.subscribe(events.append)
    run(engine, bundle, prompt="a dog in the park", previews=False)
    assert not [e for e in events if isinstance(e, PreviewFrame)]


def test_cancel_mid_job_leaves_no_take(engine, bundle):
    job_ids: list[str] = []

    def cancel_on_first_step(event):
        if isinstance(event, StepProgress) and event.job_id in job_ids and event.step == 1:
            engine.cancel(event.job_id)

    engine.subscribe(cancel_on_first_step)
    request = GenerationRequest(bundle=str(bundle), prompt="a long walk", duration=2.0, size=SIZE)
    job_ids.append(engine.submit(request, backend="animatic"))
    event = engine.wait(job_ids[0], timeout=60)
    assert isinstance(event, JobCancelled)
    takes = bundle / "takes"
    assert not takes.exists() or not list(takes.iterdir())
    assert not list(bundle.rglob("*.mp4"))


def test_unknown_preset_fails_the_job_with_a_clear_reason(engine, bundle):
    job = engine.submit(
        GenerationRequest(
            bundle=str(bundle), prompt="x", duration=0.2, size=SIZE, preset="film-nior"
        ),
        backend="animatic",
    )
    event = engine.wait(job, timeout=60)
    assert isinstance(event, JobFailed)
    assert "film-nior" in event.reason and "film-noir" in event.reason and "preset" in event.reason


def test_reference_image_shapes_the_panel(engine, bundle, tmp_path):
    ref = tmp_path / "ref.png"
    Image.new("RGB", (64, 64), (250, 20, 200)).save(ref)
    with_ref = frames_of(bundle, run(engine, bundle, prompt="a quiet field", image=str(ref)))
    without = frames_of(bundle, run(engine, bundle, prompt="a quiet field"))
    top = slice(30, 60)  # above the caption
    assert with_ref[0, top, ..., 1].mean() < 60 < without[0, top, ..., 1].mean() + 40
    assert with_ref[0, top, ..., 0].mean() > 180


def test_missing_reference_image_names_the_file(engine, bundle, tmp_path):
    job = engine.submit(
        GenerationRequest(
            bundle=str(bundle),
            prompt="x",
            duration=0.2,
            size=SIZE,
            image=str(tmp_path / "nope.png"),
        ),
        backend="animatic",
    )
    event = engine.wait(job, timeout=60)
    assert isinstance(event, JobFailed) and "nope.png" in event.reason and "image" in event.reason


def test_cameo_portrait_inset_appears_in_the_safe_area(engine, bundle, tmp_path):
    face = tmp_path / "face.png"
    Image.new("RGB", (40, 40), (0, 255, 0)).save(face)
    size = (216, 384)
    f = frames_of(
        bundle,
        run(
            engine,
            bundle,
            prompt="@maya walks in the rain",
            size=size,
            cameo_images=[str(face)],
            cameos=["maya"],
        ),
    )[0].astype(int)
    safe = safe_area(size)
    greenish = (f[..., 1] > 180) & (f[..., 0] < 90) & (f[..., 2] < 90)
    ys, xs = np.nonzero(greenish)
    assert ys.size > 50
    assert (
        safe.left <= xs.min()
        and xs.max() <= safe.right
        and safe.top <= ys.min() <= ys.max() <= safe.bottom
    )


def test_caption_is_drawn_inside_the_vertical_safe_area(engine, bundle):
    size = (216, 384)
    f = frames_of(bundle, run(engine, bundle, prompt="a white room", size=size))[0].astype(int)
    bare = frames_of(
        bundle, run(engine, bundle, prompt="a white room", size=size, camera="static")
    )[0]
    safe = safe_area(size)
    # the caption plate is dark and sits right above the bottom safe margin, left of the buttons
    plate = f[safe.bottom - 12 : safe.bottom - 4, safe.left + 10 : safe.right - 10]
    assert plate.mean() < 110
    assert np.array_equal(
        f[safe.bottom + 4 :, safe.right + 2 :], bare[safe.bottom + 4 :, safe.right + 2 :]
    )


def test_prompt_blend_mixes_two_scenes(engine, bundle):
    a = frames_of(bundle, run(engine, bundle, prompt="a snowy field at noon"))[0].astype(int)
    b = frames_of(bundle, run(engine, bundle, prompt="a city street at night"))[0].astype(int)
    ab = frames_of(
        bundle,
        run(
            engine,
            bundle,
            prompt="a snowy field at noon",
            prompt_b="a city street at night",
            prompt_weight=0.5,
        ),
    )[0].astype(int)
    top = slice(20, 100)
    da, db = np.abs(ab[top] - a[top]).mean(), np.abs(ab[top] - b[top]).mean()
    dab = np.abs(a[top] - b[top]).mean()
    assert da < dab and db < dab


# --- direct backend use -------------------------------------------------------------------
def _direct(request: GenerationRequest, out_dir: Path, cancel_after: int | None = None):
    import threading

    from studio.engine.backend import JobContext

    cancel = threading.Event()
    events = []

    def emit(event):
        events.append(event)
        if (
            cancel_after is not None
            and isinstance(event, StepProgress)
            and event.step >= cancel_after
        ):
            cancel.set()

    ctx = JobContext("direct", out_dir, emit, cancel)
    return AnimaticBackend().generate(request, ctx), events


def test_direct_cancel_removes_the_partial_file(tmp_path):
    from studio.errors import Cancelled

    with pytest.raises(Cancelled):
        _direct(
            GenerationRequest(prompt="a long road", duration=1.0, size=SIZE),
            tmp_path,
            cancel_after=2,
        )
    assert not list(tmp_path.rglob("*.mp4"))


@pytest.mark.parametrize(
    "camera",
    ["static", "pan-left", "pan-right", "tilt-up", "tilt-down", "dolly-in", "dolly-out", "orbit"],
)
def test_every_camera_renders_and_moves_its_own_way(tmp_path, camera):
    result, _ = _direct(
        GenerationRequest(prompt="a city street at dusk", camera=camera, duration=0.5, size=SIZE),
        tmp_path,
    )
    f = load_frames(result.path).astype(int)
    assert f.shape == (12, 160, 96, 3) and result.params["camera"] == camera
    change = np.abs(f[0] - f[-1]).mean()
    assert (change < 2) if camera == "static" else (change > 3)


def test_presets_render_through_the_animatic(tmp_path):
    from studio.presets.library import PresetLibrary

    firsts = {}
    for name in PresetLibrary().names():
        result, _ = _direct(
            GenerationRequest(
                prompt="a dog on a beach at noon", preset=name, duration=1 / 24, size=SIZE
            ),
            tmp_path / name,
        )
        firsts[name] = load_frames(result.path)[0].astype(int)
    names = sorted(firsts)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            assert np.abs(firsts[a] - firsts[b]).mean() > 3, f"{a} and {b} render alike"


def test_odd_sizes_are_made_even(tmp_path):
    result, _ = _direct(
        GenerationRequest(prompt="a lake", duration=1 / 24, size=(97, 161)), tmp_path
    )
    assert (result.width, result.height) == (96, 160)
