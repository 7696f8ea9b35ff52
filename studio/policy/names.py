"""People's names the way people write them: "Swift, Taylor", "Taylor Alison Swift", "Joe Bidens".

Works word by word on text folded for names (`fold(..., digits=True)`), next to the exact
phrase matcher (which already sees through spacing and look-alike tricks). A multi-word name
also matches

- in "Last, First" order (a comma between them),
- with one or two middle names between first and last ("Taylor Alison Swift"),
- with one near-miss word: a plural/possessive "s" ("Bidens"), or one edit (a letter added,
  dropped, changed or two swapped) in a word of 5+ letters that keeps its first letter and is
  not an ordinary word one edit away from the name (name_lookalikes.txt: "Tom hands",
  "Emma stole" and "tiger wood" stay ordinary sentences).

Single-word aliases ("Obama") are matched exactly only: alone, a near miss is too often a word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from studio.paths import resources_dir
from studio.policy.normalize import fold

MIN_FUZZY_LETTERS = 5
_WORD = re.compile(r"[^\W_]+")
# Words that join two people rather than name one: never read as a middle name.
_NOT_MIDDLE = frozenset(
    "a an and as at by for from in into is of on or the to vs versus with without meets "
    "loves likes hugs kisses and not no nor but than then".split()
)


def name_groups(name: str) -> list[list[str]]:
    """The folded words of a name, grouped as written ("Ocasio-Cortez" is one group)."""
    groups = [_WORD.findall(fold(part, digits=True)) for part in name.split()]
    return [g for g in groups if g]


def one_edit(a: str, b: str) -> bool:
    """True when a and b differ by exactly one insertion, deletion, substitution or swap."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        i, j = (diff + [0, 0])[:2]
        return len(diff) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = next((k for k in range(len(short)) if short[k] != long[k]), len(short))
    return short[i:] == long[i + 1 :]


@lru_cache(maxsize=1)
def _lookalikes(path: str) -> frozenset[str]:
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return frozenset(fold(w.strip(), digits=True) for w in lines if w.strip() and w[0] != "#")


def lookalikes() -> frozenset[str]:
    return _lookalikes(str(resources_dir() / "policy" / "name_lookalikes.txt"))


@dataclass(frozen=True)
class Words:
    """A folded text as its words, and the separator text before each word."""

    words: tuple[str, ...]
    gaps: tuple[str, ...]
    vocabulary: frozenset[str]


@lru_cache(maxsize=512)
def words_of(folded: str) -> Words:
    words, gaps, end = [], [], 0
    for m in _WORD.finditer(folded):
        words.append(m.group(0))
        gaps.append(folded[end : m.start()])
        end = m.end()
    return Words(tuple(words), tuple(gaps), frozenset(words))


def _plain(gap: str) -> bool:
    """A gap inside one name: spaces, a hyphen or an apostrophe, never a comma or full stop."""
    return all(c.isspace() or c in "-'’" for c in gap)


def _near(word: str, name: str) -> bool:
    if word == name + "s":
        return True
    return (
        len(name) >= MIN_FUZZY_LETTERS
        and word[:1] == name[:1]
        and one_edit(word, name)
        and word not in lookalikes()
    )


def _run(text: Words, at: int, tokens: list[str], fuzzy: bool) -> int | None:
    """Match `tokens` at word `at` with plain gaps (one near-miss word if `fuzzy`); the end."""
    if at + len(tokens) > len(text.words):
        return None
    misses = 0
    for k, token in enumerate(tokens):
        word = text.words[at + k]
        if k and not _plain(text.gaps[at + k]):
            return None
        if word != token:
            misses += 1
            if not fuzzy or misses > 1 or not _near(word, token):
                return None
    return at + len(tokens)


@dataclass(frozen=True)
class NameForms:
    """The other ways of writing one multi-word name."""

    first: tuple[str, ...]
    rest: tuple[str, ...]

    @classmethod
    def of(cls, name: str) -> NameForms | None:
        groups = name_groups(name)
        if len(groups) < 2:
            return None
        return cls(tuple(groups[0]), tuple(t for g in groups[1:] for t in g))

    def found_in(self, folded: str) -> bool:
        text = words_of(folded)
        first, rest = list(self.first), list(self.rest)
        if sum(t not in text.vocabulary for t in first + rest) > 1:
            return False  # every form needs all but at most one word spelt exactly
        for at in range(len(text.words)):
            if _run(text, at, first + rest, fuzzy=True) is not None:
                return True  # "Joe Bidens", "Taylor Swfit"
            end = _run(text, at, rest, fuzzy=True)
            if end is not None and end < len(text.words):  # "Swift, Taylor"
                gap = text.gaps[end]
                comma = gap.count(",") == 1 and all(c.isspace() or c == "," for c in gap)
                if comma and _run(text, end, first, fuzzy=False) is not None:
                    return True
            after_first = _run(text, at, first, fuzzy=False)
            if after_first is not None and self._middle(text, after_first, rest):
                return True  # "Taylor Alison Swift"
        return False

    @staticmethod
    def _middle(text: Words, at: int, rest: list[str]) -> bool:
        for count in (1, 2):
            middles = text.words[at : at + count]
            if len(middles) < count or any(
                w in _NOT_MIDDLE or not w.isalpha() or not _plain(text.gaps[at + k])
                for k, w in enumerate(middles)
            ):
                return False
            if _run(text, at + count, rest, fuzzy=False) is not None:
                if _plain(text.gaps[at + count]):
                    return True
        return False
