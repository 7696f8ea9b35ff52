"""`models pull ID`: the one place that downloads weights, and only when the user asks.

Only configs, tokenizer files and safetensors weights are fetched — never pickle weights or
Python files — so what lands on disk is loadable by the registry's safe loader.
"""

from __future__ import annotations

import os
from pathlib import Path

from studio.errors import EngineFailure
from studio.models.registry import ModelInfo, inspect_folder

ALLOW_PATTERNS = [
    "*.json",
    "*.safetensors",
    "*.txt",
    "*.model",  # sentencepiece tokenizers
    "*.tiktoken",
    "*.md",
]


def pull(repo_id: str, revision: str | None = None) -> ModelInfo:
    """Download a diffusers pipeline into the Hugging Face cache; return it as the registry sees it."""
    if os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on"):
        raise EngineFailure(
            f"cannot pull '{repo_id}': HF_HUB_OFFLINE is set (pulling needs a network)"
        )
    try:
        from huggingface_hub import snapshot_download
        from huggingface_hub.errors import HfHubHTTPError, RepositoryNotFoundError
    except ImportError:
        raise EngineFailure("cannot pull models: huggingface_hub is not installed") from None
    try:
        folder = snapshot_download(repo_id, revision=revision, allow_patterns=ALLOW_PATTERNS)
    except RepositoryNotFoundError:
        raise EngineFailure(f"model '{repo_id}' not found on the Hugging Face Hub") from None
    except (HfHubHTTPError, OSError, ValueError) as exc:
        raise EngineFailure(f"pulling '{repo_id}' failed: {exc}") from None
    info = inspect_folder(Path(folder), repo_id, "hf-cache")
    if info.pipeline_class is None and not info.problems:
        info.problems.append("no model_index.json: not a diffusers pipeline")
    return info
