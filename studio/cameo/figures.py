"""The bundled list of public figures whose likeness needs a verified, consented cameo."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from studio.paths import resources_dir
from studio.policy.names import NameForms
from studio.policy.normalize import Phrase, compile_phrase, fold


def skeleton(name: str) -> str:
    """Letters and digits of the folded name: "Beyoncé Knowles" → "beyonceknowles"."""
    return re.sub(r"[\W_]+", "", fold(name, digits=True))


@dataclass(frozen=True)
class PublicFigure:
    name: str
    phrases: tuple[Phrase, ...]
    forms: tuple[NameForms, ...] = ()  # "Last, First", middle names, near misses

    @property
    def skeletons(self) -> set[str]:
        return {skeleton(p.text) for p in self.phrases}

    def named_in(self, folded: str) -> bool:
        """Whether text folded with `fold(..., digits=True)` names this person."""
        return any(p.search(folded) for p in self.phrases) or any(
            f.found_in(folded) for f in self.forms
        )

    def is_named(self, name: str) -> bool:
        """Whether a display name or handle is this person (any listed spelling)."""
        return skeleton(name) in self.skeletons or self.named_in(fold(name, digits=True))


def figures_path() -> Path:
    return resources_dir() / "policy" / "public_figures.txt"


def load_figures(path: Path) -> list[PublicFigure]:
    out = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        names = [n.strip() for n in line.split("|") if n.strip()]
        forms = tuple(f for f in map(NameForms.of, names) if f is not None)
        phrases = tuple(compile_phrase(n, digits=True) for n in names)
        out.append(PublicFigure(names[0], phrases, tuple(dict.fromkeys(forms))))
    return out


@lru_cache(maxsize=4)
def _cached(path: str, mtime: float) -> tuple[PublicFigure, ...]:
    return tuple(load_figures(Path(path)))


def public_figures() -> tuple[PublicFigure, ...]:
    path = figures_path()
    return _cached(str(path), path.stat().st_mtime)


def figures_named(text: str) -> list[PublicFigure]:
    """Every listed person a text names, however it is spelled."""
    folded = fold(text, digits=True)
    return [f for f in public_figures() if f.named_in(folded)]


def figure_for_name(name: str) -> PublicFigure | None:
    """The listed person a cameo's display name or handle refers to, if any."""
    return next((f for f in public_figures() if f.is_named(name)), None)
