"""Prompt policy and the text folding that consent detection shares with it."""

from studio.policy.normalize import Phrase, compile_phrase, fold
from studio.policy.prompt_policy import PromptPolicy, Violation, default_policy, load_policy

__all__ = [
    "Phrase",
    "PromptPolicy",
    "Violation",
    "compile_phrase",
    "default_policy",
    "fold",
    "load_policy",
]
