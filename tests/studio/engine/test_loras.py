"""LoRAs on a tiny real LTX-Video pipeline: attached and detached between jobs on the same
loaded pipeline, the output changed by one and restored bit for bit without it, and a LoRA of
another family refused with both families named."""

from __future__ import annotations

import hashlib

import pytest

from studio.engine.events import JobFailed, JobFinished
from studio.engine.request import GenerationRequest
from studio.engine.worker import Engine
from studio.model.lora import LoraRef
from studio.models.testing import TINY_LTX_LORA_LAYERS, TINY_WAN_LORA_LAYERS, write_tiny_lora

SIZE = (64, 64)


@pytest.fixture(scope="module")
def backend(registry):
    """A backend of its own: a failed test must not leave adapters on the shared one."""
    from studio.engine.diffusion import make_backend

    backend = make_backend("tiny-ltx", "cpu", 2, registry=registry)
    yield backend
    backend.release()


@pytest.fixture
def engine(backend, tmp_path):
    engine = Engine({"diffusers": backend}, queue_path=tmp_path / "queue.json")
    latents = []
    engine.subscribe(
        lambda e: isinstance(e, JobFinished) and latents.append(backend.last_latents[1].clone())
    )
    engine.latents = latents
    yield engine
    engine.shutdown()


def run(engine, bundle, loras=(), seed=5):
    request = GenerationRequest(
        bundle=str(bundle),
        prompt="a paper boat on a pond",
        duration=0.3,
        size=SIZE,
        seed=seed,
        loras=list(loras),
    )
    job = engine.submit(request, backend="diffusers")
    event = engine.wait(job, timeout=120)
    assert event is not None, "job did not end"
    return event


def test_a_lora_changes_the_output_and_detaching_restores_it_exactly(engine, backend, tmp_path):
    import torch

    ink = write_tiny_lora(tmp_path / "ink.safetensors", TINY_LTX_LORA_LAYERS, seed=1)
    bundle = tmp_path / "film.sbproj"
    plain = run(engine, bundle)
    pipe = backend._loaded.pipe
    with_lora = run(engine, bundle, [LoraRef(file=str(ink), weight=1.0)])
    half = run(engine, bundle, [LoraRef(file=str(ink), weight=0.5)])
    again = run(engine, bundle)
    assert all(isinstance(e, JobFinished) for e in (plain, with_lora, half, again))
    base, lora, weaker, restored = engine.latents
    assert not torch.allclose(base, lora, atol=1e-3)  # same seed, the LoRA changes the picture
    assert not torch.allclose(lora, weaker, atol=1e-4)  # its weight counts
    assert torch.equal(base, restored)  # detached: bit for bit the output without it
    assert backend._loaded.pipe is pipe  # one pipeline throughout: attached, never reloaded
    assert pipe.get_list_adapters() == {} and backend._loaded.loras == {}
    use = with_lora.take.loras
    digest = hashlib.sha256(ink.read_bytes()).hexdigest()
    assert [(u.name, u.sha256, u.weight, u.family) for u in use] == [
        ("ink.safetensors", digest, 1.0, "ltx-video")
    ]
    assert half.take.loras[0].weight == 0.5 and plain.take.loras == again.take.loras == []


