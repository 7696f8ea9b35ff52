"""The prompt policy: named categories of prompts the studio refuses to generate.

Loaded from a versioned TOML file in studio/resources/policy/ so the wording can change without
code changes; a refusal names the category (and the policy version) so the creator knows
what to rephrase.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from studio.errors import InputError, Location, PolicyRefusal
from studio.paths import resources_dir
from studio.policy.normalize import Folded, Phrase, compile_phrase, expand, first_match, mask


def _phrases(terms: list[str]) -> list[Phrase]:
    return [compile_phrase(t, leet=True) for term in terms for t in expand(term)]


@dataclass(frozen=True)
class Rule:
    """One category (or cameo restriction): its phrases, harmless exceptions and word pairs."""

    id: str
    name: str
    terms: list[Phrase]
    exceptions: list[Phrase] = field(default_factory=list)
    pair_any: list[Phrase] = field(default_factory=list)
    pair_with: list[Phrase] = field(default_factory=list)

    def match(self, folded: Folded) -> str | None:
        """The policy phrase the (leet-folded) text matched, or None."""
        text = mask(folded, self.exceptions)
        hit = first_match(text, self.terms)
        if hit:
            return hit[0].text
        if self.pair_any and self.pair_with:
            a, b = first_match(text, self.pair_any), first_match(text, self.pair_with)
            if a and b:
                return f"{a[0].text} + {b[0].text}"
        return None


@dataclass(frozen=True)
class Violation:
    rule_id: str
    name: str
    matched: str
    version: int

    def message(self) -> str:
        return (
            f"the prompt was refused: {self.name} (prompt policy v{self.version}, "
            f'rule "{self.matched}"). Rephrase the prompt without it.'
        )


@dataclass(frozen=True)
class PromptPolicy:
    version: int
    categories: list[Rule]
    restrictions: dict[str, Rule]

    def check(self, text: str) -> Violation | None:
        """The first category the text falls into, or None when it may be generated."""
        folded = Folded.of(text)
        for rule in self.categories:
            matched = rule.match(folded)
            if matched:
                return Violation(rule.id, rule.name, matched, self.version)
        return None

    def check_restriction(self, restriction: str, text: str) -> Violation | None:
        """Whether a prompt breaks a cameo owner's restriction (e.g. "no-advertising")."""
        rule = self.restrictions.get(restriction)
        if rule is None:
            return None
        matched = rule.match(Folded.of(text))
        return Violation(rule.id, rule.name, matched, self.version) if matched else None

    def enforce(self, *texts: str | None) -> None:
        """Raise PolicyRefusal naming the category when any text breaks the policy."""
        for text in texts:
            if text:
                violation = self.check(text)
                if violation:
                    raise PolicyRefusal(violation.message())


def _rule(entry: dict, path: Path, index: int, kind: str) -> Rule:
    where = Location(file=str(path), field=f"{kind}[{index}]")
    try:
        pairs = entry.get("pairs", {})
        return Rule(
            id=str(entry["id"]),
            name=str(entry.get("name", entry["id"])),
            terms=_phrases(list(entry.get("terms", []))),
            exceptions=_phrases(list(entry.get("exceptions", []))),
            pair_any=_phrases(list(pairs.get("any", []))),
            pair_with=_phrases(list(pairs.get("with", []))),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"bad policy entry: {exc}", where) from None


def load_policy(path: Path) -> PromptPolicy:
    """Read a policy file; a malformed file is an InputError naming the file and entry."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"cannot read prompt policy: {exc}", Location(file=str(path))) from None
    categories = [_rule(e, path, i, "category") for i, e in enumerate(data.get("category", []))]
    restrictions = [
        _rule(e, path, i, "restriction") for i, e in enumerate(data.get("restriction", []))
    ]
    return PromptPolicy(
        version=int(data.get("version", 0)),
        categories=categories,
        restrictions={r.id: r for r in restrictions},
    )


def policy_path() -> Path:
    return resources_dir() / "policy" / "prompt_policy.toml"


@lru_cache(maxsize=4)
def _cached(path: str, mtime: float) -> PromptPolicy:
    return load_policy(Path(path))


def default_policy() -> PromptPolicy:
    """The bundled policy, re-read when the file changes."""
    path = policy_path()
    return _cached(str(path), path.stat().st_mtime)
