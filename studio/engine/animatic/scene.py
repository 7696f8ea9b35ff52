"""Read a prompt the way a storyboard artist would: where, when, what colours, who is in it.

Pure functions of (prompt, seed, preset palette): the same words always give the same panel,
a different prompt gives a different one. Nothing here draws; paint.py turns a Scene into layers.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import numpy as np

RGB = tuple[int, int, int]

COLOURS: dict[str, RGB] = {
    "red": (214, 40, 40),
    "crimson": (180, 20, 50),
    "scarlet": (230, 36, 20),
    "orange": (247, 127, 0),
    "amber": (255, 176, 0),
    "yellow": (252, 211, 45),
    "gold": (224, 170, 40),
    "golden": (232, 178, 52),
    "green": (56, 160, 72),
    "emerald": (0, 155, 119),
    "lime": (160, 220, 40),
    "teal": (0, 128, 128),
    "cyan": (0, 200, 230),
    "turquoise": (64, 224, 208),
    "blue": (40, 90, 220),
    "navy": (20, 30, 90),
    "azure": (60, 140, 240),
    "purple": (120, 50, 170),
    "violet": (140, 80, 220),
    "magenta": (230, 0, 150),
    "pink": (245, 130, 180),
    "rose": (230, 100, 130),
    "brown": (120, 75, 40),
    "copper": (184, 115, 51),
    "silver": (190, 195, 205),
    "grey": (128, 128, 135),
    "gray": (128, 128, 135),
    "white": (240, 240, 236),
    "black": (20, 20, 24),
    "ivory": (250, 244, 220),
    "indigo": (60, 40, 140),
    "coral": (255, 110, 90),
    "olive": (110, 120, 40),
}

# canonical setting → words that evoke it
SETTINGS: dict[str, tuple[str, ...]] = {
    "fog": ("fog", "foggy", "mist", "misty", "haze", "hazy", "smoke", "smoky", "cloud", "clouds"),
    "bridge": ("bridge", "bridges", "pier", "boardwalk", "viaduct"),
    "city": (
        "city",
        "street",
        "streets",
        "skyline",
        "downtown",
        "alley",
        "buildings",
        "rooftop",
        "rooftops",
        "town",
        "urban",
        "skyscraper",
        "skyscrapers",
        "neon",
        "subway",
    ),
    "forest": ("forest", "woods", "wood", "trees", "tree", "jungle", "park", "garden", "pines"),
    "sea": (
        "sea",
        "ocean",
        "beach",
        "shore",
        "waves",
        "lake",
        "river",
        "harbor",
        "harbour",
        "coast",
        "water",
        "bay",
        "island",
    ),
    "desert": ("desert", "dunes", "dune", "sand", "sandy", "canyon", "savanna"),
    "snow": ("snow", "snowy", "winter", "ice", "icy", "blizzard", "frozen", "glacier", "frost"),
    "room": (
        "room",
        "interior",
        "kitchen",
        "office",
        "bedroom",
        "hallway",
        "cafe",
        "diner",
        "bar",
        "apartment",
        "classroom",
        "library",
        "indoors",
        "indoor",
        "studio",
        "living",
    ),
    "mountain": (
        "mountain",
        "mountains",
        "hills",
        "hill",
        "cliff",
        "cliffs",
        "peak",
        "peaks",
        "valley",
        "volcano",
        "hilltop",
        "hillside",
    ),
    "rain": ("rain", "rainy", "raining", "storm", "stormy", "drizzle", "downpour", "wet"),
    "space": ("space", "galaxy", "planet", "nebula", "cosmos", "spaceship", "asteroid"),
}

TIMES: dict[str, tuple[str, ...]] = {
    "dawn": ("dawn", "sunrise", "morning", "daybreak", "first light", "sun rises", "rising sun"),
    "dusk": ("dusk", "sunset", "evening", "twilight", "golden hour", "sun sets", "setting sun"),
    "night": (
        "night",
        "midnight",
        "moon",
        "moonlit",
        "moonlight",
        "dark",
        "starry",
        "stars",
        "nighttime",
    ),
    "day": ("noon", "day", "sunny", "midday", "afternoon", "daylight", "bright"),
}

SUBJECTS: dict[str, tuple[str, ...]] = {
    "figure": (
        "runner",
        "man",
        "woman",
        "girl",
        "boy",
        "person",
        "child",
        "kid",
        "figure",
        "detective",
        "dancer",
        "skater",
        "cyclist",
        "hero",
        "she",
        "he",
        "they",
        "people",
        "couple",
        "astronaut",
        "knight",
        "soldier",
        "chef",
        "stranger",
        "traveler",
        "traveller",
        "musician",
        "singer",
        "driver",
        "rider",
        "climber",
        "surfer",
        "someone",
        "friend",
        "friends",
        "robot",
    ),
    "animal": (
        "dog",
        "cat",
        "fox",
        "horse",
        "wolf",
        "deer",
        "bear",
        "rabbit",
        "puppy",
        "kitten",
        "cow",
        "lion",
        "tiger",
    ),
    "bird": ("bird", "birds", "eagle", "crow", "owl", "gull", "seagull", "dragon", "butterfly"),
    "vehicle": (
        "car",
        "bus",
        "train",
        "truck",
        "taxi",
        "van",
        "motorbike",
        "motorcycle",
        "bicycle",
        "bike",
        "tram",
        "jeep",
    ),
    "boat": ("boat", "ship", "sailboat", "yacht", "canoe", "ferry", "submarine"),
}

LANDMARKS: dict[str, tuple[str, ...]] = {  # one set piece on the horizon
    "lighthouse": ("lighthouse",),
    "house": ("house", "cabin", "cottage", "barn", "hut", "farmhouse", "home"),
    "castle": ("castle", "fortress", "palace", "ruins"),
    "tower": ("tower", "church", "steeple", "temple", "monument", "windmill"),
}

MOTION_WORDS = (
    "run",
    "runs",
    "running",
    "runner",
    "cross",
    "crosses",
    "crossing",
    "walk",
    "walks",
    "walking",
    "ride",
    "rides",
    "riding",
    "drive",
    "drives",
    "driving",
    "fly",
    "flies",
    "flying",
    "sail",
    "sails",
    "sailing",
    "chase",
    "chases",
    "race",
    "races",
    "racing",
    "dance",
    "dances",
    "dancing",
    "rush",
    "rushes",
    "jog",
    "jogs",
    "skate",
    "skates",
    "swim",
    "swims",
    "glide",
    "glides",
    "wander",
    "wanders",
)

SKY_WORDS = {
    "sky",
    "skies",
    "light",
    "glow",
    "clouds",
    "horizon",
    "haze",
    "sunset",
    "sunrise",
    "dawn",
    "dusk",
    "mist",
    "fog",
    "air",
}

_WORD = re.compile(r"[a-z]+")


@dataclass(frozen=True)
class Scene:
    """What a prompt asks for, plus a layout key that makes each prompt's panel its own."""

    prompt: str
    settings: frozenset[str]
    time_of_day: str
    colours: tuple[RGB, ...]  # colour words about things, in the order written
    sky_colour: RGB | None  # a colour word that describes the sky or the light ("orange sky")
    palette: tuple[RGB, ...]  # the preset's palette
    subject: str | None
    subject_moves: bool
    landmark: str | None
    layout_key: int

    def rng(self, salt: str) -> np.random.Generator:
        """An independent, deterministic random stream for one part of the drawing."""
        digest = hashlib.blake2b(f"{self.layout_key}|{salt}".encode(), digest_size=8).digest()
        return np.random.default_rng(int.from_bytes(digest, "little"))

    @property
    def accent(self) -> RGB:
        """The colour the eye goes to: the first colour word, else the preset's brightest."""
        if self.colours:
            return self.colours[0]
        if self.palette:
            return max(self.palette, key=lambda c: _saturation(c) + sum(c) / 765)
        return _hue_from_key(self.layout_key)

    @property
    def secondary(self) -> RGB | None:
        """A second colour word tints the world; a single one tints it lightly too."""
        if len(self.colours) > 1:
            return self.colours[1]
        if self.palette:
            return self.palette[self.layout_key % len(self.palette)]
        return None


