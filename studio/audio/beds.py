"""Procedural sound beds: a draft soundtrack from a shot's sound description, with no model.

"heavy rain on a tin roof, distant thunder" → rain + thunder, rain louder, thunder far. Each
recipe is filtered noise, envelopes and simple synthesis; the same (description, seed) always
gives the same sound, different descriptions give clearly different sounds. It is a draft:
takes made here are labelled "procedural-draft" so nobody mistakes them for a model's output.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from studio.audio.synth import (
    band,
    brown,
    burst,
    decay,
    events,
    lfo,
    panned,
    pink,
    rms,
    scatter,
    stereo,
    white,
)

SAMPLE_RATE = 48_000
BED_RMS_DB = -20.0  # a bed sits under dialogue and music, like a location recording would
Recipe = Callable[[np.random.Generator, int, int, float], np.ndarray]


@dataclass(frozen=True)
class Layer:
    recipe: str
    level: float  # linear gain: 1.0 normal, <1 distant / light, >1 heavy / close


def _rain(rng, n, sr, k):
    hiss = stereo(band(pink(rng, n), sr, 500, 9000), band(pink(rng, n), sr, 500, 9000), 0.8)
    drops = [
        scatter(
            n,
            events(rng, n, sr, 120 * k),
            rng.uniform(0.2, 1, n // 10 + 1),
            burst(rng, sr, 0.005, 2500, None),
        )
        for _ in range(2)
    ]
    return hiss * 0.6 + stereo(drops[0], drops[1]) * 0.8


def _wind(rng, n, sr, k):
    gust = lfo(rng, n, sr, 0.25, 0.85)
    low = band(brown(rng, n), sr, 60, 900) * gust
    whistle = band(pink(rng, n), sr, 700, 1800) * gust**3 * 0.5
    other = band(brown(rng, n), sr, 60, 900) * lfo(rng, n, sr, 0.25, 0.85)
    return stereo(low + whistle, other + whistle, 0.6)


def _waves(rng, n, sr, k):
    t = np.arange(n) / sr
    period = rng.uniform(6.5, 9.5)
    phase = (t / period + rng.random()) % 1.0
    swell = (np.where(phase < 0.35, phase / 0.35, np.exp(-(phase - 0.35) * 5.0)) ** 1.5).astype(
        np.float32
    )
    body = band(brown(rng, n), sr, 40, 1500) * (0.25 + swell)
    foam = band(white(rng, n), sr, 2000, 9000) * swell**2 * 0.35
    return stereo(body + foam, band(brown(rng, n), sr, 40, 1500) * (0.25 + swell) + foam, 0.5)


def _traffic(rng, n, sr, k):
    rumble = stereo(band(brown(rng, n), sr, 30, 300), band(brown(rng, n), sr, 30, 300), 0.4)
    out = rumble * 0.5
    for pos in events(rng, n, sr, 0.35 * k, first_at=rng.uniform(0, 1.5)):
        centre, span = pos / sr + 2.0, rng.uniform(2.5, 5.0)  # a car passing by, seconds
        lo, hi = max(0, int((centre - span) * sr)), min(n, int((centre + span) * sr))
        if hi - lo < sr // 10:
            continue
        t = np.arange(lo, hi) / sr
        shape = np.exp(-(((t - centre) / (span / 3)) ** 2)).astype(np.float32)
        car = band(pink(rng, hi - lo), sr, rng.uniform(150, 300), rng.uniform(1500, 3000)) * shape
        out[lo:hi] += (
            panned(car, np.clip((t - centre) / span * 2, -1, 1) * rng.choice([-1, 1])) * 0.9
        )
    return out


def _crowd(rng, n, sr, k):
    voices = []
    for _ in range(7):
        syllables = lfo(rng, n, sr, rng.uniform(3.0, 6.0), 1.0) ** 2
        phrase = lfo(rng, n, sr, 0.3, 0.9)
        formant = rng.uniform(350, 900)
        voice = band(white(rng, n), sr, formant, formant * 3.5) * syllables * phrase
        voices.append(panned(voice, rng.uniform(-0.8, 0.8)))
    return (
        sum(voices)
        + stereo(band(pink(rng, n), sr, 200, 3000), band(pink(rng, n), sr, 200, 3000)) * 0.15
    )


def _footsteps(rng, n, sr, k):
    rate = 1.9 * k if k <= 1.2 else 3.0  # "running" doubles the pace via k
    positions = events(rng, n, sr, rate, jitter=0.08, first_at=rng.uniform(0.05, 0.4))
    heel = burst(rng, sr, 0.05, 80, 2500)
    toe = np.concatenate(
        [np.zeros(int(0.045 * sr), np.float32), burst(rng, sr, 0.04, 300, 5000) * 0.5]
    )
    grain = np.zeros(max(heel.size, toe.size), np.float32)
    grain[: heel.size] += heel
    grain[: toe.size] += toe
    steps = scatter(n, positions, rng.uniform(0.7, 1.0, positions.size), grain)
    side = np.where(np.arange(positions.size) % 2 == 0, -0.2, 0.2)
    pan = np.interp(np.arange(n), positions, side) if positions.size else 0.0
    return panned(steps, pan) + stereo(band(pink(rng, n), sr, 100, 2000)) * 0.02


def _hum(rng, n, sr, k):
    t = np.arange(n) / sr
    mains = rng.choice([50.0, 60.0])
    tone = sum(np.sin(2 * np.pi * mains * h * t + rng.random() * 6.28) / h for h in (1, 2, 3, 5))
    air = stereo(band(pink(rng, n), sr, 40, 600), band(pink(rng, n), sr, 40, 600), 0.7)
    return air * 0.8 + stereo(tone.astype(np.float32)) * 0.15


def _drone(rng, n, sr, k):
    t = np.arange(n) / sr
    root = rng.uniform(55, 82)
    voices = [
        np.sin(2 * np.pi * root * r * t * (1 + d)) for r in (1, 1.5, 2) for d in (-0.002, 0.002)
    ]
    tone = (sum(voices) * lfo(rng, n, sr, 0.1, 0.4)).astype(np.float32)
    return (
        stereo(tone, np.roll(tone, sr // 50), 0.5) + stereo(band(pink(rng, n), sr, 50, 400)) * 0.3
    )


def _fire(rng, n, sr, k):
    roar = stereo(band(brown(rng, n), sr, 40, 500), band(brown(rng, n), sr, 40, 500), 0.6)
    bursts = lfo(rng, n, sr, 1.5, 0.9)
    grain = burst(rng, sr, 0.008, 1500, None, 0.0003)
    pops = [
        scatter(n, events(rng, n, sr, 25 * k), rng.uniform(0.1, 1.0, n // 20 + 1) ** 3, grain)
        * bursts
        for _ in range(2)
    ]
    return roar * 0.5 + stereo(pops[0], pops[1]) * 1.6


def _birds(rng, n, sr, k):
    out = stereo(band(pink(rng, n), sr, 300, 4000), band(pink(rng, n), sr, 300, 4000)) * 0.05
    for bird in range(3):
        base = rng.uniform(2200, 5500)
        phrase = []
        for pos in events(rng, n, sr, 0.6 * k, first_at=rng.uniform(0.1, 2.0)):
            notes = rng.integers(2, 6)
            for j in range(notes):
                dur = rng.uniform(0.05, 0.14)
                m = int(dur * sr)
                tt = np.arange(m) / sr
                sweep = base * (1 + rng.uniform(-0.3, 0.3) * tt / dur)
                chirp = np.sin(2 * np.pi * np.cumsum(sweep) / sr) * np.sin(np.pi * tt / dur) ** 2
                phrase.append((pos + int(j * dur * 1.6 * sr), chirp.astype(np.float32)))
        mono = np.zeros(n, np.float32)
        for start, chirp in phrase:
            end = min(n, start + chirp.size)
            if start < n:
                mono[start:end] += chirp[: end - start]
        out += panned(mono, rng.uniform(-0.8, 0.8) if bird else 0.0) * 0.5
    return out


def _thunder(rng, n, sr, k):
    out = stereo(band(brown(rng, n), sr, 30, 200)) * 0.05
    for pos in events(rng, n, sr, 0.12, first_at=rng.uniform(0.0, min(2.0, n / sr / 3))):
        length = min(n - pos, int(rng.uniform(3.0, 6.0) * sr))
        if length <= sr // 10:
            continue
        env = np.pad(decay(sr, length / sr, attack=0.08), (0, length))[:length]
        env = env * (0.6 + 0.4 * lfo(rng, length, sr, 4.0))
        roll = band(brown(rng, length), sr, 25, 400) * env
        snap = np.zeros(length, np.float32)
        head = decay(sr, 0.25)[:length]
        snap[: head.size] = head
        crack = band(white(rng, length), sr, 800, 5000) * snap * 0.3
        out[pos : pos + length] += (
            stereo(roll + crack, band(brown(rng, length), sr, 25, 400) * env + crack, 0.5) * 2.5
        )
    return out


def _engine(rng, n, sr, k):
    rpm = rng.uniform(28, 45) * (1 + 0.15 * (lfo(rng, n, sr, 0.15) - 0.5))
    phase = 2 * np.pi * np.cumsum(rpm) / sr
    tone = sum(np.sin(h * phase + rng.random() * 6.28) / h**0.8 for h in range(1, 9)).astype(
        np.float32
    )
    body = band(tone, sr, 25, 900) + band(brown(rng, n), sr, 30, 500) * 0.6
    return stereo(body, band(tone, sr, 25, 900) + band(brown(rng, n), sr, 30, 500) * 0.6, 0.3)


def _bubble(rng, sr):
    env = decay(sr, 0.018)
    return np.sin(2 * np.pi * rng.uniform(500, 1500) * np.arange(env.size) / sr) * env


def _stream(rng, n, sr, k):
    base = stereo(band(white(rng, n), sr, 600, 6000), band(white(rng, n), sr, 600, 6000), 0.8) * 0.4
    bubbles = [
        scatter(n, events(rng, n, sr, 40 * k), rng.uniform(0.2, 1, n // 10 + 1), _bubble(rng, sr))
        for _ in range(2)
    ]
    return base + stereo(bubbles[0], bubbles[1]) * 0.7


def _clock(rng, n, sr, k):
    positions = events(rng, n, sr, 1.0, jitter=0.0, first_at=0.1)
    tick = burst(rng, sr, 0.01, 2000, 8000, 0.0002)
    ticks = scatter(n, positions, np.where(np.arange(positions.size) % 2 == 0, 1.0, 0.7), tick)
    return stereo(ticks) + stereo(band(pink(rng, n), sr, 50, 500)) * 0.03


RECIPES: dict[str, Recipe] = {
    "rain": _rain,
    "wind": _wind,
    "waves": _waves,
    "traffic": _traffic,
    "crowd": _crowd,
    "footsteps": _footsteps,
    "hum": _hum,
    "drone": _drone,
    "fire": _fire,
    "birds": _birds,
    "thunder": _thunder,
    "engine": _engine,
    "stream": _stream,
    "clock": _clock,
}

KEYWORDS: dict[str, tuple[str, ...]] = {
    "rain": ("rain", "rainy", "raining", "drizzle", "downpour", "shower", "storm", "raindrops"),
    "wind": ("wind", "windy", "breeze", "gust", "gusts", "gale", "blizzard", "howling"),
    "waves": ("wave", "waves", "sea", "ocean", "surf", "beach", "shore", "tide", "coast"),
    "traffic": ("traffic", "city", "street", "cars", "car", "road", "highway", "urban", "downtown"),
    "crowd": (
        "crowd",
        "people",
        "chatter",
        "chatting",
        "cafe",
        "restaurant",
        "market",
        "party",
        "murmur",
        "audience",
        "bar",
        "voices",
        "festival",
    ),
    "footsteps": ("footsteps", "footstep", "steps", "walking", "walk", "running", "run", "walks"),
    "hum": (
        "hum",
        "humming",
        "room",
        "tone",
        "hvac",
        "fridge",
        "electrical",
        "office",
        "ambience",
        "ambient",
        "interior",
        "indoors",
        "quiet",
        "silence",
        "buzz",
    ),
    "drone": ("drone", "ominous", "tension", "eerie", "dark", "space", "pad", "suspense"),
    "fire": ("fire", "campfire", "fireplace", "crackling", "crackle", "flames", "burning"),
    "birds": (
        "bird",
        "birds",
        "birdsong",
        "forest",
        "jungle",
        "morning",
        "park",
        "garden",
        "woods",
        "chirping",
        "dawn",
    ),
    "thunder": ("thunder", "thunderstorm", "storm", "lightning", "rumble"),
    "engine": (
        "engine",
        "motor",
        "plane",
        "airplane",
        "jet",
        "train",
        "truck",
        "motorcycle",
        "boat",
        "idling",
        "vehicle",
    ),
    "stream": ("stream", "river", "creek", "brook", "water", "waterfall", "fountain", "bubbling"),
    "clock": ("clock", "ticking", "tick", "watch"),
}

_LOUDER = {
    "heavy": 1.6,
    "loud": 1.6,
    "strong": 1.5,
    "pouring": 1.7,
    "busy": 1.5,
    "close": 1.4,
    "running": 1.8,
    "roaring": 1.7,
    "raging": 1.7,
    "intense": 1.5,
}
_SOFTER = {
    "light": 0.55,
    "gentle": 0.55,
    "soft": 0.55,
    "distant": 0.4,
    "faint": 0.35,
    "far": 0.45,
    "quiet": 0.6,
    "calm": 0.6,
    "slow": 0.7,
    "low": 0.7,
    "muffled": 0.5,
}
_WORD = re.compile(r"[a-z]+")


def layers_for(description: str) -> list[Layer]:
    """The recipes a description asks for, in order of mention, each with its level from
    the words just before it ("distant thunder", "heavy rain"). Nothing recognised: room tone."""
    words = _WORD.findall(description.lower())
    found: dict[str, float] = {}
    for i, word in enumerate(words):
        for name, keys in KEYWORDS.items():
            if word in keys and name not in found:
                level = 1.0
                for mod in words[max(0, i - 2) : i]:
                    level *= _LOUDER.get(mod, 1.0) * _SOFTER.get(mod, 1.0)
                found[name] = level
    if not found:
        return [Layer("hum", 0.7)]
    return [Layer(name, level) for name, level in found.items()]


def bed_seed(description: str, seed: int) -> int:
    """A stable seed from the words and the shot seed (whitespace and case don't matter)."""
    text = " ".join(_WORD.findall(description.lower())) + f"#{seed}"
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")


def render_bed(
    description: str,
    duration_s: float,
    seed: int = 0,
    sample_rate: int = SAMPLE_RATE,
    on_layer: Callable[[int, int], None] | None = None,
) -> np.ndarray:
    """(N, 2) float32 sound bed of exactly round(duration_s * sample_rate) samples.

    `on_layer(i, total)` is called after each layer (progress, and a place to cancel).
    """
    n = max(1, int(round(duration_s * sample_rate)))
    layers = layers_for(description)
    out = np.zeros((n, 2), np.float32)
    root = bed_seed(description, seed)
    target = 10 ** (BED_RMS_DB / 20)
    for i, layer in enumerate(layers):
        rng = np.random.default_rng([root, i])
        sound = np.asarray(RECIPES[layer.recipe](rng, n, sample_rate, layer.level), np.float32)
        level = rms(sound)
        if level > 0:
            out += sound * np.float32(target * layer.level / level / np.sqrt(len(layers)))
        if on_layer:
            on_layer(i + 1, len(layers))
    peak = float(np.abs(out).max()) if out.size else 0.0
    if peak > 0.89:  # leave headroom: a bed never clips on its own
        out *= np.float32(0.89 / peak)
    edge = min(n // 2, int(0.01 * sample_rate))  # 10 ms fades: no click at the cut
    if edge > 0:
        ramp = np.linspace(0, 1, edge, dtype=np.float32)[:, None]
        out[:edge] *= ramp
        out[-edge:] *= ramp[::-1]
    return out