def test_a_second_lora_replaces_the_first_without_a_reload(engine, backend, tmp_path):
    a = write_tiny_lora(tmp_path / "a.safetensors", TINY_LTX_LORA_LAYERS, seed=2)
    b = write_tiny_lora(tmp_path / "b.safetensors", TINY_LTX_LORA_LAYERS, seed=3)
    bundle = tmp_path / "film.sbproj"
    only_b_first = run(engine, bundle, [LoraRef(file=str(b))])
    run(engine, bundle, [LoraRef(file=str(a)), LoraRef(file=str(b), weight=0.7)])
    pipe = backend._loaded.pipe
    assert sorted(pipe.get_list_adapters()["transformer"]) == sorted(backend._loaded.loras.values())
    assert len(backend._loaded.loras) == 2
    only_b = run(engine, bundle, [LoraRef(file=str(b))])  # a detached, b kept at weight 1
    assert list(pipe.get_list_adapters()["transformer"]) == [backend._loaded.loras[_sha(b)]]
    assert backend._loaded.pipe is pipe
    assert isinstance(only_b, JobFinished) and isinstance(only_b_first, JobFinished)
    first, _, last = engine.latents
    assert (first - last).abs().max().item() == 0.0
    run(engine, bundle)  # leave the pipeline clean


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    ("layers", "metadata", "said"),
    [
        (TINY_LTX_LORA_LAYERS, {"studio.family": "wan"}, "Wan 2.1 / 2.2 (by its metadata)"),
        (TINY_LTX_LORA_LAYERS, {"modelspec.architecture": "flux-1-dev/lora"}, "flux"),
        (TINY_WAN_LORA_LAYERS, None, "Wan 2.1 / 2.2 (by its layers)"),
    ],
)
def test_a_lora_of_another_family_is_refused_naming_both(
    engine, backend, tmp_path, layers, metadata, said
):
    import torch

    bundle = tmp_path / "film.sbproj"
    foreign = write_tiny_lora(tmp_path / "other.safetensors", layers, metadata=metadata)
    event = run(engine, bundle, [LoraRef(file=str(foreign))])
    assert isinstance(event, JobFailed)
    assert "other.safetensors" in event.reason and said in event.reason
    assert "LTX-Video" in event.reason and "tiny-ltx" in event.reason
    assert backend._loaded.pipe.get_list_adapters() == {}  # nothing half attached
    run(engine, bundle)
    run(engine, bundle)
    assert torch.equal(*engine.latents)


def test_a_lora_of_the_right_names_but_other_shapes_is_refused(engine, tmp_path):
    wide = {name: (64, 64) for name in TINY_LTX_LORA_LAYERS}
    lora = write_tiny_lora(tmp_path / "wide.safetensors", wide)
    event = run(engine, tmp_path / "film.sbproj", [LoraRef(file=str(lora))])
    assert isinstance(event, JobFailed)
    assert "wide.safetensors" in event.reason and "does not fit" in event.reason
    assert "32→32" in event.reason


def test_a_pickle_named_in_a_request_is_never_loaded(engine, tmp_path):
    evil = tmp_path / "evil.ckpt"
    evil.write_bytes(b"\x80\x04not a safetensors file")
    event = run(engine, tmp_path / "film.sbproj", [LoraRef(file=str(evil))])
    assert isinstance(event, JobFailed) and "pickle" in event.reason


def test_wan_takes_its_own_loras_and_refuses_ltx_ones(registry, tmp_path):
    import torch

    from studio.engine.diffusion import make_backend

    backend = make_backend("tiny-wan", "cpu", 2, registry=registry)
    engine = Engine({"diffusers": backend}, queue_path=tmp_path / "queue.json")
    latents = []
    engine.subscribe(
        lambda e: isinstance(e, JobFinished) and latents.append(backend.last_latents[1].clone())
    )
    bundle = tmp_path / "film.sbproj"
    try:
        wan = write_tiny_lora(tmp_path / "wan.safetensors", TINY_WAN_LORA_LAYERS, seed=4)
        ltx = write_tiny_lora(tmp_path / "ltx.safetensors", TINY_LTX_LORA_LAYERS)
        assert isinstance(run(engine, bundle), JobFinished)
        done = run(engine, bundle, [LoraRef(file=str(wan))])
        assert done.take.loras[0].family == "wan"
        refused = run(engine, bundle, [LoraRef(file=str(ltx))])
        assert isinstance(refused, JobFailed) and "Wan 2.1 / 2.2" in refused.reason
        assert "the model has no layer transformer.transformer_blocks.0.attn1" in refused.reason
        assert isinstance(run(engine, bundle), JobFinished)
    finally:
        engine.shutdown()
        backend.release()
    plain, with_lora, again = latents
    assert not torch.allclose(plain, with_lora, atol=1e-3) and torch.equal(plain, again)