def parse_scene(prompt: str, seed: int, palette: list[str] | tuple[str, ...] = ()) -> Scene:
    text = prompt.lower()
    words = _WORD.findall(text)
    wordset = set(words)
    settings = frozenset(k for k, ws in SETTINGS.items() if wordset & set(ws))
    time_of_day = _time_of_day(text, wordset, settings)
    sky_at = {
        i for i, w in enumerate(words) if w in COLOURS and set(words[i + 1 : i + 3]) & SKY_WORDS
    }
    sky_colour = COLOURS[words[min(sky_at)]] if sky_at else None
    colours = tuple(COLOURS[w] for i, w in enumerate(words) if w in COLOURS and i not in sky_at)
    subject = next((k for k, ws in SUBJECTS.items() if wordset & set(ws)), None)
    if subject is None and "@" in prompt:
        subject = "figure"  # a cameo mention is a person
    digest = hashlib.blake2b(f"{' '.join(words)}|{seed}".encode(), digest_size=8).digest()
    return Scene(
        prompt=prompt,
        settings=settings,
        time_of_day=time_of_day,
        colours=colours,
        sky_colour=sky_colour,
        palette=tuple(hex_to_rgb(c) for c in palette if _is_hex(c)),
        subject=subject,
        subject_moves=bool(wordset & set(MOTION_WORDS)),
        landmark=next((k for k, ws in LANDMARKS.items() if wordset & set(ws)), None),
        layout_key=int.from_bytes(digest, "little"),
    )


def _time_of_day(text: str, wordset: set[str], settings: frozenset[str]) -> str:
    for name, words in TIMES.items():
        if any((w in wordset) if " " not in w else (w in text) for w in words):
            return name
    if "space" in settings:
        return "night"
    return "day"


def hex_to_rgb(value: str) -> RGB:
    value = value.lstrip("#")
    if len(value) == 3:
        value = "".join(ch * 2 for ch in value)
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _is_hex(value: str) -> bool:
    return bool(re.fullmatch(r"#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})", value.strip()))


def _saturation(c: RGB) -> float:
    return (max(c) - min(c)) / 255


def _hue_from_key(key: int) -> RGB:
    import colorsys

    r, g, b = colorsys.hsv_to_rgb((key % 360) / 360, 0.7, 0.9)
    return int(r * 255), int(g * 255), int(b * 255)


def mix(a: RGB, b: RGB, t: float) -> RGB:
    """Linear mix of two colours (t = share of b)."""
    return tuple(int(round(x + (y - x) * t)) for x, y in zip(a, b, strict=True))  # type: ignore[return-value]


def shade(c: RGB, k: float) -> RGB:
    """Darken (k < 1) or lighten (k > 1, towards white) a colour."""
    if k <= 1:
        return tuple(int(x * k) for x in c)  # type: ignore[return-value]
    return mix(c, (255, 255, 255), min(1.0, k - 1))
