"""LTX-2 on a tiny random-weight pipeline, loaded offline through the registry: one job gives a
linked picture and sound take; dialogue and keyframes reach the pipeline."""

from __future__ import annotations

import wave

import numpy as np
import pytest
from PIL import Image

from studio.engine.events import JobCancelled, JobFailed, JobFinished, StepProgress
from studio.engine.request import GenerationRequest
from studio.engine.worker import Engine
from studio.errors import InputError
from studio.media.video import load_frames, probe
from studio.model import DialogueLine, Keyframe, TakeKind
from studio.models.families import LTX2, WAN

SIZE = (96, 64)
FAST = dict(duration=0.3, size=SIZE, steps=2, guidance=1.0, fps=24)


@pytest.fixture(scope="module")
def ltx2_models(tmp_path_factory):
    from studio.models.testing import build_tiny_ltx2

    root = tmp_path_factory.mktemp("ltx2-models")
    build_tiny_ltx2(root / "tiny-ltx2")
    return root


@pytest.fixture(scope="module")
def ltx2_backend(ltx2_models):
    from studio.engine.diffusion import make_backend
    from studio.models import ModelRegistry

    registry = ModelRegistry([ltx2_models], include_hf_cache=False)
    backend = make_backend("tiny-ltx2", "cpu", 2, registry=registry)
    yield backend
    backend.release()


class Spy:
    """Records the keyword arguments every call of the real LTX-2 pipelines gets."""

    def __init__(self):
        self.calls: list[dict] = []


@pytest.fixture
def spy(monkeypatch):
    import diffusers

    s = Spy()
    for name in ("LTX2Pipeline", "LTX2ConditionPipeline"):
        cls = getattr(diffusers, name)
        original = cls.__call__

        def recording(self_, *args, _orig=original, **kwargs):
            s.calls.append(dict(kwargs))
            return _orig(self_, *args, **kwargs)

        monkeypatch.setattr(cls, "__call__", recording)
    return s


def run(backend, tmp_path, events=None, **kw):
    engine = Engine(
        {"diffusers": backend}, queue_path=tmp_path / "queue.json", staging_dir=tmp_path / "staging"
    )
    if events is not None:
        engine.subscribe(events.append)
    try:
        job = engine.submit(GenerationRequest(**{**FAST, **kw}), backend="diffusers")
        event = engine.wait(job, timeout=300)
    finally:
        engine.shutdown()
    assert event is not None
    return event


