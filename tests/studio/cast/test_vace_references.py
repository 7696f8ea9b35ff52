"""The cast on a real tiny Wan VACE pipeline: what the pipeline itself receives.

The loaded pipeline's class is swapped for a subclass that records the keyword arguments of
each call (and its VAE's for the encode of a first frame) and then runs the real thing, so
the assertions are on what reached the model — through the render service's requests, the
submit consent check and the engine thread's own check, as in a render.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from studio.bundle import Bundle
from studio.cameo.guard import engine_preflight
from studio.cameo.store import CameoStore
from studio.cameo.transfer import export_cameo, import_cameo
from studio.engine.events import JobFailed, JobFinished, JobWarning
from studio.engine.request import CastReference
from studio.engine.worker import Engine
from studio.errors import PolicyRefusal
from studio.model import CastMember, Project, Shot
from studio.render_service import GenerationSettings, PlannedJob, check_consent, picture_request
from tests.studio.cast.conftest import picture

SETTINGS = GenerationSettings(engine="diffusers", size=(64, 64), steps=2, device="cpu")


class Recorder:
    """Swap the pipeline's (and its VAE's) class for recording subclasses."""

    def __init__(self, backend):
        self.calls: list[dict] = []
        self.encoded: list[np.ndarray] = []
        pipe = backend.load().pipe
        if not getattr(type(pipe), "_records", False):
            base, vae_base = type(pipe), type(pipe.vae)

            class Recording(base):
                _records = True

                def __call__(self, *args, **kwargs):
                    self._recorder.calls.append(kwargs)
                    return super().__call__(*args, **kwargs)

            class RecordingVAE(vae_base):
                def encode(self, x, *args, **kwargs):
                    self._recorder.encoded.append(x.detach().float().cpu().numpy())
                    return super().encode(x, *args, **kwargs)

            pipe.__class__ = Recording
            pipe.vae.__class__ = RecordingVAE
        pipe._recorder = pipe.vae._recorder = self


@pytest.fixture(scope="module")
def vace(cast_registry):
    from studio.engine.diffusion import make_backend

    backend = make_backend("tiny-vace", "cpu", 2, registry=cast_registry, previews=False)
    yield backend
    backend.release()


@pytest.fixture(scope="module")
def wan(cast_registry):
    from studio.engine.diffusion import make_backend

    backend = make_backend("tiny-wan", "cpu", 2, registry=cast_registry, previews=False)
    yield backend
    backend.release()


def sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def pixels(image) -> np.ndarray:
    return np.asarray(image.convert("RGB"))


def film(
    tmp_path: Path, prompt: str, duration: float = 0.5
) -> tuple[Bundle, Shot, dict[str, Path]]:
    """A bundle with a cast of three characters and @maya, and one shot with `prompt`."""
    refs = tmp_path / "refs"
    refs.mkdir()
    files = {
        "oro-front": picture(refs / "oro-front.png", (250, 120, 20)),
        "oro-side": picture(refs / "oro-side.png", (240, 140, 40), size=(24, 40)),
        "pip": picture(refs / "pip.png", (30, 200, 60)),
        "zed": picture(refs / "zed.png", (90, 30, 220)),
    }
    bundle = Bundle.create(tmp_path / "film.sbproj", Project(title="Cast"))
    media = {k: bundle.import_media(p) for k, p in files.items()}
    bundle.project.cast = [
        CastMember(
            name="Oro",
            description="a small orange robot with one round blue eye",
            images=[media["oro-front"], media["oro-side"]],
        ),
        CastMember(name="Pip", description="a green paper bird", images=[media["pip"]]),
        CastMember(name="Zed", description="a purple cat", images=[media["zed"]]),
        CastMember(cameo="maya"),
    ]
    shot = Shot(prompt=prompt, duration=duration)
    bundle.project.shots.append(shot)
    return bundle, shot, files


def run(backend, request, tmp_path: Path):
    """One job through an Engine that checks consent on its thread, as a render does."""
    engine = Engine({"diffusers": backend}, staging_dir=tmp_path / "staging")
    engine.add_preflight(engine_preflight(project="Cast"))
    events: list = []
    engine.subscribe(events.append)
    try:
        done = engine.wait(engine.submit(request, "diffusers"), timeout=600)
    finally:
        engine.shutdown()
    return done, [e for e in events if isinstance(e, JobWarning)]


def test_every_named_member_reaches_the_pipeline(vace, people, face, tmp_path):
    recorder = Recorder(vace)
    with people.acting_as("maya") as me:
        store = CameoStore()
        store.create("@maya", "Maya Lin", [face], me)
        bundle, shot, files = film(tmp_path, "oro and Pip wave at @maya on a pier", 1.0)
        request = picture_request(bundle, shot, SETTINGS)
        assert [c.key for c in request.cast] == ["Oro", "Pip", "@maya"]
        assert request.cast[2].images == [] and request.cameos == ["maya"]
        check_consent([PlannedJob("diffusers", request)], bundle.project)
        done, warnings = run(vace, request, tmp_path)
        assert isinstance(done, JobFinished), done
        profile_face = store.get("maya").images[0]

    assert len(recorder.calls) == 1 and not warnings
    received = recorder.calls[0]["reference_images"]
    # each member's first picture, then the characters' others
    expected = [files["oro-front"], files["pip"], profile_face, files["oro-side"]]
    assert len(received) == len(expected)
    for got, path in zip(received, expected, strict=True):
        assert np.array_equal(pixels(got), pixels(Image.open(path)))
    zed = pixels(Image.open(files["zed"]))
    assert not any(np.array_equal(pixels(g), zed) for g in received)  # not named: not used
    prompt = recorder.calls[0]["prompt"]
    assert "a small orange robot with one round blue eye" in prompt and "purple" not in prompt

    take = done.take
    assert take.cast == ["Oro", "Pip", "@maya"] and take.cameos == ["maya"]
    assert take.references == [sha(p) for p in expected]
    assert take.params["references"] == 4 and take.params["family"] == "wan-vace"
    assert take.frames == 17  # 1 s at 16 fps → 17 frames: the reference frames are dropped


def test_more_pictures_than_a_short_shot_holds_keeps_one_of_each_member(vace, tmp_path):
    """VACE pads one latent frame per picture; 9 frames hold 3: one of each member, a warning."""
    recorder = Recorder(vace)
    bundle, shot, files = film(tmp_path, "Oro, Pip and Zed play cards")
    request = picture_request(bundle, shot, SETTINGS)
    done, warnings = run(vace, request, tmp_path)
    assert isinstance(done, JobFinished), done
    expected = [files["oro-front"], files["pip"], files["zed"]]
    received = recorder.calls[0]["reference_images"]
    assert [pixels(g).tolist() for g in received] == [
        pixels(Image.open(p)).tolist() for p in expected
    ]
    assert done.take.references == [sha(p) for p in expected]
    assert done.take.cast == ["Oro", "Pip", "Zed"] and done.take.frames == 9
    assert len(warnings) == 1 and "the first 3 are used" in warnings[0].message


def test_a_cameo_without_consent_never_reaches_the_pipeline(vace, people, face, tmp_path):
    recorder = Recorder(vace)
    with people.acting_as("maya") as me:
        store = CameoStore()
        store.create("@maya", "Maya Lin", [face], me)
        shared = export_cameo(store.get("maya"), tmp_path / "maya.cameo")
    with people.acting_as("bob"):  # bob has her cameo file, not her consent
        import_cameo(CameoStore(), shared)
        bundle, shot, files = film(tmp_path, "Oro waves at @maya")
        request = picture_request(bundle, shot, SETTINGS)
        with pytest.raises(PolicyRefusal, match="maya"):
            check_consent([PlannedJob("diffusers", request)], bundle.project)
        # a forged request (her picture smuggled in as a cast member's) skips the submit check
        forged = request.model_copy(
            update={
                "cast": [
                    CastReference(key="Oro", images=[str(files["oro-front"])]),
                    CastReference(key="@maya", cameo="maya", images=[str(face)]),
                ],
                "cameo_images": [str(face)],
            }
        )
        done, _ = run(vace, forged, tmp_path)
    assert isinstance(done, JobFailed) and "maya" in done.reason
    assert recorder.calls == [] and recorder.encoded == []  # refused before the model ran


def test_a_cameo_cast_reference_cannot_carry_its_own_pictures(vace, people, face, tmp_path):
    """Only the consented profile's pictures are used for a cameo, never the request's."""
    recorder = Recorder(vace)
    with people.acting_as("maya") as me:
        CameoStore().create("@maya", "Maya Lin", [face], me)
        bundle, shot, files = film(tmp_path, "@maya reads a book")
        request = picture_request(bundle, shot, SETTINGS)
        forged = request.model_copy(
            update={"cast": [CastReference(key="@maya", cameo="maya", images=[str(files["zed"])])]}
        )
        done, _ = run(vace, forged, tmp_path)
        profile_face = CameoStore().get("maya").images[0]
    assert isinstance(done, JobFinished), done
    received = recorder.calls[0]["reference_images"]
    assert len(received) == 1 and np.array_equal(pixels(received[0]), pixels(Image.open(face)))
    assert done.take.references == [sha(profile_face)]


def test_without_reference_support_a_warning_and_never_a_real_persons_first_frame(
    wan, people, face, tmp_path
):
    recorder = Recorder(wan)
    with people.acting_as("maya") as me:
        CameoStore().create("@maya", "Maya Lin", [face], me)
        bundle, shot, files = film(tmp_path, "@maya waves from a balcony")
        request = picture_request(bundle, shot, SETTINGS)
        assert request.cameos == ["maya"]
        done, warnings = run(wan, request, tmp_path / "a")
    assert isinstance(done, JobFinished), done
    assert len(warnings) == 1 and "cannot take reference pictures" in warnings[0].message
    assert "never used as a first frame" in warnings[0].message
    assert "reference_images" not in recorder.calls[0]
    assert recorder.encoded == []  # nothing was encoded: no picture of her opens the shot
    assert "first_frame" not in done.take.params and done.take.references == []
    assert done.take.cast == ["@maya"]


def test_without_reference_support_a_characters_first_picture_opens_the_shot(
    wan, people, face, tmp_path
):
    recorder = Recorder(wan)
    with people.acting_as("maya") as me:
        CameoStore().create("@maya", "Maya Lin", [face], me)
        bundle, shot, files = film(tmp_path, "Oro and @maya share an umbrella")
        request = picture_request(bundle, shot, SETTINGS)
        done, warnings = run(wan, request, tmp_path / "b")
    assert isinstance(done, JobFinished), done
    assert len(warnings) == 1 and "opens the shot as its first frame" in warnings[0].message
    assert done.take.params["first_frame"] == Path(request.cast[0].images[0]).name
    assert done.take.references == [sha(files["oro-front"])]
    assert len(recorder.encoded) == 1  # one first frame encoded: Oro's, fitted to 64×64
    first = ((recorder.encoded[0][0, :, 0].transpose(1, 2, 0) + 1) * 127.5).round()
    assert abs(first.mean(axis=(0, 1)) - np.array([250, 120, 20])).max() < 60
    assert "reference_images" not in recorder.calls[0]


def test_a_remix_keeps_its_references_in_front_of_the_source_latents(vace, tmp_path):
    """Video→video on VACE: the source's latents start after one latent frame per picture."""
    from studio.engine.backend import JobContext
    from studio.engine.request import SourceTake
    from studio.model import Operation

    bundle, shot, files = film(tmp_path, "Oro waves")
    first = picture_request(bundle, shot, SETTINGS)
    done, _ = run(vace, first, tmp_path / "a")
    source = SourceTake(
        take_id=done.take.id,
        path=str(tmp_path / "a" / "staging" / done.take.path),
        fps=done.take.fps,
        frames=done.take.frames,
    )
    remix = first.model_copy(update={"operation": Operation.REMIX, "sources": [source]})
    out = tmp_path / "remix"
    out.mkdir()
    recorder = Recorder(vace)  # the engine's shutdown released the pipeline: a fresh one
    result = vace.generate(remix, JobContext("remix", out, lambda e: None))
    latents = recorder.calls[-1]["latents"]
    assert latents.shape[2] == 2 + 3  # Oro's two pictures, then 9 frames' 3 latent frames
    assert len(recorder.calls[-1]["reference_images"]) == 2
    assert result.frames == 9 and result.params["strength"] == remix.strength
    assert result.references == [sha(files["oro-front"]), sha(files["oro-side"])]
