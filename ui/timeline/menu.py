"""The clip context menu: split, delete, transitions to/from neighbours, swap take."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMenu

from studio.model import TakeKind, TrackKind, TransitionKind
from studio.model import edits as E

if TYPE_CHECKING:
    from ui.timeline.view import TimelineView

_LENGTHS = (0.5, 1.0)  # seconds offered for transitions and fades


def build_clip_menu(view: TimelineView, clip_id: str) -> QMenu:
    project = view.project
    track, clip = project.find_clip(clip_id)
    menu = QMenu(view)
    split = menu.addAction(
        "Split at playhead", lambda: view.push(E.split_clip, clip_id, view.playhead)
    )
    split.setShortcut(view.action_split.shortcut())
    split.setEnabled(clip.start < view.playhead < clip.end)
    menu.addAction("Delete", lambda: view.push(E.delete_clip, clip_id)).setShortcut(
        view.action_delete.shortcut()
    )
    menu.addAction("Ripple delete", lambda: view.push(E.ripple_delete, clip_id)).setShortcut(
        view.action_ripple.shortcut()
    )
    if clip.link:  # picture and its generated sound cut together until unlinked
        menu.addAction("Unlink picture and sound", lambda: view.push(E.unlink, clip_id))
    menu.addSeparator()
    prev, _ = E.neighbours(track, clip)
    joined = prev is not None and prev.end >= clip.start
    title = "Transition from previous clip" if joined else "Fade in from black"
    _transition_menu(menu.addMenu(title), view, clip_id, "in", clip.transition_in)
    _transition_menu(menu.addMenu("Fade out to black"), view, clip_id, "out", clip.transition_out)
    _swap_menu(menu, view, clip_id)
    _gain_menu(menu.addMenu("Clip gain"), view, clip_id, clip.gain_db)
    return menu


_GAINS = (6.0, 3.0, 0.0, -3.0, -6.0, -12.0, -96.0)  # dB; -96 is silent


def _gain_menu(sub: QMenu, view: TimelineView, clip_id: str, current: float) -> None:
    """The clip's gain in a few steps (the inspector has the exact field)."""
    for db in _GAINS:
        label = "Silent" if db <= -96 else f"{db:+g} dB"
        a = sub.addAction(label, lambda d=db: view.push(E.set_clip_fields, clip_id, gain_db=d))
        a.setCheckable(True)
        a.setChecked(abs(current - db) < 1e-6)


def _transition_menu(sub: QMenu, view: TimelineView, clip_id: str, edge: str, current) -> None:
    fps = view.project.fps
    none = sub.addAction("None (cut)", lambda: view.push(E.set_transition, clip_id, None, 0, edge))
    none.setCheckable(True)
    none.setChecked(current is None)
    kinds = (TransitionKind.CROSSFADE, TransitionKind.DIP_TO_BLACK)
    for kind in kinds:
        for seconds in _LENGTHS:
            frames = max(1, round(seconds * fps))
            label = f"{kind.value.replace('-', ' ').capitalize()} {seconds:g} s"
            a = sub.addAction(
                label,
                lambda k=kind, n=frames: view.push(E.set_transition, clip_id, k, n, edge),
            )
            a.setCheckable(True)
            a.setChecked(
                current is not None and current.kind == kind and current.duration == frames
            )


def _swap_menu(menu: QMenu, view: TimelineView, clip_id: str) -> None:
    project = view.project
    track, clip = project.find_clip(clip_id)
    kind = TakeKind.AUDIO if track.kind == TrackKind.AUDIO else TakeKind.VIDEO
    shot_id = clip.shot_id or (
        project.takes[clip.take_id].shot_id if clip.take_id in project.takes else None
    )
    takes = [
        t for t in project.takes.values() if shot_id and t.shot_id == shot_id and t.kind == kind
    ]
    sub = menu.addMenu("Swap take")
    sub.setEnabled(len(takes) > 1)
    for n, take in enumerate(sorted(takes, key=lambda t: t.created), start=1):
        parts = [f"Take {n}", take.operation.value]
        if take.seed is not None:
            parts.append(f"seed {take.seed}")
        if take.preset:
            parts.append(take.preset)
        a = sub.addAction(" · ".join(parts), lambda t=take.id: view.push(E.swap_take, clip_id, t))
        a.setCheckable(True)
        a.setChecked(take.id == clip.take_id)
        a.setData(take.id)
