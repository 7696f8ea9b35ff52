"""The render service: the one place that turns shots into generation jobs and takes back into
a project, used by both the CLI (studio.pipeline) and the editor (ui.generation adapts it to Qt).

- `jobs`: requests for picture and sound, seeds, labels, and the consent pre-check;
- `engine_setup`: the Engine with every backend registered and consent checked on its thread;
- `landing`: jobs are routed by project id; a finished take waits in the engine's staging
  folder until it is adopted into the project's *current* folder (Save As may have moved it).
"""

from studio.render_service.engine_setup import ANIMATIC, DIFFUSERS, make_engine, make_farm_engine
from studio.render_service.jobs import (
    GenerationSettings,
    PlannedJob,
    check_consent,
    picture_request,
    plan_shot,
    plan_shots,
    reroll_seed,
    shot_label,
    shot_seed,
)
from studio.render_service.landing import (
    LandingFailed,
    adopt_take,
    belongs_to,
    keep_in_closed_project,
    land_in_bundle,
)

__all__ = [
    "ANIMATIC",
    "DIFFUSERS",
    "GenerationSettings",
    "LandingFailed",
    "PlannedJob",
    "adopt_take",
    "belongs_to",
    "check_consent",
    "keep_in_closed_project",
    "land_in_bundle",
    "make_engine",
    "make_farm_engine",
    "picture_request",
    "plan_shot",
    "plan_shots",
    "reroll_seed",
    "shot_label",
    "shot_seed",
]
