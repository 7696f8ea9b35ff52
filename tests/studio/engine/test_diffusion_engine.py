"""The diffusers backend on the engine thread, with tiny real pipelines on the CPU."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from studio.engine.events import JobCancelled, JobFailed, JobFinished, PreviewFrame, StepProgress
from studio.engine.request import GenerationRequest, SourceTake
from studio.engine.worker import Engine
from studio.media.video import load_frames, probe
from studio.model import Operation

SIZE = (96, 64)


@pytest.fixture
def bundle(tmp_path):
    path = tmp_path / "film.sbproj"
    path.mkdir()
    return path


def make_engine(backend, tmp_path, events=None):
    engine = Engine({"diffusers": backend}, queue_path=tmp_path / "queue.json")
    if events is not None:
        engine.subscribe(events.append)
    return engine


def run(engine, bundle, **kw):
    kw.setdefault("duration", 0.5)
    kw.setdefault("size", SIZE)
    job = engine.submit(GenerationRequest(bundle=str(bundle), **kw), backend="diffusers")
    event = engine.wait(job, timeout=120)
    assert event is not None, "job did not end"
    return job, event


def finished(engine, bundle, **kw):
    _, event = run(engine, bundle, **kw)
    assert isinstance(event, JobFinished), getattr(event, "reason", event)
    return event.take


def source(bundle, take) -> SourceTake:
    return SourceTake(
        take_id=take.id, path=str(bundle / take.path), fps=take.fps, frames=take.frames
    )


def blocks(frames: np.ndarray, k: int = 8) -> np.ndarray:
    """Mean of each k×k block per channel: the picture without codec-level pixel noise."""
    n, h, w, c = frames.shape
    return (
        frames[:, : h // k * k, : w // k * k].reshape(n, h // k, k, w // k, k, c).mean(axis=(2, 4))
    )


def test_importing_the_backend_does_not_import_torch():
    code = "import sys, studio.engine.diffusion, studio.models, studio.cli.models; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_progress_and_preview_for_every_step(ltx_backend, tmp_path, bundle):
    events = []
    engine = make_engine(ltx_backend, tmp_path, events)
    try:
        take = finished(
            engine, bundle, prompt="a lighthouse at dusk", steps=3, size=(192, 128), seed=4
        )
    finally:
        engine.shutdown()
    sampling = [e for e in events if isinstance(e, StepProgress) and e.phase == "sampling"]
    assert [e.step for e in sampling] == [1, 2, 3] and all(e.total == 3 for e in sampling)
    assert sampling[-1].eta_s == pytest.approx(0.0)
    previews = [e for e in events if isinstance(e, PreviewFrame)]
    assert [p.step for p in previews] == [1, 2, 3]
    img = previews[-1].image
    assert img.dtype == np.uint8 and img.ndim == 3 and img.shape[2] == 3 and img.shape[0] >= 64
    info = probe(bundle / take.path)
    assert (info.width, info.height) == (192, 128)
    # the take says how it was made
    p = take.params
    assert p["model"].endswith("tiny-ltx") and len(p["revision"]) == 16
    assert p["pipeline"] == "LTXPipeline" and p["scheduler"] == "FlowMatchEulerDiscreteScheduler"
    assert (p["steps"], p["seed"], p["size"], p["frames"]) == (3, 4, [192, 128], take.frames)
    assert take.frames == 13 and take.fps == 24  # 0.5 s at 24 fps → 12 → 4k+1 = 13 (tiny VAE)


def test_same_seed_gives_identical_frames(wan_backend, tmp_path, bundle):
    import torch

    engine = make_engine(wan_backend, tmp_path)
    latents = []
    engine.subscribe(
        lambda e: isinstance(e, JobFinished) and latents.append(wan_backend.last_latents[1])
    )
    try:
        a = finished(engine, bundle, prompt="waves", seed=7)
        b = finished(engine, bundle, prompt="waves", seed=7)
        c = finished(engine, bundle, prompt="waves", seed=8)
    finally:
        engine.shutdown()
    assert torch.equal(latents[0], latents[1]) and not torch.equal(latents[0], latents[2])
    fa, fb, fc = (load_frames(bundle / t.path).astype(int) for t in (a, b, c))
    assert fa.shape == (9, 64, 96, 3)  # 0.5 s at Wan's 16 fps → 8 → 4k+1 = 9
    # identical frames in; the H.264 round trip may differ by a level or two between encodes
    assert np.abs(fa - fb).mean() < 0.5 < np.abs(fa - fc).mean()
    assert a.params["pipeline"] == "WanPipeline" and a.fps == 16


def test_cancel_stops_within_one_step_and_frees_the_job(ltx_backend, tmp_path, bundle):
    events = []
    engine = make_engine(ltx_backend, tmp_path, events)

    first: list[str] = []

    def cancel_on_first_step(event):
        if isinstance(event, StepProgress) and event.phase == "sampling" and event.step == 1:
            if not first or first[0] == event.job_id:
                first.append(event.job_id)
                engine.cancel(event.job_id)

    engine.subscribe(cancel_on_first_step)
    try:
        job, event = run(engine, bundle, prompt="slow one", steps=8)
        assert isinstance(event, JobCancelled)
        steps = [
            e.step
            for e in events
            if isinstance(e, StepProgress) and e.job_id == job and e.phase == "sampling"
        ]
        assert max(steps) <= 2
        assert not any(
            isinstance(e, StepProgress) and e.phase == "decoding" and e.job_id == job
            for e in events
        )
        assert engine.queue.get(job) is None and engine.running_job is None
        assert not list((bundle / "takes").glob("*")) if (bundle / "takes").exists() else True
        take = finished(engine, bundle, prompt="next one")  # the engine goes on
        assert (bundle / take.path).is_file()
    finally:
        engine.shutdown()


def test_remix_blend_extend_loop_lineage_and_length(ltx_backend, tmp_path, bundle):
    engine = make_engine(ltx_backend, tmp_path)
    try:
        a = finished(engine, bundle, prompt="a red kite", seed=1)
        b = finished(engine, bundle, prompt="a paper boat", seed=2)
        remix = finished(
            engine,
            bundle,
            prompt="a blue kite",
            operation=Operation.REMIX,
            sources=[source(bundle, a)],
            strength=0.5,
            seed=3,
        )
        blend = finished(
            engine,
            bundle,
            prompt="kite and boat",
            operation=Operation.BLEND,
            sources=[source(bundle, a), source(bundle, b)],
            blend_curve=[0, 1],
            seed=4,
        )
        ext = finished(
            engine,
            bundle,
            prompt="the kite flies on",
            operation=Operation.EXTEND,
            sources=[source(bundle, a)],
            extend_seconds=0.5,
            seed=5,
        )
        back = finished(
            engine,
            bundle,
            prompt="before",
            operation=Operation.EXTEND,
            sources=[source(bundle, a)],
            extend_seconds=0.25,
            extend_backwards=True,
            seed=6,
        )
        loop = finished(
            engine,
            bundle,
            prompt="loop it",
            operation=Operation.LOOP,
            sources=[source(bundle, a)],
            seed=7,
        )
    finally:
        engine.shutdown()
    assert remix.remix_of == a.id and remix.frames == a.frames and remix.params["strength"] == 0.5
    assert blend.blend_of == [a.id, b.id] and blend.frames == 13
    assert ext.extend_of == a.id and ext.frames == a.frames + 12
    assert back.extend_of == a.id and back.frames == a.frames + 6
    assert loop.loop_of == a.id and loop.frames == a.frames and loop.fps == a.fps
    src = blocks(load_frames(bundle / a.path))
    other = np.abs(blocks(load_frames(bundle / b.path)) - src).mean()
    # extend: the source plays first, unchanged apart from re-encoding. Compared as 8×8 block
    # means: random weights give pixel noise that H.264 4:2:0 re-encoding smears a lot.
    assert np.abs(blocks(load_frames(bundle / ext.path)[: a.frames]) - src).mean() < other / 3
    # backwards: the source comes last
    assert np.abs(blocks(load_frames(bundle / back.path)[-a.frames :]) - src).mean() < other / 3
    for take in (remix, blend, ext, back, loop):
        assert probe(bundle / take.path).frames == take.frames


def test_wan_remix_and_extend(wan_backend, tmp_path, bundle):
    engine = make_engine(wan_backend, tmp_path)
    try:
        a = finished(engine, bundle, prompt="rain", seed=1)
        remix = finished(
            engine,
            bundle,
            prompt="snow",
            operation=Operation.REMIX,
            sources=[source(bundle, a)],
            strength=0.3,
        )
        ext = finished(
            engine,
            bundle,
            prompt="more rain",
            operation=Operation.EXTEND,
            sources=[source(bundle, a)],
            extend_seconds=0.5,
        )
    finally:
        engine.shutdown()
    assert remix.remix_of == a.id and remix.frames == a.frames
    assert ext.extend_of == a.id and ext.frames == a.frames + 8


def test_prompt_blend_mixes_embeddings(wan_backend, tmp_path, bundle):
    engine = make_engine(wan_backend, tmp_path)
    try:
        plain = finished(engine, bundle, prompt="a forest", seed=3)
        mixed = finished(
            engine, bundle, prompt="a forest", prompt_b="a desert", prompt_weight=0.5, seed=3
        )
    finally:
        engine.shutdown()
    assert mixed.params["prompt_b"] == "a desert" and mixed.params["prompt_weight"] == 0.5
    assert not np.array_equal(load_frames(bundle / plain.path), load_frames(bundle / mixed.path))


def test_first_frame_image_is_pinned(ltx_backend, tmp_path, bundle):
    from PIL import Image

    image = tmp_path / "ref.png"
    Image.new("RGB", (300, 200), (200, 40, 40)).save(image)
    engine = make_engine(ltx_backend, tmp_path)
    try:
        take = finished(engine, bundle, prompt="from an image", image=str(image))
    finally:
        engine.shutdown()
    assert take.params["first_frame"] == "ref.png" and take.frames == 13


def test_injected_out_of_memory_fails_cleanly_and_next_job_runs(
    ltx_backend, tmp_path, bundle, monkeypatch
):
    import torch

    ltx_backend.load()
    transformer = ltx_backend._loaded.pipe.transformer
    real = transformer.forward
    calls = {"n": 0}

    def exploding(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 20.00 GiB")
        return real(*args, **kwargs)

    monkeypatch.setattr(transformer, "forward", exploding)
    engine = make_engine(ltx_backend, tmp_path)
    try:
        job, event = run(engine, bundle, prompt="too big")
        assert isinstance(event, JobFailed)
        assert "out of memory" in event.reason and "13 frames at 96×64" in event.reason
        assert "lower the frame count" in event.hint
        assert engine.queue.get(job) is None
        take = finished(engine, bundle, prompt="fits")
        assert take.frames == 13
    finally:
        engine.shutdown()


def test_out_of_memory_in_decode_retries_with_tiling(wan_backend, tmp_path, bundle, monkeypatch):
    import torch

    wan_backend.load()
    vae = wan_backend._loaded.pipe.vae
    real = vae.decode

    def decode(*args, **kwargs):
        if not getattr(vae, "use_tiling", False):
            raise torch.OutOfMemoryError("CUDA out of memory in decode")
        return real(*args, **kwargs)

    monkeypatch.setattr(vae, "decode", decode)
    engine = make_engine(wan_backend, tmp_path)
    try:
        take = finished(engine, bundle, prompt="decode me")
    finally:
        engine.shutdown()
    assert take.params["vae_tiling"] is True


def test_restart_restores_pending_queue(ltx_backend, tmp_path, bundle):
    queue_file = tmp_path / "queue.json"
    first = Engine({"diffusers": ltx_backend}, queue_path=queue_file, autostart=False)
    request = dict(bundle=str(bundle), duration=0.5, size=SIZE)
    running = first.submit(GenerationRequest(prompt="was running", **request), backend="diffusers")
    pending = first.submit(GenerationRequest(prompt="was waiting", **request), backend="diffusers")
    import threading

    assert (
        first.queue.take_next(threading.Event()).id == running
    )  # it was running when we "crashed"
    del first
    second = Engine({"diffusers": ltx_backend}, queue_path=queue_file)
    try:
        assert isinstance(second.wait(pending, timeout=120), JobFinished)
        interrupted = second.queue.get(running)
        assert interrupted is not None and interrupted.state == "interrupted"
        assert second.retry(running)
        assert isinstance(second.wait(running, timeout=120), JobFinished)
    finally:
        second.shutdown()


def test_switching_models_releases_the_previous_pipeline(registry, tmp_path, bundle):
    from studio.engine.diffusion import make_backend

    backend = make_backend("tiny-ltx", "cpu", 2, registry=registry)
    engine = make_engine(backend, tmp_path)
    try:
        finished(engine, bundle, prompt="one")
        assert backend.loaded_model.name == "tiny-ltx"
        take = finished(engine, bundle, prompt="two", model="tiny-wan")
        assert backend.loaded_model.name == "tiny-wan" and take.params["family"] == "wan"
        engine.release("diffusers")
        assert backend.loaded_model is None
    finally:
        engine.shutdown()


def test_missing_and_unloadable_models_name_the_model(registry, tiny_models, tmp_path):
    import shutil
    import struct

    from studio.engine.diffusion import make_backend
    from studio.errors import EngineFailure
    from studio.models import ModelRegistry

    with pytest.raises(EngineFailure, match="no-such-model"):
        make_backend("no-such-model", "cpu", registry=registry)
    broken = tmp_path / "models" / "broken-ltx"
    shutil.copytree(tiny_models / "tiny-ltx", broken)
    weights = next((broken / "transformer").glob("*.safetensors"))
    weights.write_bytes(b"not really safetensors")
    registry = ModelRegistry([tmp_path / "models"], include_hf_cache=False)
    with pytest.raises(EngineFailure, match="broken-ltx") as info:  # refused before loading,
        make_backend(str(broken), "cpu", registry=registry).load()  # as `models list` says
    assert "not a safetensors file" in str(info.value)
    # a header that parses but weights that do not still fail in the loader, named
    weights.write_bytes(struct.pack("<Q", 2) + b"{}" + b"garbage")
    registry.refresh()
    with pytest.raises(EngineFailure, match="broken-ltx") as info:
        make_backend(str(broken), "cpu", registry=registry).load()
    assert "failed to load" in str(info.value)


def test_cli_models_list(tiny_models, capsys):
    from studio.cli.main import main

    assert main(["models", "list", "--dir", str(tiny_models)]) == 0
    out = capsys.readouterr().out
    assert "tiny-ltx" in out and "LTX-Video" in out and "tiny-wan" in out and "KB" in out


def test_generated_take_is_staged_then_adopted_into_the_bundle(ltx_backend, tmp_path, bundle):
    from studio.render_service import adopt_take

    engine = make_engine(ltx_backend, tmp_path)
    try:
        take = finished(engine, bundle, prompt="where")
    finally:
        engine.shutdown()
    staged = Path(take.path)  # outside the bundle, which a Save As may move meanwhile
    assert staged.is_relative_to(engine.staging_dir) and staged.is_file()
    assert not any((engine.staging_dir / ".partial").iterdir())
    (bundle / "project.json").write_text('{"schema_version": 1}')
    landed = adopt_take(bundle, take)
    assert Path(landed.path).parts[0] == "takes" and (bundle / landed.path).is_file()
    assert not staged.exists()


def test_cli_render_with_the_diffusion_engine(tiny_models, tmp_path):
    """The whole path a user takes: script → diffusers takes → compositor → signed MP4."""
    import av

    from studio.bundle import Bundle
    from studio.cli.main import main

    board = tmp_path / "board.toml"
    board.write_text(
        'format = "square"\nfps = 24\n'
        '[[shot]]\nprompt = "a red kite over dunes"\nduration = 0.5\n'
        '[[shot]]\nprompt = "a blue boat at night"\nduration = 0.5\n'
    )
    out, proj = tmp_path / "film.mp4", tmp_path / "film.sbproj"
    code = main(
        [
            "render",
            str(board),
            "-o",
            str(out),
            "--engine",
            "diffusers",
            "--model",
            str(tiny_models / "tiny-ltx"),
            "--steps",
            "2",
            "--size",
            "96x64",
            "--device",
            "cpu",
            "--seed",
            "3",
            "--project",
            str(proj),
            "--no-sound",
        ]
    )
    assert code == 0
    with av.open(str(out)) as c:
        v = c.streams.video[0]
        assert (v.codec_context.width, v.codec_context.height) == (1080, 1080)
        assert sum(1 for _ in c.decode(v)) == 24  # two 0.5 s shots at the project's 24 fps
    takes = list(Bundle.load(proj).project.takes.values())
    assert {t.engine for t in takes} == {"diffusers"} and [t.seed for t in takes] == [3, 4]
    assert all(t.params.get("steps") == 2 and t.model for t in takes)


# --- a failed decode keeps the sampling; retrying the same request only decodes -------------------
def count_transformer_calls(backend) -> dict:
    backend.load()
    calls = {"n": 0}
    transformer = backend._loaded.pipe.transformer
    calls["hook"] = transformer.register_forward_hook(
        lambda *a: calls.__setitem__("n", calls["n"] + 1)
    )
    return calls


def kept_files():
    from studio.paths import user_cache_dir

    folder = user_cache_dir() / "latents"
    return sorted(p.name for p in folder.glob("*")) if folder.exists() else []


def test_failed_decode_keeps_sampling_and_retry_after_restart_only_decodes(
    ltx_backend, tmp_path, bundle, monkeypatch
):
    import torch

    events = []
    engine = make_engine(ltx_backend, tmp_path, events)
    request = dict(prompt="hours of sampling", seed=11, steps=3)
    try:
        normal = finished(engine, bundle, **request)
        assert kept_files() == []  # a saved take leaves nothing behind
        vae = ltx_backend._loaded.pipe.vae

        def out_of_memory(*args, **kwargs):  # survives the tiling retry
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 40.00 GiB")

        monkeypatch.setattr(vae, "decode", out_of_memory)
        failed_job, event = run(engine, bundle, **request)
        assert isinstance(event, JobFailed)
        assert "out of memory while decoding" in event.reason
        assert "sampling was kept" in event.reason and "Retry will only decode" in event.reason
        assert "Retry" in event.hint
        files = kept_files()
        assert len(files) == 2 and {f.rsplit(".", 1)[1] for f in files} == {"json", "safetensors"}

        ltx_backend.release()  # as after a restart: nothing kept in memory, a fresh pipeline
        calls = count_transformer_calls(ltx_backend)
        retry_job, event = run(engine, bundle, **request)  # the Retry button resubmits the request
        assert isinstance(event, JobFinished), getattr(event, "reason", event)
        retried = event.take
    finally:
        engine.shutdown()
        if "calls" in locals():
            calls["hook"].remove()
    assert calls["n"] == 0  # never sampled again
    phases = {e.phase for e in events if isinstance(e, StepProgress) and e.job_id == retry_job}
    assert "sampling" not in phases and "decoding" in phases
    assert retried.params["reused_latents"] is True and retried.params["steps_run"] == 3
    assert "reused_latents" not in normal.params
    assert retried.frames == normal.frames == 13 and retried.seed == 11
    a, b = (load_frames(bundle / t.path).astype(int) for t in (normal, retried))
    assert a.shape == b.shape and np.abs(a - b).mean() < 0.5  # the same latents, the same take
    assert kept_files() == []  # removed once the take is saved


def test_kept_latents_serve_only_the_same_request(wan_backend, tmp_path, bundle, monkeypatch):
    from studio.paths import user_cache_dir

    wan_backend.load()
    vae = wan_backend._loaded.pipe.vae
    real_decode = vae.decode
    seen_on_disk = []

    def broken(*args, **kwargs):  # not an out-of-memory: no tiling retry, still kept
        seen_on_disk.append(kept_files())
        raise RuntimeError("VAE kernel failed")

    monkeypatch.setattr(wan_backend, "long_job_s", 0.0)  # long job: on disk before the decode
    monkeypatch.setattr(vae, "decode", broken)
    calls = count_transformer_calls(wan_backend)
    engine = make_engine(wan_backend, tmp_path)
    try:
        _, event = run(engine, bundle, prompt="tide", seed=5)
        assert isinstance(event, JobFailed) and "decoding failed" in event.reason
        assert "VAE kernel failed" in event.reason and "Retry will only decode" in event.reason
        assert len(seen_on_disk[0]) == 2  # a crash during the decode would not lose it either
        sampled = calls["n"]
        assert sampled > 0
        sidecar = next((user_cache_dir() / "latents").glob("*.json"))
        info = json.loads(sidecar.read_text())
        assert info["seed"] == 5 and info["prompt"] == "tide" and info["steps_run"] == 2
        monkeypatch.setattr(vae, "decode", real_decode)  # (undo() would also undo STUDIO_HOME)
        monkeypatch.setattr(wan_backend, "long_job_s", 30.0)

        other = finished(engine, bundle, prompt="tide", seed=6)  # another seed samples anew
        assert calls["n"] > sampled and "reused_latents" not in other.params
        assert len(kept_files()) == 2  # the seed-5 sampling is still waiting for its retry
        before = calls["n"]
        again = finished(engine, bundle, prompt="tide", seed=5)
        assert calls["n"] == before and again.params["reused_latents"] is True
        assert again.frames == other.frames == 9
    finally:
        engine.shutdown()
        calls["hook"].remove()
    assert kept_files() == []


def test_latents_key_follows_what_determines_the_sampling(tmp_path):
    from studio.engine.diffusion.kept import latents_key
    from studio.engine.diffusion.plan import make_plan
    from studio.models.families import LTX_VIDEO

    model = {"id": "tiny-ltx", "revision": "abc"}
    base = dict(prompt="a kite", duration=1.0, seed=3, size=SIZE)

    def key(model=model, **changes):
        request = GenerationRequest(**{**base, **changes})
        plan = make_plan(request, LTX_VIDEO, None, 32, 8, 2)
        return latents_key(model, plan, request, plan.frames)

    same = key()
    assert key() == same
    assert key(bundle=str(tmp_path), label="x", previews=False, shot_id="s1") == same
    for change in (
        dict(seed=4),
        dict(prompt="a boat"),
        dict(steps=5),
        dict(guidance=2.0),
        dict(size=(128, 64)),
        dict(duration=2.0),
        dict(camera="orbit"),
    ):
        assert key(**change) != same, change
    assert key(model={"id": "tiny-ltx", "revision": "abd"}) != same
    clip = tmp_path / "a.mp4"
    clip.write_bytes(b"x" * 10)
    src = SourceTake(take_id="t1", path=str(clip), fps=24, frames=12)
    remix = key(operation=Operation.REMIX, sources=[src])
    assert remix != same and key(operation=Operation.REMIX, sources=[src], strength=0.9) != remix
    image = tmp_path / "first.png"
    image.write_bytes(b"one")
    first = key(image=str(image))
    image.write_bytes(b"two")  # edited in place: a new sampling
    assert key(image=str(image)) != first
