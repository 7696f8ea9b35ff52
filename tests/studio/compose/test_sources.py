"""Take readers: sequential decoding decodes each frame once, seeking finds the right frame,
time look-ups retime between frame rates, stills and missing files behave."""

from __future__ import annotations

import wave

import numpy as np
import pytest
from PIL import Image

from studio.compose.sources import StillImage, TakeReader, open_source
from studio.errors import InputError
from studio.media.video import write_video
from tests.studio.compose.factory import frames_of


def bar_index(frame) -> int:
    """The frame index encoded by frames_of's bright bar (x = 4·i)."""
    rgb = frame.to_ndarray(format="rgb24") if hasattr(frame, "to_ndarray") else frame
    top = rgb[: rgb.shape[0] // 8].astype(int).sum(axis=(0, 2))
    return int(np.argmax(np.convolve(top, np.ones(4), mode="valid"))) // 4


@pytest.fixture
def take(tmp_path):
    path = tmp_path / "take.mp4"
    write_video(path, frames_of((50, 90, 160), 14, (64, 48)), 24, crf=10, preset="ultrafast")
    return path


def test_sequential_reading_decodes_each_frame_once(take):
    with TakeReader(take) as reader:
        assert reader.frame_count == 14 and reader.fps == 24 and reader.size == (64, 48)
        got = [bar_index(reader.read(i)) for i in range(14)]
        assert got == list(range(14))
        assert reader.decoded == 14
        reader.read(13)  # cached: no decode
        assert reader.decoded == 14


def test_random_access_seeks(take):
    with TakeReader(take) as reader:
        for i in (11, 3, 12, 0, 7, 7, 2):
            assert bar_index(reader.read(i)) == i


def test_time_lookup_retimes_and_holds_the_last_frame(take):
    with TakeReader(take) as reader:
        # a 24 fps take in a 30 fps project: project frame k shows take frame floor(k·24/30)
        assert [reader.index_at(k / 30) for k in range(6)] == [0, 0, 1, 2, 3, 4]
        assert reader.index_at(100.0) == 13 and reader.index_at(-1) == 0
        assert bar_index(reader.at(10 / 24)) == 10
        assert bar_index(reader.frame_at(5, 30)) == 4  # project frame 5 at 30 fps = 1/6 s


def test_stills_and_open_source(tmp_path, take):
    png = tmp_path / "still.png"
    Image.new("RGB", (30, 20), (1, 2, 3)).save(png)
    still = open_source(png)
    assert isinstance(still, StillImage) and still.size == (30, 20)
    assert still.at(5.0)[0, 0].tolist() == [1, 2, 3]
    assert isinstance(open_source(take), TakeReader)


def test_missing_and_broken_files_name_the_file(tmp_path):
    with pytest.raises(InputError) as err:
        open_source(tmp_path / "nope.mp4")
    assert "nope.mp4" in str(err.value)
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"not a video")
    with pytest.raises(InputError, match="broken.mp4"):
        open_source(broken)
    sound = tmp_path / "sound.wav"
    with wave.open(str(sound), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(bytes(1600))
    with pytest.raises(InputError, match="no video stream") as err:
        open_source(sound)
    assert err.value.location.file.endswith("sound.wav")
    bad_png = tmp_path / "bad.png"
    bad_png.write_bytes(b"nope")
    with pytest.raises(InputError, match="bad.png"):
        open_source(bad_png)
