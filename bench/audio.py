"""Sound figures: the mixer's real-time factor on a 10-track, 3-minute project, and the
player's A/V drift after 60 s of simulated playback (audio clock vs. a wall-clock player).

    .venv/bin/python bench/audio.py [--minutes 3] [--tracks 10]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from studio.audio.beds import render_bed  # noqa: E402
from studio.audio.decode import DecodeCache  # noqa: E402
from studio.audio.mixer import MixOptions, render_export_audio, render_project_audio  # noqa: E402
from studio.audio.playback import AudioPlayer  # noqa: E402
from studio.audio.wavfile import write_wav  # noqa: E402
from studio.model import Clip, Project, Track, TrackKind  # noqa: E402

SR, FPS = 48_000, 24
SOUNDS = [
    "rain",
    "wind",
    "city traffic",
    "crowd chatter",
    "footsteps",
    "room tone hum",
    "ocean waves",
    "campfire",
    "birds in a forest",
    "engine idling",
]


def build_project(folder: Path, minutes: float, tracks: int) -> Project:
    """`tracks` tracks of 20 s clips (fades, gains, pans) filling `minutes`; one music and one
    voice track so ducking runs too."""
    names = []
    for i in range(tracks):
        name = f"s{i}.wav"
        write_wav(folder / name, render_bed(SOUNDS[i % len(SOUNDS)], 20.0, seed=i), SR)
        names.append(name)
    project = Project(fps=FPS)
    clip_frames = 20 * FPS
    total = int(minutes * 60 * FPS)
    for i in range(tracks):
        label = "Music" if i == 0 else "Voice" if i == 1 else f"A{i + 1}"
        track = Track(kind=TrackKind.AUDIO, name=label, gain_db=-3.0 * (i % 3))
        start = (i * 7 * FPS) % clip_frames
        while start < total:
            track.clips.append(
                Clip(
                    media=names[i],
                    start=start,
                    duration=min(clip_frames, total - start),
                    fade_in=0.5,
                    fade_out=0.5,
                    pan=((i % 5) - 2) / 2,
                    gain_db=-2.0,
                )
            )
            start += clip_frames + (FPS if i % 2 else 0)
        project.tracks.append(track)
    return project


class SimulatedCard:
    """A sound card whose crystal runs `ppm` fast, pulling 512-sample blocks."""

    def __init__(self, samplerate, channels, dtype, blocksize, callback, ppm=100.0):
        self.rate, self.block, self.callback, self.ppm = samplerate, blocksize, callback, ppm
        self.time = 0.0

    def start(self):
        pass

    def stop(self):
        pass

    def close(self):
        pass


def drift_after(seconds: float, project: Project, resolve, ppm: float) -> tuple[float, float, int]:
    cards = []

    def factory(**kw):
        cards.append(SimulatedCard(**kw, ppm=ppm))
        return cards[-1]

    player = AudioPlayer(project, resolve, stream_factory=factory)
    card = cards[0]
    try:
        player.play(0.0)
        out = np.zeros((card.block, 2), np.float32)
        blocks = int(seconds * SR / card.block)
        worst = 0.0
        for i in range(blocks):
            player.wait_buffered(card.block / SR, timeout=10)
            dac = card.time + 0.02
            card.callback(out, card.block, SimpleNamespace(outputBufferDacTime=dac), None)
            card.time += card.block / (SR * (1 + ppm * 1e-6))
            if i % 50 == 0:  # the picture asks the clock as a 60 Hz UI would
                heard = (i * card.block) / SR + (card.time - dac) * (1 + ppm * 1e-6)
                worst = max(worst, abs(player.clock() - max(0.0, heard)))
        played = blocks * card.block
        card.time = 0.02 + sum([0.0]) + (played - 1) / (SR * (1 + ppm * 1e-6))
        audio_drift = abs(player.clock() - (played - 1) / SR)
        wall_drift = abs(card.time - 0.02 - (played - 1) / SR)  # a player timed by the wall clock
        return audio_drift, wall_drift, player.underruns
    finally:
        player.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=3.0)
    ap.add_argument("--tracks", type=int, default=10)
    ap.add_argument("--drift-seconds", type=float, default=60.0)
    ap.add_argument("--ppm", type=float, default=100.0)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        project = build_project(folder, args.minutes, args.tracks)
        resolve = folder.__truediv__
        length = project.duration
        clips = sum(len(t.clips) for t in project.tracks)
        print(f"project: {args.tracks} tracks, {clips} clips, {length:.0f} s")

        cache = DecodeCache()
        t0 = time.perf_counter()
        render_project_audio(project, resolve, options=MixOptions(cache=cache))
        cold = time.perf_counter() - t0
        t0 = time.perf_counter()
        render_project_audio(project, resolve, options=MixOptions(cache=cache))
        warm = time.perf_counter() - t0
        t0 = time.perf_counter()
        raw = render_project_audio(
            project, resolve, options=MixOptions(cache=cache, limiter=False, ducking=False)
        )
        baseline = time.perf_counter() - t0
        t0 = time.perf_counter()
        _, lufs = render_export_audio(project, resolve, options=MixOptions(cache=cache))
        export = time.perf_counter() - t0
        print(f"mix (decode included):   {cold:6.2f} s  real-time factor {length / cold:7.1f}x")
        print(f"mix (decoded, cached):   {warm:6.2f} s  real-time factor {length / warm:7.1f}x")
        print(
            f"  of which plain summing {baseline:6.2f} s  ({baseline / warm:.0%}; the rest: ducking"
            f" + true-peak limiter)"
        )
        print(
            f"export mix (-14 LUFS):   {export:6.2f} s  real-time factor {length / export:7.1f}x"
            f"  measured {lufs:.2f} LUFS"
        )
        del raw

        chunk = 0.5
        t0 = time.perf_counter()
        n = 20
        for i in range(n):
            render_project_audio(
                project,
                resolve,
                start_s=30 + i * chunk,
                duration_s=chunk,
                options=MixOptions(cache=cache, strict=False),
            )
        per_chunk = (time.perf_counter() - t0) / n
        print(
            f"player chunk ({chunk:.1f} s):      {per_chunk * 1000:6.1f} ms  "
            f"({chunk / per_chunk:.1f}x real time)"
        )

        audio_drift, wall_drift, underruns = drift_after(
            args.drift_seconds, project, resolve, args.ppm
        )
        print(
            f"A/V drift after {args.drift_seconds:.0f} s (sound card {args.ppm:+.0f} ppm): "
            f"audio clock {audio_drift * 1000:.3f} ms, wall-clock player {wall_drift * 1000:.2f} ms"
            f", underruns {underruns}"
        )


if __name__ == "__main__":
    main()
