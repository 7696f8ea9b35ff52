"""Issue 12: the animatic honours keyframes — the panel moves toward each keyframe's picture
around its time, arrives on the last frame, and holds the first frame as strictly as asked."""

from __future__ import annotations

import numpy as np
from PIL import Image

from studio.engine.animatic import AnimaticBackend
from studio.engine.request import GenerationRequest
from studio.model import Keyframe

SIZE = (96, 160)
GREEN, BLUE, RED = (20, 230, 40), (30, 40, 240), (230, 30, 30)


def _picture(tmp_path, name, colour) -> str:
    path = tmp_path / f"{name}.png"
    Image.new("RGB", (48, 80), colour).save(path)
    return str(path)


def _frames(request: GenerationRequest) -> np.ndarray:
    shot = AnimaticBackend().layer_shot(request)
    return np.stack([shot.frame(i) for i in range(shot.frames)]).astype(float)


def _distance(frames: np.ndarray, colour) -> np.ndarray:
    """Mean distance of each frame's middle from a colour (the overlay lives at the edges)."""
    h, w = frames.shape[1:3]
    middle = frames[:, h // 4 : 3 * h // 4, w // 4 : 3 * w // 4]
    return np.abs(middle - np.array(colour, float)).mean(axis=(1, 2, 3))


def _request(**kw) -> GenerationRequest:
    kw.setdefault("prompt", "a lighthouse on a stormy sea at night")
    return GenerationRequest(duration=2.0, fps=24, size=SIZE, seed=5, **kw)


def test_frames_near_a_keyframe_resemble_its_picture(tmp_path):
    mid = _picture(tmp_path, "mid", GREEN)
    plain = _frames(_request())
    keyed = _frames(_request(keyframes=[Keyframe(at=1.0, image=mid, strength=1.0)]))
    d = _distance(keyed, GREEN)
    assert d[24] < 25  # at the keyframe's time the panel is its picture
    assert d[24] < d[12] < d[0] and d[24] < d[36] < d[47]  # nearer in time, nearer in look
    assert np.abs(keyed[0] - plain[0]).max() < 1  # far from it the panel is untouched
    # a weaker keyframe pulls less
    weak = _frames(_request(keyframes=[Keyframe(at=1.0, image=mid, strength=0.4)]))
    assert d[24] < _distance(weak, GREEN)[24] < _distance(plain, GREEN)[24]


def test_last_frame_is_reached_and_first_frame_strength_is_honoured(tmp_path):
    first, last = _picture(tmp_path, "first", RED), _picture(tmp_path, "last", BLUE)
    frames = _frames(_request(image=first, last_image=last))
    to_blue, to_red = _distance(frames, BLUE), _distance(frames, RED)
    assert to_blue[-1] < 25 and to_red[0] < 25  # starts on the first frame, ends on the last
    assert to_blue[-1] < to_blue[36] < to_blue[12]
    loose = _frames(_request(image=first, image_strength=0.3))
    assert _distance(loose, RED)[0] > to_red[0] + 40  # held less strictly: drifts from it


def test_take_through_the_backend_carries_keyframes(tmp_path, engine, bundle):
    from tests.studio.engine.test_animatic import frames_of, run

    mid = _picture(tmp_path, "mid", GREEN)
    take = run(
        engine,
        bundle,
        prompt="a quiet street",
        duration=1.0,
        seed=3,
        keyframes=[Keyframe(at=0.5, image=mid, strength=1.0)],
    )
    d = _distance(frames_of(bundle, take).astype(float), GREEN)
    assert d[12] < 30 and d[12] + 30 < d[0]
