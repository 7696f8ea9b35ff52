"""The LoRAs a shot's picture request carries: storyboard, style preset, shot, camera — merged.

Order and precedence: the storyboard's `[[lora]]` first, then the shot's preset's, then the
shot's own `[[shot.lora]]`, then the camera LoRA of its move (studio.lorafiles.library); the
same file named twice keeps its first place and the later weight (a shot overrides the
storyboard). Each is resolved to a checked absolute file here, at submit, so a missing file, a
pickle or a LoRA whose metadata names another family than the chosen model's is refused (exit
2, naming where it was asked for) before any job starts. Diffusion engines only: the animatic
draws no LoRA.
"""

from __future__ import annotations

import os
from pathlib import Path

from studio.bundle import Bundle
from studio.errors import InputError, Location
from studio.lorafiles.family import declared_family
from studio.lorafiles.header import read_header
from studio.lorafiles.library import camera_lora, camera_move_of, user_folder
from studio.lorafiles.locate import project_lora
from studio.model import Shot
from studio.model.lora import MAX_LORAS, LoraRef
from studio.presets.library import PresetLibrary


def request_loras(
    bundle: Bundle,
    shot: Shot,
    preset: str | None,
    model: str | None,
    *,
    presets: PresetLibrary | None = None,
    folder: Path | None = None,
) -> list[LoraRef]:
    """Absolute, checked LoRA files and weights for one shot's request (see module doc)."""
    project = bundle.project
    project_file = str(bundle.path / "project.json")
    index = next((i for i, s in enumerate(project.shots) if s.id == shot.id), 0)
    asked: list[tuple[LoraRef, Location]] = [
        (ref, Location(file=project_file, field=f"loras[{i}].file"))
        for i, ref in enumerate(project.loras)
    ]
    style = (presets or PresetLibrary()).find(preset) if preset else None
    if style is not None:
        asked += [
            (ref, Location(file=f"style preset '{style.name}'", field=f"lora[{k}].file"))
            for k, ref in enumerate(style.lora)
        ]
    asked += [
        (ref, Location(file=project_file, field=f"shots[{index}].loras[{k}].file"))
        for k, ref in enumerate(shot.loras)
    ]
    merged: dict[str, tuple[LoraRef, Location]] = {}
    for ref, where in asked:
        path = project_lora(bundle.path, ref.file, where, folder)
        merged[os.path.realpath(path)] = (LoraRef(file=str(path), weight=ref.weight), where)
    family = _family(model) if model and (merged or _has_camera_lora(shot, folder)) else None
    if family:
        camera = camera_lora(shot.camera, family.name, folder)
        if camera is not None and os.path.realpath(camera) not in merged:
            where = Location(file=str(camera), field=f"camera {shot.camera.value}")
            merged[os.path.realpath(camera)] = (LoraRef(file=str(camera), weight=1.0), where)
        for ref, where in merged.values():
            _check_declared(Path(ref.file), where, family)
    if len(merged) > MAX_LORAS:
        raise InputError(
            f"{len(merged)} LoRAs for one shot; at most {MAX_LORAS}",
            Location(file=project_file, field=f"shots[{index}].loras"),
        )
    return [ref for ref, _ in merged.values()]


def _has_camera_lora(shot: Shot, folder: Path | None) -> bool:
    """Cheap: is any file of the folder named for this shot's camera move?"""
    root = user_folder(folder)
    return any(camera_move_of(p.name) == shot.camera.value for p in root.glob("camera-*"))


def _family(model: str):
    from studio.errors import EngineFailure
    from studio.models import ModelRegistry

    try:
        info = ModelRegistry().find(model)
    except (OSError, EngineFailure):
        return None
    return info.family if info else None


def _check_declared(path: Path, where: Location, family) -> None:
    declared = declared_family(read_header(path, where, follow_links=True).metadata)
    if declared and declared != family.name:
        from studio.models import family_named

        known = family_named(declared)
        raise InputError(
            f"the LoRA {path.name} was made for {known.title if known else declared} (its "
            f"metadata says so); the model is {family.title}",
            where,
        )