def read_wav(path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as f:
        data = np.frombuffer(f.readframes(f.getnframes()), "<i2").reshape(-1, f.getnchannels())
        return data, f.getframerate()


def test_registry_knows_ltx2(ltx2_models):
    from studio.models import ModelRegistry

    info = ModelRegistry([ltx2_models], include_hf_cache=False).resolve("tiny-ltx2")
    assert info.family is LTX2 and info.family.produces_sound and info.complete
    assert info.upsampler is None  # one stage: no upsampler installed


def test_one_job_two_linked_takes_of_matching_length(ltx2_backend, tmp_path):
    event = run(ltx2_backend, tmp_path, prompt="a robot dancing", seed=3)
    assert isinstance(event, JobFinished), getattr(event, "reason", event)
    video, sound = event.take, event.linked
    assert video.kind == TakeKind.VIDEO and sound is not None and sound.kind == TakeKind.AUDIO
    assert video.linked == sound.id and sound.linked == video.id
    assert video.seed == sound.seed == 3
    info = probe(video.path)
    assert (info.frames - 1) % 8 == 0 and info.fps == 24
    samples, rate = read_wav(sound.path)
    assert abs(samples.shape[0] / rate - info.frames / info.fps) <= 1 / info.fps
    assert sound.params["sound_with_picture"] and sound.params["family"] == "ltx2"
    assert sound.params["model_samples"] > 0  # the model wrote the sound, not a bed
    assert np.abs(samples).max() > 0


def test_same_seed_same_frames_and_samples(ltx2_backend, tmp_path):
    a = run(ltx2_backend, tmp_path / "a", prompt="a cat in the rain", seed=7)
    b = run(ltx2_backend, tmp_path / "b", prompt="a cat in the rain", seed=7)
    c = run(ltx2_backend, tmp_path / "c", prompt="a cat in the rain", seed=8)
    fa, fb, fc = (load_frames(e.take.path) for e in (a, b, c))
    assert np.array_equal(fa, fb)
    sa, sb, sc = (read_wav(e.linked.path)[0] for e in (a, b, c))
    assert np.array_equal(sa, sb)
    assert not np.array_equal(sa, sc)


def test_cancel_mid_job_leaves_neither_take(ltx2_backend, tmp_path):
    engine = Engine(
        {"diffusers": ltx2_backend},
        queue_path=tmp_path / "q.json",
        staging_dir=tmp_path / "staging",
    )

    def cancel(event):
        if isinstance(event, StepProgress) and event.phase == "sampling" and event.step == 1:
            engine.cancel(event.job_id)

    engine.subscribe(cancel)
    try:
        job = engine.submit(
            GenerationRequest(**{**FAST, "steps": 4}, prompt="a dog"), backend="diffusers"
        )
        event = engine.wait(job, timeout=300)
    finally:
        engine.shutdown()
    assert isinstance(event, JobCancelled)
    left = [p for p in (tmp_path / "staging").rglob("*") if p.is_file()]
    assert left == []


def test_dialogue_reaches_the_prompt(ltx2_backend, tmp_path, spy):
    lines = [
        DialogueLine(speaker="Maya", text="We made it."),
        DialogueLine(speaker="@leo", text='Say "it" again'),
    ]
    event = run(ltx2_backend, tmp_path, prompt="a woman on a roof at night", dialogue=lines)
    assert isinstance(event, JobFinished), getattr(event, "reason", event)
    prompt = spy.calls[-1]["prompt"]
    assert prompt == (
        'a woman on a roof at night. Maya says: "We made it." leo says: "Say \'it\' again"'
    )
    assert event.take.prompt == prompt


def test_silent_family_gets_no_lines():
    from studio.engine.diffusion.dialogue import prompt_with_dialogue

    lines = [DialogueLine(speaker="Maya", text="We made it.")]
    assert prompt_with_dialogue("a roof", lines, WAN) == "a roof"
    assert prompt_with_dialogue("a roof", lines, LTX2) == 'a roof. Maya says: "We made it."'


def _png(path, colour):
    Image.new("RGB", (96, 64), colour).save(path)
    return str(path)


def test_keyframes_reach_the_pipeline_as_conditions(ltx2_backend, tmp_path, spy):
    first = _png(tmp_path / "first.png", (255, 0, 0))
    mid = _png(tmp_path / "mid.png", (0, 255, 0))
    last = _png(tmp_path / "last.png", (0, 0, 255))
    event = run(
        ltx2_backend,
        tmp_path,
        prompt="a city street",
        duration=1.0,
        image=first,
        image_strength=0.7,
        keyframes=[Keyframe(at=0.5, image=mid, strength=0.8)],
        last_image=last,
    )
    assert isinstance(event, JobFinished), getattr(event, "reason", event)
    call = spy.calls[-1]
    conds = call["conditions"]
    frames = call["num_frames"]
    assert frames == 25  # 1 s at 24 fps → 8k+1
    latent_frames = (frames - 1) // 8 + 1
    got = [(c.index, c.strength) for c in conds]
    # latent indices: first 0, in-between round(0.5·24)=12 → frame 9 → latent 2, last = final
    assert got == [(0, 0.7), (2, 0.8), (latent_frames - 1, 1.0)]
    colours = [np.asarray(c.frames).reshape(-1, 3).mean(axis=0).argmax() for c in conds]
    assert colours == [0, 1, 2]
    assert event.take.params["pipeline"] == "LTX2ConditionPipeline"


def test_wan_refuses_an_in_between_keyframe_before_generating(tmp_path):
    from studio.engine.diffusion.keyframes import check_keyframes

    mid = _png(tmp_path / "mid.png", (0, 255, 0))
    req = GenerationRequest(
        prompt="x", duration=2, shot_id="s3", keyframes=[Keyframe(at=1.0, image=mid)]
    )
    with pytest.raises(InputError) as err:
        check_keyframes(req, WAN)
    assert err.value.exit_code == 2
    assert "keyframe 1" in str(err.value) and "Wan" in str(err.value)
    check_keyframes(req.model_copy(update={"keyframes": [], "last_image": mid}), WAN)  # fine
    check_keyframes(req, LTX2)


def test_wan_backend_refuses_before_any_step(wan_backend, tmp_path):
    events = []
    mid = _png(tmp_path / "mid.png", (0, 255, 0))
    event = run(wan_backend, tmp_path, events, prompt="x", keyframes=[Keyframe(at=0.1, image=mid)])
    assert isinstance(event, JobFailed) and "Wan" in event.reason
    assert not [e for e in events if isinstance(e, StepProgress) and e.phase == "sampling"]


def test_two_stage_when_the_upsampler_is_installed(tmp_path_factory, tmp_path, spy):
    from studio.engine.diffusion import make_backend
    from studio.models import ModelRegistry
    from studio.models.testing import build_tiny_ltx2

    root = tmp_path_factory.mktemp("ltx2-up")
    build_tiny_ltx2(root / "tiny-ltx2", upsampler=True)
    registry = ModelRegistry([root], include_hf_cache=False)
    info = registry.resolve("tiny-ltx2")
    assert info.upsampler == root / "tiny-ltx2" / "latent_upsampler"
    backend = make_backend("tiny-ltx2", "cpu", 2, registry=registry)
    try:
        event = run(backend, tmp_path, prompt="a robot", size=(128, 64))
    finally:
        backend.release()
    assert isinstance(event, JobFinished), getattr(event, "reason", event)
    first, second = spy.calls[-2], spy.calls[-1]
    assert (first["width"], first["height"]) == (64, 32)  # half size on the ÷64 grid
    assert (second["width"], second["height"]) == (128, 64)
    assert second["latents"] is not None and second["audio_latents"] is not None
    assert probe(event.take.path).width == 128 and event.take.params["two_stage"]


def test_ltx_video_keyframes_go_through_its_condition_pipeline(ltx_backend, tmp_path, monkeypatch):
    import diffusers

    calls = []
    cls = diffusers.LTXConditionPipeline
    original = cls.__call__

    def recording(self_, *args, **kwargs):
        calls.append(dict(kwargs))
        return original(self_, *args, **kwargs)

    monkeypatch.setattr(cls, "__call__", recording)
    mid = _png(tmp_path / "mid.png", (0, 255, 0))
    last = _png(tmp_path / "last.png", (0, 0, 255))
    event = run(
        ltx_backend,
        tmp_path,
        prompt="a lighthouse",
        duration=1.0,
        keyframes=[Keyframe(at=0.5, image=mid, strength=0.6)],
        last_image=last,
    )
    assert isinstance(event, JobFinished), getattr(event, "reason", event)
    conds = calls[-1]["conditions"]
    frames = calls[-1]["num_frames"]
    assert [(c.frame_index, c.strength) for c in conds] == [(12, 0.6), (frames - 1, 1.0)]
    assert event.take.params["pipeline"] == "LTXConditionPipeline"


def test_wan_holds_the_last_image_as_its_last_frame(wan_backend, tmp_path):
    import torch

    from studio.engine.diffusion import latents as L
    from studio.engine.diffusion import sources as S

    red = _png(tmp_path / "red.png", (255, 0, 0))
    engine = Engine(
        {"diffusers": wan_backend}, queue_path=tmp_path / "q.json", staging_dir=tmp_path / "staging"
    )
    try:
        request = GenerationRequest(
            **{**FAST, "guidance": None}, prompt="a field", seed=5, last_image=red
        )
        held = engine.wait(engine.submit(request, backend="diffusers"), timeout=300)
        assert isinstance(held, JobFinished), getattr(held, "reason", held)
        assert held.take.params["last_frame"] == "red.png"
        pipe = wan_backend._loaded.pipe
        family = wan_backend._loaded.info.family
        want = L.encode_frames(pipe, family, S.load_image(red, SIZE))
        latents = wan_backend.last_latents[1]  # (1, C, F, H, W): Wan keeps the video layout
    finally:
        engine.shutdown()
    assert torch.allclose(latents[:, :, -1:].float(), want.float(), atol=1e-3)
    assert not torch.allclose(latents[:, :, :1].float(), want.float(), atol=1e-1)


def test_a_failing_take_hook_leaves_neither_file(ltx2_backend, tmp_path):
    engine = Engine(
        {"diffusers": ltx2_backend},
        queue_path=tmp_path / "q.json",
        staging_dir=tmp_path / "staging",
    )
    seen = []

    def refuse_sound(request, take, path):
        seen.append(path)
        if take.kind == TakeKind.AUDIO:
            raise RuntimeError("ledger is full")

    engine.add_take_hook(refuse_sound)
    try:
        job = engine.submit(GenerationRequest(**FAST, prompt="a dog"), backend="diffusers")
        event = engine.wait(job, timeout=300)
    finally:
        engine.shutdown()
    assert isinstance(event, JobFailed) and "ledger is full" in event.reason
    assert len(seen) == 2 and not any(p.exists() for p in seen)
