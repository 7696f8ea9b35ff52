"""What travels between the driver (the machine with the queue) and a farm worker.

A job goes out as a FarmJob: the request itself plus, in memory, every file it names (reference
image, source takes, a user preset) and the signed consent it needs. What comes back is a stream
of the engine's own StepProgress / PreviewFrame events, closed by exactly one outcome.
Everything here is plain data, pickled by Ray; nothing refers to files on the other machine.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from studio.farm.consent import ConsentPacket


@dataclass(frozen=True)
class FarmJob:
    job_id: str
    backend: str  # "animatic", "diffusers", a sound backend
    request: dict  # GenerationRequest.model_dump(mode="json"): whatever fields it has
    files: dict[str, bytes] = field(default_factory=dict)  # driver path → contents
    preset_toml: dict[str, str] = field(default_factory=dict)  # user preset name → TOML
    consent: ConsentPacket | None = None
    studio_version: str = ""


@dataclass(frozen=True)
class WorkerInfo:
    """Who ran (or refused) a job: shown in messages, status and the take's params."""

    name: str
    node: str  # node IP address
    gpus: tuple[str, ...] = ()
    loaded: tuple[str, ...] = ()  # model keys kept in memory ("animatic", "diffusers:<id>")
    running: tuple[str, ...] = ()  # "job id: label"
    version: str = ""


@dataclass(frozen=True)
class Done:
    """The finished take: its description (a TakeResult without the path) and its bytes."""

    result: dict
    suffix: str
    data: bytes
    worker: WorkerInfo
    seconds: float = 0.0  # the backend's own time on the worker (the rest is the farm's)


@dataclass(frozen=True)
class Refused:
    """The worker cannot run this job at all; another worker may (model, backend, busy)."""

    kind: str  # "model" | "version" | "busy"
    message: str
    worker: WorkerInfo


@dataclass(frozen=True)
class Failed:
    """The job itself failed on the worker (consent refused, bad input, engine error)."""

    reason: str
    hint: str
    worker: WorkerInfo
    refused_by_consent: bool = False


@dataclass(frozen=True)
class Stopped:
    """Cancelled: steps done when the cancel reached the worker and when it stopped."""

    steps_at_request: int | None
    steps_at_stop: int
    worker: WorkerInfo


Outcome = Done | Refused | Failed | Stopped
