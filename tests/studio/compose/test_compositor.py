"""The compositor on real takes: clip order, gaps, track stacking, transitions, fades,
fit modes, frame-rate conversion, stills and missing media."""

from __future__ import annotations

import av
import numpy as np
import pytest
from PIL import Image

from studio.compose import Compositor
from studio.errors import InputError
from studio.model import Clip, FitMode, TrackKind
from tests.studio.compose.factory import (
    BLUE,
    GREEN,
    RED,
    add_take,
    crossfade,
    new_project,
    place,
    resolver,
)
from tests.studio.compose.test_sources import bar_index

SIZE = (36, 64)


def mean(frame) -> np.ndarray:
    """Mean colour below the frame-index bar."""
    return frame[frame.shape[0] // 4 :].reshape(-1, 3).mean(axis=0)


def close(frame, colour, tol=12) -> bool:
    return bool(np.abs(mean(frame) - colour).max() <= tol)


@pytest.fixture
def bundle(tmp_path):
    return tmp_path


def compositor(project, bundle, **kw) -> Compositor:
    return Compositor(project, resolver(bundle), size=kw.pop("size", SIZE), **kw)


def test_clips_in_order_with_a_black_gap(bundle):
    p = new_project()
    add_take(bundle, p, "a", RED)
    add_take(bundle, p, "b", BLUE)
    place(p, "a", 0, 6)
    place(p, "b", 10, 6, source_in=3)
    with compositor(p, bundle) as comp:
        assert comp.frame_count == 16
        frames = list(comp.frames())
    assert all(close(f, RED) for f in frames[:6])
    assert all(f.max() == 0 for f in frames[6:10])
    assert all(close(f, BLUE) for f in frames[10:])
    # source_in: the first frame of clip b is frame 3 of its take (cover fit keeps the bar)
    wide = Compositor(p, resolver(bundle), size=(64, 112))
    assert bar_index(wide.frame(10)) == 3 and bar_index(wide.frame(15)) == 8


def test_later_tracks_draw_over_earlier_ones_and_muted_tracks_are_skipped(bundle):
    p = new_project()
    add_take(bundle, p, "a", RED)
    add_take(bundle, p, "b", GREEN)
    place(p, "a", 0, 12, track=0)
    place(p, "b", 4, 4, track=1)
    comp = compositor(p, bundle)
    assert close(comp.frame(2), RED) and close(comp.frame(5), GREEN) and close(comp.frame(9), RED)
    p.tracks_of(TrackKind.VIDEO)[1].muted = True
    comp.reload()
    assert close(comp.frame(5), RED)
    p.tracks_of(TrackKind.VIDEO)[1].muted = False
    p.tracks_of(TrackKind.VIDEO)[1].solo = True
    comp.reload()
    assert close(comp.frame(5), GREEN) and comp.frame(2).max() == 0


def test_crossfade_midpoint_mixes_both_clips(bundle):
    p = new_project()
    add_take(bundle, p, "a", RED)
    add_take(bundle, p, "b", BLUE)
    place(p, "a", 0, 12)
    place(p, "b", 8, 12, transition_in=crossfade(4))  # overlap: frames 8..11
    comp = compositor(p, bundle)
    assert comp.frame_count == 20
    mid = (mean(comp.frame(9)) + mean(comp.frame(10))) / 2
    assert np.abs(mid - (np.array(RED) + BLUE) / 2).max() < 15
    reds = [mean(comp.frame(i))[0] for i in range(7, 13)]
    assert reds == sorted(reds, reverse=True) and reds[0] - reds[-1] > 120


def test_dip_to_black_midpoint_is_dark(bundle):
    p = new_project()
    add_take(bundle, p, "a", RED)
    add_take(bundle, p, "b", BLUE)
    place(p, "a", 0, 12)
    place(p, "b", 7, 12, transition_in=crossfade(5, "dip-to-black"))  # overlap 7..11
    comp = compositor(p, bundle)
    assert mean(comp.frame(9)).max() < 25
    assert close(comp.frame(6), RED) and close(comp.frame(12), BLUE)
    assert 25 < mean(comp.frame(8))[0] < 190  # part-way down, still red
    assert 25 < mean(comp.frame(10))[2] < 200  # part-way up, already blue


def test_fade_in_from_black_and_out_to_black(bundle):
    p = new_project()
    add_take(bundle, p, "a", GREEN)
    place(p, "a", 0, 12, transition_in=crossfade(4), transition_out=crossfade(4, "dip-to-black"))
    comp = compositor(p, bundle)
    greens = [mean(comp.frame(i))[1] for i in range(12)]
    assert greens[0] < greens[1] < greens[2] < greens[3] < greens[4]
    assert greens[8] > greens[9] > greens[10] > greens[11]
    assert greens[0] < 60 and greens[11] < 60 and abs(greens[6] - GREEN[1]) < 10
    assert all(comp.frame(i).flags.writeable for i in (0, 6, 11)), "callers stamp frames in place"


def test_upper_track_crossfade_in_reveals_the_track_below(bundle):
    p = new_project()
    add_take(bundle, p, "a", RED)
    add_take(bundle, p, "b", BLUE)
    place(p, "a", 0, 12, track=0)
    place(p, "b", 4, 8, track=1, transition_in=crossfade(3))
    m = mean(compositor(p, bundle).frame(5))  # half-way through the fade: red and blue, no black
    assert m[0] > 60 and m[2] > 60


@pytest.mark.parametrize("mode", list(FitMode))
def test_fit_mode_per_clip_and_project(bundle, mode):
    p = new_project(fit=mode)
    add_take(bundle, p, "wide", BLUE, frames=4, size=(112, 64))  # landscape into portrait
    place(p, "wide", 0, 4)
    frame = compositor(p, bundle).frame(1)
    bars = np.concatenate([frame[:8], frame[-8:]])
    if mode == FitMode.COVER:
        assert close(frame, BLUE, 15) and bars.mean() > 40
    elif mode == FitMode.CONTAIN:
        assert bars.max() == 0
    else:
        assert bars.mean() > 20 and bars.max() < 230
    # a clip's own fit wins over the project's (and over the compositor's default)
    p.tracks[0].clips[0].fit = FitMode.CONTAIN
    assert compositor(p, bundle, fit=FitMode.COVER).frame(1)[:8].max() == 0


def test_output_fps_differs_from_the_project(bundle):
    p = new_project(fps=24)
    add_take(bundle, p, "a", RED, frames=24)
    place(p, "a", 0, 24)
    comp = Compositor(p, resolver(bundle), size=(64, 112), fps=30)
    assert comp.frame_count == 30 and comp.duration == 1.0
    shown = [bar_index(comp.frame(i)) for i in range(10)]
    assert shown == [0, 0, 1, 2, 3, 4, 4, 5, 6, 7]


def test_still_images_and_watermark_option(bundle):
    p = new_project()
    Image.new("RGB", (20, 30), GREEN).save(bundle / "still.png")
    p.ensure_track(TrackKind.VIDEO).clips.append(Clip(media="still.png", start=0, duration=5))
    plain = compositor(p, bundle, size=(320, 568))
    marked = compositor(p, bundle, size=(320, 568), watermark=True)
    a, b = plain.frame(2), marked.frame(2)
    assert close(a, GREEN, 3)
    assert (a != b).any() and plain.frame(2).tolist() == a.tolist(), "frames are fresh arrays"


def test_missing_media_raises_or_shows_offline(bundle):
    p = new_project()
    add_take(bundle, p, "a", RED)
    place(p, "a", 0, 4)
    (bundle / "takes" / "a.mp4").unlink()
    with pytest.raises(InputError, match=r"a\.mp4"):
        compositor(p, bundle).frame(0)
    preview = compositor(p, bundle, strict=False, quality="draft")
    frame = preview.frame(0)
    assert frame.shape == (64, 36, 3) and frame[..., 0].mean() > frame[..., 2].mean()
    assert any("a.mp4" in k for k in preview.offline)


def test_bad_size_is_an_input_error(bundle):
    with pytest.raises(InputError):
        Compositor(new_project(), resolver(bundle), size=(1, 10))


def test_a_take_crossfading_into_itself_decodes_sequentially(bundle):
    p = new_project()
    add_take(bundle, p, "a", RED, frames=24)
    place(p, "a", 0, 24)
    place(p, "a", 20, 24, transition_in=crossfade(4))  # the take's end into its own start
    comp = Compositor(p, resolver(bundle), size=(64, 112))
    frames = list(comp.frames())
    assert len(frames) == 44 and bar_index(frames[30]) == 10
    decoded = sum(src.decoded for src in comp._sources.values())
    assert decoded <= 48, f"{decoded} frames decoded: the two clips fought over one decoder"


def test_empty_tracks_and_an_empty_timeline(bundle):
    p = new_project()
    assert Compositor(p, resolver(bundle), size=SIZE).frame_count == 0
    add_take(bundle, p, "a", RED)
    place(p, "a", 0, 4, track=1)  # V1 stays empty
    comp = compositor(p, bundle)
    assert comp.frame_count == 4 and close(comp.frame(0), RED)


def test_encoder_frame_passes_plain_take_frames_through_undecoded(bundle):
    p = new_project()
    add_take(bundle, p, "a", RED, size=SIZE)  # already the output size
    add_take(bundle, p, "b", BLUE, size=(64, 36))  # needs fitting
    place(p, "a", 0, 12, transition_out=crossfade(3, "dip-to-black"))
    place(p, "b", 8, 12, transition_in=crossfade(2))
    comp = compositor(p, bundle)
    plain = comp.encoder_frame(2)
    assert isinstance(plain, av.VideoFrame) and (plain.width, plain.height) == SIZE
    assert close(plain.to_ndarray(format="rgb24"), RED)
    for i in (8, 9, 14):  # crossfade, crossfade, a fitted take: composed in RGB
        got = comp.encoder_frame(i)
        assert isinstance(got, np.ndarray) and not got.flags.writeable
        assert np.array_equal(got, comp.frame(i))
    assert comp.encoder_frame(30).max() == 0  # past the end: black
    add_take(bundle, p, "big", GREEN, size=(72, 128))  # the output's aspect: only scaled
    place(p, "big", 40, 4, track=1)
    comp.reload()
    got = comp.encoder_frame(41)
    assert isinstance(got, av.VideoFrame) and (got.width, got.height) == (72, 128)
