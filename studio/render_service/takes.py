"""Variations and retakes: more takes of a shot, planned the same way for the CLI and the editor.

- variations: N takes of one shot with N distinct seeds, one job each, all carrying the same
  `batch` id (the takes browser groups them by it);
- retake: one job that makes a span of an existing take again (Operation.RETAKE with the take
  as sources[0] and `retake_range`), the rest of the take kept.
"""

from __future__ import annotations

import zlib

from studio.bundle import Bundle
from studio.engine.request import SourceTake
from studio.errors import InputError, Location
from studio.model import Operation, Shot, Take, TakeKind, new_id
from studio.render_service.jobs import (
    GenerationSettings,
    PlannedJob,
    picture_request,
    shot_label,
    shot_seed,
)

MAX_VARIATIONS = 16
SEEDS = 2**32


def variation_seeds(first: int, n: int) -> list[int]:
    """N distinct seeds from `first` on (first, first+1, …, wrapping at 2³²)."""
    return [(first + k) % SEEDS for k in range(n)]


def check_count(n: int, field: str = "variations") -> int:
    if not 1 <= n <= MAX_VARIATIONS:
        raise InputError(
            f"the number of variations must be between 1 and {MAX_VARIATIONS}, got {n}",
            Location(field=field),
        )
    return n


def plan_variations(
    bundle: Bundle,
    shot: Shot,
    settings: GenerationSettings,
    n: int,
    first_seed: int | None = None,
) -> list[PlannedJob]:
    """N picture jobs of `shot`, one batch. Without `first_seed` the seeds start at the shot's
    own (as `render` derives it), so variation 1 is the take a render gives."""
    check_count(n)
    project = bundle.project
    if first_seed is None:
        index = next(i for i, s in enumerate(project.shots) if s.id == shot.id)
        first_seed = shot_seed(shot, index, settings.seed)
    batch = new_id()
    label = shot_label(project, shot)
    jobs = []
    for k, seed in enumerate(variation_seeds(first_seed, n)):
        request = picture_request(
            bundle, shot, settings, seed=seed, batch=batch, label=f"{label} · variation {k + 1}/{n}"
        )
        jobs.append(PlannedJob(settings.engine, request))
    return jobs


def source_take(bundle: Bundle, take: Take) -> SourceTake:
    """A take of the bundle as a request's source (its file resolved inside the bundle)."""
    return SourceTake(
        take_id=take.id,
        path=str(bundle.take_file(take.id)),
        fps=take.fps or bundle.project.fps,
        frames=take.frames,
        prompt=take.prompt,
        seed=take.seed,
    )


def retake_seed(take: Take, start: float, end: float) -> int:
    """A seed for retaking this span of this take: the same each time (so a CLI retake can be
    repeated), never the take's own (that would draw the span as it was)."""
    seed = zlib.crc32(f"{take.id}:{start:.3f}:{end:.3f}".encode())
    return (seed + 1) % SEEDS if seed == take.seed else seed


def plan_retake(
    bundle: Bundle,
    take: Take,
    start: float,
    end: float,
    settings: GenerationSettings,
    seed: int | None = None,
) -> PlannedJob:
    """The job that makes [start, end) seconds of `take` again, keeping the rest. The shot's
    present prompt, camera and style draw the span; the range is checked by the engines."""
    project = bundle.project
    if take.kind != TakeKind.VIDEO:
        raise InputError("only a picture take can be retaken", Location(field="take"))
    shot = next((s for s in project.shots if s.id == take.shot_id), None)
    if shot is None:
        raise InputError("the take belongs to no shot of this project", Location(field="take"))
    if not end > start >= 0:
        raise InputError(
            f"a retake range runs from a start to a later end, got {start}–{end} s",
            Location(field="retake_range"),
        )
    seed = retake_seed(take, start, end) if seed is None else seed % SEEDS
    source = source_take(bundle, take)
    if take.linked and take.linked in project.takes:  # picture and sound from one run (LTX-2)
        source = source.model_copy(update={"sound": str(bundle.take_file(take.linked))})
    request = picture_request(
        bundle,
        shot,
        settings,
        Operation.RETAKE,
        seed=seed,
        sources=[source],
        retake_range=(float(start), float(end)),
        duration=take.duration or shot.duration,
        label=f"{shot_label(project, shot)} · retake {start:g}–{end:g} s",
    )
    return PlannedJob(settings.engine, request)


def land_variation(bundle: Bundle, take: Take) -> Take:
    """Adopt a finished variation into the bundle beside the shot's other takes (the shot's
    current take stays; a shot with none shows it)."""
    from studio.model.take_edits import keep_take
    from studio.render_service.landing import adopt_take

    landed = adopt_take(bundle.path, take)
    keep_take(bundle.project, landed)
    return landed


def find_shot(project, key: str) -> Shot:
    """A shot by its name, its number in the storyboard (1-based) or its id."""
    for shot in project.shots:
        if key in (shot.name, shot.id):
            return shot
    if key.isdigit() and 1 <= int(key) <= len(project.shots):
        return project.shots[int(key) - 1]
    names = ", ".join(s.name or str(i + 1) for i, s in enumerate(project.shots)) or "none"
    raise InputError(f"no shot '{key}' in this project (shots: {names})", Location(field="--shot"))
