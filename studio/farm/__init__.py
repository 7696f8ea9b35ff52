"""The render farm: shot generation spread over the GPU machines of a Ray cluster.

The engine's queue stays where it was (on the machine that submits); a FarmEngine hands each job
to a Ray actor that keeps a model loaded on its GPU, streams progress and previews back, and
returns the finished take's bytes. Ray is imported only when a cluster is actually used, so the
rest of the app never needs it (`pip install 'storyboard-studio[farm]'` adds it).
"""

from __future__ import annotations

import os

ENV_CLUSTER = "STUDIO_CLUSTER"
NAMESPACE = "storyboard-studio"


def cluster_from_env(value: str | None = None) -> str | None:
    """The cluster address to use: an explicit one, else STUDIO_CLUSTER, else none (local)."""
    value = value if value is not None else os.environ.get(ENV_CLUSTER)
    value = (value or "").strip()
    return value or None


__all__ = ["ENV_CLUSTER", "NAMESPACE", "cluster_from_env"]
