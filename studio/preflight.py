"""Can this project be rendered? One check for `validate` and for `render`, before any work.

Loading a project checks its JSON (types, ranges, references). Rendering needs more: every clip's
file must open as what its track plays, every shot's reference picture must open, and the
timeline must fit the limits. Checked here, once, by both commands, so a project `validate`
accepts is one `render` accepts (before, nine kinds of bundle passed validate and then failed the
render, some with exit 4). Takes that render will generate again (a shot's missing current take)
are not required to exist.
"""

from __future__ import annotations

from pathlib import Path

from studio import limits
from studio.bundle import shot_pictures
from studio.errors import InputError, InputErrors, Location
from studio.media.check import IMAGE_SUFFIXES, image_problem, sound_problem, video_problem
from studio.model import Project, TrackKind


def check_renderable(bundle, *, regenerate: bool = False, sound: bool = True) -> None:
    """Raise InputErrors naming each field whose file or value would fail the render.

    `bundle` is a studio.bundle.Bundle; `regenerate`/`sound` are the render's options (takes that
    will be made again need not open)."""
    project: Project = bundle.project
    file = str(bundle.project_file)
    errors: list[InputError] = []
    seen: dict[tuple[str, str], str | None] = {}

    def check(kind: str, media: str, field: str) -> None:
        try:
            path = Path(bundle.resolve(media))
        except InputError as exc:
            errors.append(InputError(exc.message, Location(file, None, field)))
            return
        key = (kind, str(path))
        if key not in seen:
            seen[key] = _problem(kind, path)
        if seen[key]:
            errors.append(InputError(f"'{media}': {seen[key]}", Location(file, None, field)))

    if project.duration > limits.MAX_TIMELINE_SECONDS:
        errors.append(
            InputError(
                f"the timeline is {project.duration / 60:,.0f} minutes long "
                f"(at most {limits.MAX_TIMELINE_SECONDS / 60:.0f})",
                Location(file, None, "tracks"),
            )
        )
    for i, shot in enumerate(project.shots):
        for name, media in shot_pictures(shot):
            check("image", media, f"shots[{i}].{name}")
        for k, key in enumerate(shot.keyframes):
            if key.at > shot.duration:
                errors.append(
                    InputError(
                        f"the keyframe at {key.at:g} s is outside the shot "
                        f"({shot.duration:g} s long)",
                        Location(file, None, f"shots[{i}].keyframes[{k}].at"),
                    )
                )
    keys: dict[str, int] = {}
    for i, member in enumerate(project.cast):  # pictures open; names unique (case-blind)
        for k, media in enumerate(member.images):
            check("image", media, f"cast[{i}].images[{k}]")
        key = member.key.casefold()
        if key in keys:
            errors.append(
                InputError(
                    f"cast {keys[key] + 1} already has the name '{member.key}'",
                    Location(file, None, f"cast[{i}].{'cameo' if member.is_cameo else 'name'}"),
                )
            )
        keys.setdefault(key, i)
    remade = _regenerated(bundle, regenerate, sound)
    for t_i, track in enumerate(project.tracks):
        for c_i, clip in enumerate(track.clips):
            field = f"tracks[{t_i}].clips[{c_i}]"
            if clip.media:
                media, field = clip.media, field + ".media"
            else:
                take = project.takes.get(clip.take_id or "")
                if take is None:
                    continue  # reported by the loader (unknown take)
                if (clip.shot_id, clip.take_id) in remade:
                    continue
                media, field = take.path, f"takes.{take.id}.path"
            if track.kind == TrackKind.AUDIO:
                check("sound", media, field)
            elif Path(media).suffix.lower() in IMAGE_SUFFIXES:
                check("image", media, field)
            else:
                check("video", media, field)
    if errors:
        raise InputErrors(errors)


def _problem(kind: str, path: Path) -> str | None:
    if kind == "image":
        return image_problem(path)
    if kind == "video":
        return video_problem(path)
    return sound_problem(path, need_sound=False)


def _regenerated(bundle, regenerate: bool, sound: bool) -> set[tuple[str, str]]:
    """(shot id, take id) of the takes render makes again: all with --regenerate, else those
    whose file is missing (render generates a shot's current take when it is gone)."""
    out = set()
    for shot in bundle.project.shots:
        takes = [shot.current_take] + ([shot.sound_take] if sound and shot.audio else [])
        for take_id in takes:
            if not take_id:
                continue
            take = bundle.project.takes.get(take_id)
            if regenerate or take is None or not _exists(bundle, take.path):
                out.add((shot.id, take_id))
    return out


def _exists(bundle, media: str) -> bool:
    try:
        return Path(bundle.resolve(media)).exists()
    except (InputError, OSError):
        return False
