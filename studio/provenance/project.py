"""What a project's export says about itself: model families, cameos and LoRAs of the clips
used."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from studio import __version__
from studio.model import Project, Take, TrackKind

_FAMILIES = (
    ("ltx2", "LTX-2"),
    ("ltx-2", "LTX-2"),
    ("ltx", "LTX-Video"),
    ("wan", "Wan"),
    ("cogvideo", "CogVideoX"),
    ("hunyuan", "HunyuanVideo"),
    ("mochi", "Mochi"),
    ("animatic", "animatic (no diffusion model)"),
)


def model_family(take: Take) -> str:
    """A family name a viewer recognises: the family the take recorded, else a guess from
    its model id or engine."""
    from studio.models.families import family_named

    recorded = family_named(str(take.params.get("family", "")))
    if recorded is not None:
        return recorded.title
    text = f"{take.model or ''} {take.engine}".lower()
    for key, name in _FAMILIES:
        if key in text:
            return name
    return take.model or take.engine


def used_takes(project: Project) -> list[Take]:
    """The takes the timeline's video clips use, in timeline order."""
    out: dict[str, Take] = {}
    for track in project.tracks_of(TrackKind.VIDEO):
        for clip in track.sorted_clips():
            take = project.takes.get(clip.take_id) if clip.take_id else None
            if take is not None:
                out.setdefault(take.id, take)
    return list(out.values())


def sound_takes(project: Project) -> list[Take]:
    """The takes the timeline's sound clips use, in timeline order."""
    out: dict[str, Take] = {}
    for track in project.tracks_of(TrackKind.AUDIO):
        for clip in track.sorted_clips():
            take = project.takes.get(clip.take_id) if clip.take_id else None
            if take is not None:
                out.setdefault(take.id, take)
    return list(out.values())


def provenance_hook(
    project: Project,
    *,
    title: str | None = None,
    tool_version: str = __version__,
    resolve: Callable[[str], Path] | None = None,
    quality: str = "final",
) -> Callable[[Path], None]:
    """The `provenance` callable for the MP4 exporter: signs the staged file in place.

    With `resolve` (bundle-relative path → file) the cameos listed are those the consent
    ledger recorded for the files' content, added to what project.json claims.
    """
    from studio.provenance.manifest import sign_mp4

    takes = used_takes(project)
    families = list(dict.fromkeys(model_family(t) for t in takes))
    cameos = list(dict.fromkeys(c for t in takes for c in t.cameos))
    cast = list(dict.fromkeys(k for t in takes for k in t.cast))
    born = list(dict.fromkeys(model_family(t) for t in sound_takes(project) if t.linked))
    loras = list({(u.sha256, u.weight): u.model_dump() for t in takes for u in t.loras}.values())
    if resolve is not None:
        from studio.cameo.takefacts import timeline_cameos

        cameos = list(dict.fromkeys([*cameos, *timeline_cameos(project, resolve)]))

    def sign(path: Path) -> None:
        sign_mp4(
            path,
            title=title or project.title,
            model_families=families,
            cameos=cameos,
            tool_version=tool_version,
            quality=quality,
            sound_with_picture=born,
            cast=cast,
            loras=loras,
        )

    return sign
