"""Text folding and phrase matching that see through look-alike and spacing tricks.

Both consent detection (names, @handles) and the prompt policy match on *folded* text: NFKC,
invisible characters removed, confusable letters mapped to the Latin letter they imitate,
case folded, accents stripped. Phrases then match on word boundaries while tolerating the
usual evasions: "n.u.d.e", "n u d e", "m-a-y-a", and (for long phrases) stray separators.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from studio.policy.confusables import CONFUSABLES, LEET, NAME_DIGITS

# Characters that render as nothing (or as blank space) but are not category Cf.
_INVISIBLE = {
    0x034F,  # combining grapheme joiner
    0x115F,
    0x1160,
    0x3164,
    0xFFA0,  # Hangul fillers
    0x2800,  # braille blank
    0x180E,  # Mongolian vowel separator
}


def _drop_invisible(text: str) -> str:
    return "".join(
        ch
        for ch in text
        if unicodedata.category(ch) != "Cf"
        and ord(ch) not in _INVISIBLE
        and not 0xFE00 <= ord(ch) <= 0xFE0F  # variation selectors
    )


def fold(text: str, *, leet: bool = False, digits: bool = False, runs: bool = True) -> str:
    """The form every matcher compares: what a reader would see, in plain lower-case Latin.

    `leet=True` also folds digit/symbol substitutions ("nud3", "k1ll") — for policy words —
    and reads runs of a letter as one ("nuuude"); with `runs=False` runs are kept (at most
    three), for terms that are themselves a run ("xxx" must not shrink to the letter "x").
    `digits=True` folds only digits standing in for letters ("T4ylor") — for people's names.
    Neither is used for @handles, where digits are real characters.
    """
    text = unicodedata.normalize("NFKC", text)
    text = _drop_invisible(text)
    text = text.translate(CONFUSABLES).casefold().translate(CONFUSABLES)
    text = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    text = unicodedata.normalize("NFC", text)
    if leet:
        # "nuuude", "kiiill": runs of three or more of a letter read as one (on both sides)
        text = _RUNS.sub(r"\1" if runs else r"\1\1\1", text.translate(LEET))
    elif digits:
        text = text.translate(NAME_DIGITS)
    return text


_RUNS = re.compile(r"([^\W\d_])\1{2,}")
_SEP = r"[\W_]"
_EDGE_BEFORE = r"(?<![^\W_])"
_EDGE_AFTER = r"(?![^\W_])"
_LOOSE_MIN_LETTERS = 7  # phrases this long tolerate separators anywhere inside words
_ALTERNATION = re.compile(r"\(([^()]*)\)")


def expand(term: str) -> list[str]:
    """Expand "(a|b)" groups in a policy term into every spelled-out phrase."""
    m = _ALTERNATION.search(term)
    if not m:
        return [term]
    out: list[str] = []
    for choice in m.group(1).split("|"):
        out.extend(expand(term[: m.start()] + choice + term[m.end() :]))
    return out


def _token_pattern(token: str, loose: bool) -> str:
    wildcard = token.endswith("*")
    letters = [re.escape(c) for c in token.rstrip("*")]
    if loose:
        body = f"{_SEP}{{0,3}}".join(letters)
    else:
        contiguous = "".join(letters)
        spaced = f"{_SEP}{{1,3}}".join(letters)
        body = f"(?:{contiguous}|{spaced})" if len(letters) > 1 else contiguous
    return body + (r"\w*" if wildcard else "")


@dataclass(frozen=True)
class Phrase:
    """A word or phrase matched on folded text with word boundaries and evasion tolerance."""

    text: str
    pattern: re.Pattern[str]
    body: str  # the pattern without its word-boundary guards, to embed in larger patterns
    keeps_runs: bool = False  # matched against text folded with runs=False ("xxx")

    def search(self, folded: str | Folded) -> re.Match[str] | None:
        if isinstance(folded, Folded):
            folded = folded.runs_kept if self.keeps_runs else folded.text
        return self.pattern.search(folded)


@dataclass(frozen=True)
class Folded:
    """A prompt folded for policy words, both ways: runs read as one letter, and runs kept."""

    text: str
    runs_kept: str

    @classmethod
    def of(cls, text: str) -> Folded:
        return cls(fold(text, leet=True), fold(text, leet=True, runs=False))


@lru_cache(maxsize=4096)
def compile_phrase(term: str, *, leet: bool = False, digits: bool = False) -> Phrase:
    """Compile one phrase ("maya lin", "decapitat*"); words may also be written joined up."""
    folded = fold(term, leet=leet, digits=digits)
    kept = fold(term, leet=leet, digits=digits, runs=False)
    # "xxx" is written as a run: folding it to "x" would refuse "x-ray" (runs made by the
    # leet folding itself, "kill" → "kiii", still read as one letter)
    keeps_runs = leet and _RUNS.search(fold(term)) is not None
    tokens = [t for t in re.split(r"[^\w*]+|_+", kept if keeps_runs else folded) if t.strip("*")]
    if not tokens:
        raise ValueError(f"empty phrase: {term!r}")
    letters = sum(len(t.rstrip("*")) for t in tokens)
    loose = letters >= _LOOSE_MIN_LETTERS
    body = f"{_SEP}*".join(_token_pattern(t, loose) for t in tokens)
    return Phrase(term, re.compile(_EDGE_BEFORE + body + _EDGE_AFTER), body, keeps_runs)


def first_match(folded: str | Folded, phrases: list[Phrase]) -> tuple[Phrase, str] | None:
    """The first phrase that occurs in already-folded text, with the text it matched."""
    for phrase in phrases:
        m = phrase.search(folded)
        if m:
            return phrase, m.group(0)
    return None


def mask(folded: str | Folded, phrases: list[Phrase]) -> str | Folded:
    """Blank out harmless phrases ("suicide doors") so their words cannot trigger a rule."""
    if isinstance(folded, Folded):
        return Folded(mask(folded.text, phrases), mask(folded.runs_kept, phrases))
    for phrase in phrases:
        folded = phrase.pattern.sub(lambda m: " " * len(m.group(0)), folded)
    return folded
