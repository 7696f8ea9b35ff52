"""Finding cameos in a prompt: @handles and display names, however they are disguised.

Matching runs on folded text (see studio.policy.normalize), so "@mаya" with a Cyrillic "а",
"@ma\u200bya" with a zero-width space, "M A Y A  L I N" and "ｍａｙａ" all find @maya. Any
@mention that is not a known profile is reported too: the guard refuses it rather than
letting a disguised or unknown cameo through.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from studio.cameo.figures import PublicFigure, figures_named
from studio.cameo.store import StoredCameo
from studio.policy.normalize import compile_phrase, fold

MENTION = re.compile(r"(?<![^\W_])@[\W_]{0,2}?([a-z0-9_](?:[a-z0-9_.-]{0,38}[a-z0-9_])?)")


@lru_cache(maxsize=1024)
def _handle_pattern(handle: str) -> re.Pattern[str]:
    return re.compile(r"@[\W_]{0,2}" + compile_phrase(handle).body + r"(?![^\W_])")


@dataclass
class Detection:
    cameos: list[StoredCameo] = field(default_factory=list)  # in order of first appearance
    unknown: list[str] = field(default_factory=list)  # @mentions with no profile here
    figures: list[PublicFigure] = field(default_factory=list)


def _first_position(text: str, folded: str, cameo: StoredCameo) -> tuple[int, int, int] | None:
    """Where the cameo is first named in the text, and the span of its @handle if any."""
    best = None
    m = _handle_pattern(cameo.handle).search(folded)
    if m:
        best = (m.start(), m.start(), m.end())
    n = compile_phrase(cameo.profile.display_name, digits=True).search(fold(text, digits=True))
    if n and (best is None or n.start() < best[0]):
        best = (n.start(), *(best[1:] if best else (-1, -1)))
    return best


def detect(
    texts: list[str | None], cameos: list[StoredCameo], explicit: list[str] | None = None
) -> Detection:
    """Every known cameo, unknown @mention and public figure the texts refer to."""
    found: dict[str, tuple[tuple[int, int], StoredCameo]] = {}
    unknown: list[str] = []
    figures: list[PublicFigure] = []
    by_handle = {c.handle: c for c in cameos}
    for t_index, text in enumerate(t for t in texts if t):
        folded = fold(text)
        covered: list[tuple[int, int]] = []
        for cameo in cameos:
            pos = _first_position(text, folded, cameo)
            if pos is None:
                continue
            if pos[1] >= 0:
                covered.append((pos[1], pos[2]))
            key = (t_index, pos[0])
            if cameo.handle not in found or key < found[cameo.handle][0]:
                found[cameo.handle] = (key, cameo)
        for m in MENTION.finditer(folded):
            handle = m.group(1)
            if handle in by_handle or any(a <= m.start() < b for a, b in covered):
                continue
            if handle not in unknown:
                unknown.append(handle)
        for figure in figures_named(text):
            if figure not in figures:
                figures.append(figure)
    for handle in explicit or []:
        handle = handle.strip().lstrip("@").lower()
        if handle in by_handle and handle not in found:
            found[handle] = ((len(texts), 0), by_handle[handle])
        elif handle not in by_handle and handle not in unknown:
            unknown.append(handle)
    ordered = [c for _, c in sorted(found.values(), key=lambda kv: kv[0])]
    return Detection(ordered, unknown, figures)
