"""Issue 12: a farm job carries its last frame and keyframe pictures to the worker."""

from __future__ import annotations

from PIL import Image

from studio.engine.jobs import Job
from studio.engine.request import GenerationRequest
from studio.farm.actor import _staged_request
from studio.farm.engine import pack_job
from studio.model import Keyframe


def test_keyframe_pictures_travel_with_the_job(tmp_path):
    paths = {}
    for name, colour in (("first", (200, 0, 0)), ("last", (0, 0, 200)), ("mid", (0, 200, 0))):
        paths[name] = tmp_path / f"{name}.png"
        Image.new("RGB", (8, 8), colour).save(paths[name])
    request = GenerationRequest(
        prompt="p",
        duration=1.0,
        image=str(paths["first"]),
        last_image=str(paths["last"]),
        keyframes=[Keyframe(at=0.5, image=str(paths["mid"]), strength=0.6)],
    )
    packed = pack_job(Job(backend="animatic", request=request))
    assert set(packed.files) == {str(p) for p in paths.values()}
    worker = tmp_path / "worker"
    staged = _staged_request(packed, worker)
    for original, here in (
        (paths["first"], staged.image),
        (paths["last"], staged.last_image),
        (paths["mid"], staged.keyframes[0].image),
    ):
        assert here.startswith(str(worker)) and open(here, "rb").read() == original.read_bytes()
    assert staged.keyframes[0].strength == 0.6 and staged.keyframes[0].at == 0.5
