"""Which jobs a shot needs and what each asks for: picture and sound requests, seeds, labels,
and the consent pre-check — the same for a CLI render and for Generate in the editor."""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass

from studio.bundle import Bundle
from studio.cameo.guard import check_request
from studio.engine.request import GenerationRequest
from studio.engine.sound import DIFFUSERS_AUDIO, SOUNDBED, pick_sound_engine, sound_request
from studio.errors import StudioError
from studio.model import Operation, Project, Shot
from studio.render_service.cast import cast_cameos, cast_references
from studio.render_service.request_loras import request_loras

ANIMATIC = "animatic"
SOUND_BACKENDS = (SOUNDBED, DIFFUSERS_AUDIO)


@dataclass(frozen=True)
class GenerationSettings:
    """How to generate: the CLI's options, or the editor's engine and model choice."""

    engine: str = ANIMATIC  # backend for pictures
    model: str | None = None
    steps: int | None = None
    size: tuple[int, int] | None = None
    device: str | None = None
    seed: int | None = None  # --seed N: shot k gets N+k
    sound: bool = True  # generate the sound of shots that describe one


@dataclass(frozen=True)
class PlannedJob:
    """One job to submit: the backend that runs it and its request."""

    backend: str
    request: GenerationRequest

    @property
    def is_sound(self) -> bool:
        return self.backend in SOUND_BACKENDS


def shot_seed(shot: Shot, index: int, base: int | None) -> int:
    """--seed N gives shot k the seed N+k; else the shot's own, else one derived from its prompt
    (so the same storyboard gives the same takes, in the CLI and in the editor alike)."""
    if base is not None:
        return (base + index) % 2**32
    if shot.seed is not None:
        return shot.seed
    return zlib.crc32(shot.prompt.encode("utf-8"))


def reroll_seed() -> int:
    """A re-roll asks for a different take of the same shot: a fresh random seed."""
    return random.randrange(2**31)


def shot_label(project: Project, shot: Shot) -> str:
    """ "Shot 1A" by its name, else "Shot 3" by its place in the storyboard."""
    if shot.name:
        return f"Shot {shot.name}"
    return f"Shot {_index(project, shot) + 1}"


def _index(project: Project, shot: Shot) -> int:
    return next((i for i, s in enumerate(project.shots) if s.id == shot.id), 0)


def picture_request(
    bundle: Bundle,
    shot: Shot,
    settings: GenerationSettings,
    operation: Operation = Operation.GENERATE,
    seed: int | None = None,
    **extra,
) -> GenerationRequest:
    """The request for a shot's picture; `extra` sets operation fields (sources, strength…)."""
    project = bundle.project
    if seed is None:
        seed = shot_seed(shot, _index(project, shot), settings.seed)
    fields = dict(
        operation=operation,
        shot_id=shot.id,
        prompt=shot.prompt,
        duration=shot.duration,
        camera=shot.camera,
        preset=shot.effective_style(project.style),
        seed=seed,
        format=project.format,
        fps=project.fps,
        image=str(bundle.resolve(shot.image)) if shot.image else None,
        image_strength=shot.image_strength,
        last_image=str(bundle.resolve(shot.last_image)) if shot.last_image else None,
        keyframes=[
            key.model_copy(update={"image": str(bundle.resolve(key.image))})
            for key in shot.keyframes
        ],
        dialogue=[line.model_copy() for line in shot.dialogue],
        cameos=list(shot.cameos),
        project_id=project.id,
        bundle=str(bundle.path),
        size=settings.size,
        steps=settings.steps,
        model=settings.model,
        device=settings.device,
        label=f"{shot_label(project, shot)} · {operation.value}",
    )
    if settings.engine != ANIMATIC:  # LoRAs are for diffusion models: resolved and checked here
        fields["loras"] = request_loras(bundle, shot, fields["preset"], settings.model)
    fields.update(extra)
    if "cast" not in extra:  # the members the prompt(s) name; cameos among them need consent
        fields["cast"] = cast_references(bundle, fields["prompt"], fields.get("prompt_b"))
    fields["cameos"] = list(dict.fromkeys([*fields["cameos"], *cast_cameos(fields["cast"])]))
    return GenerationRequest(**fields)


def sound_job(bundle: Bundle, shot: Shot, seed: int, backend: str) -> PlannedJob:
    """The job that makes a shot's sound take from its `audio` description."""
    request = sound_request(bundle.project, shot, seed, str(bundle.path))
    return PlannedJob(backend, request.model_copy(update={"project_id": bundle.project.id}))


def picture_makes_sound(settings: GenerationSettings) -> bool:
    """The picture model generates each shot's sound with it (LTX-2): no separate sound job."""
    if settings.engine != "diffusers" or not settings.model:
        return False
    from studio.models import makes_sound

    return makes_sound(settings.model)


def take_ok(bundle: Bundle, take_id: str | None) -> bool:
    """The take is in the project and its file is in the bundle."""
    if not take_id or take_id not in bundle.project.takes:
        return False
    try:
        return bundle.take_file(take_id).is_file()
    except StudioError:  # a path that escapes the bundle counts as missing
        return False


def sound_is_current(bundle: Bundle, shot: Shot) -> bool:
    """The shot's sound take exists and was made from its present sound description."""
    if not take_ok(bundle, shot.sound_take):
        return False
    take = bundle.project.takes[shot.sound_take]
    return take.prompt.strip() == (shot.audio or "").strip()


def plan_shots(
    bundle: Bundle,
    shots: list[Shot],
    settings: GenerationSettings,
    *,
    redo_pictures: bool,
    redo_sounds: bool,
) -> list[PlannedJob]:
    """Picture and sound jobs for `shots`, in storyboard order.

    Without `redo_pictures` a shot whose take file is there gets no picture job (a bundle
    rendered again); without `redo_sounds` a shot gets a sound job only when its sound take is
    missing or was made from another description."""
    sound_backend = None
    if settings.sound and any(s.audio for s in shots) and not picture_makes_sound(settings):
        sound_backend = pick_sound_engine()
    jobs: list[PlannedJob] = []
    for shot in shots:
        jobs += plan_shot(bundle, shot, settings, redo_pictures, redo_sounds, sound_backend)
    return jobs


def plan_shot(
    bundle: Bundle,
    shot: Shot,
    settings: GenerationSettings,
    redo_picture: bool = True,
    redo_sound: bool = False,
    sound_backend: str | None = None,
) -> list[PlannedJob]:
    """The jobs of one shot (see plan_shots); `sound_backend` None means no sound job."""
    jobs = []
    if redo_picture or not take_ok(bundle, shot.current_take):
        jobs.append(PlannedJob(settings.engine, picture_request(bundle, shot, settings)))
    if sound_backend and shot.audio and (redo_sound or not sound_is_current(bundle, shot)):
        seed = shot_seed(shot, _index(bundle.project, shot), settings.seed)
        jobs.append(sound_job(bundle, shot, seed, sound_backend))
    return jobs


def check_consent(jobs: list[PlannedJob], project: Project) -> None:
    """Refuse (PolicyRefusal) before any work starts when a picture's prompt needs consent it
    doesn't have. Fills each request's cameo fields, as the engine's own check expects."""
    for job in jobs:
        if not job.is_sound:
            check_request(job.request, project=project)
