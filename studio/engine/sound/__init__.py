"""Sound backends: a shot's sound description in, a WAV sound take out.

"soundbed" (embedded, always there) makes a procedural draft; "diffusers-audio" runs a
text-to-audio model (Stable Audio Open, AudioLDM 2) found by the model registry.
"""

from __future__ import annotations

from studio.engine.request import GenerationRequest
from studio.model import Project, Shot

SOUNDBED = "soundbed"
DIFFUSERS_AUDIO = "diffusers-audio"

__all__ = [
    "DIFFUSERS_AUDIO",
    "SOUNDBED",
    "SoundBedBackend",
    "make_diffusers_audio_backend",
    "pick_sound_engine",
    "register_sound_backends",
    "sound_request",
]


def __getattr__(name: str):
    """SoundBedBackend is imported on first use: its synthesis pulls in scipy.signal (~1 s),
    which the editor's start-up should not pay for."""
    if name == "SoundBedBackend":
        from studio.engine.sound.soundbed import SoundBedBackend

        return SoundBedBackend
    raise AttributeError(name)


def _soundbed():
    from studio.engine.sound.soundbed import SoundBedBackend

    return SoundBedBackend()


def make_diffusers_audio_backend(
    model: str | None = None, device: str | None = None, steps: int | None = None
):
    """The text-to-audio backend (torch and diffusers are imported only when it generates)."""
    from studio.engine.sound.diffusers_audio import DiffusersAudioBackend

    return DiffusersAudioBackend(model=model, device=device, steps=steps)


def pick_sound_engine(model: str | None = None, registry=None) -> str:
    """ "diffusers-audio" when a usable text-to-audio model is on disk (or named), else the
    procedural "soundbed" — so a project always gets sound, a model's when there is one."""
    from studio.models import ModelRegistry

    registry = registry or ModelRegistry()
    try:
        info = (
            registry.find(model, kind="audio")
            if model
            else next((m for m in registry.models("audio") if m.complete), None)
        )
    except Exception:  # a broken cache must never cost a project its sound
        return SOUNDBED
    return DIFFUSERS_AUDIO if info is not None and info.complete else SOUNDBED


def register_sound_backends(
    engine, model: str | None = None, device: str | None = None, steps: int | None = None
) -> None:
    """Add both sound backends to an Engine (the diffusers one lazily, on first use)."""
    engine.register(SOUNDBED, _soundbed)
    engine.register(DIFFUSERS_AUDIO, lambda: make_diffusers_audio_backend(model, device, steps))


def sound_request(
    project: Project, shot: Shot, seed: int, bundle: str | None = None, model: str | None = None
) -> GenerationRequest:
    """The request that makes a shot's sound take: its `audio` description, its length."""
    return GenerationRequest(
        shot_id=shot.id,
        prompt=shot.audio or "",
        duration=shot.duration,
        seed=seed,
        format=project.format,
        fps=project.fps,
        bundle=bundle,
        model=model,
        label=f"sound: {(shot.audio or 'room tone')[:40]}",
    )
