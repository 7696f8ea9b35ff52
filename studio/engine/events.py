"""Typed events the engine sends out, ComfyUI-style: small, one class per thing that happened.

They travel on a thread-safe channel; the Qt bridge turns them into signals, the CLI into a
progress bar. Events carry no references into live model objects, only ids and values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

    from studio.model import Take


@dataclass(frozen=True)
class EngineEvent:
    job_id: str


@dataclass(frozen=True)
class JobQueued(EngineEvent):
    label: str = ""
    position: int = 0


@dataclass(frozen=True)
class JobStarted(EngineEvent):
    label: str = ""


@dataclass(frozen=True)
class StepProgress(EngineEvent):
    step: int = 0  # 1-based: steps finished so far
    total: int = 1
    eta_s: float | None = None
    phase: str = "sampling"  # sampling | decoding | rendering | loading

    @property
    def fraction(self) -> float:
        return self.step / self.total if self.total else 0.0


@dataclass(frozen=True)
class PreviewFrame(EngineEvent):
    """A cheap, downscaled look at the job so far (H×W×3 uint8)."""

    step: int = 0
    image: np.ndarray | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class JobWarning(EngineEvent):
    """Something the creator should know about a running job that does not stop it (a cast
    member's pictures the model cannot take as references, say)."""

    message: str = ""


@dataclass(frozen=True)
class JobFinished(EngineEvent):
    take: Take | None = None
    linked: Take | None = None  # the sound take made with `take` (audio-video models)


@dataclass(frozen=True)
class JobFailed(EngineEvent):
    reason: str = ""
    hint: str = ""


@dataclass(frozen=True)
class JobCancelled(EngineEvent):
    pass


@dataclass(frozen=True)
class QueueChanged(EngineEvent):
    """Pending jobs were reordered, removed, paused or resumed (job_id may be empty)."""

    paused: bool = False
