"""`[[cast]]` checks beyond types: one kind per member, unique names, pictures that open.

A member is a fictional character (`name`, optional `description` and `images`) or a real
person (`cameo = "@maya"`), whose pictures come only from her consented profile — so a cameo
with `images` is refused here, before any file is copied into a bundle. Names are matched in
prompts regardless of case, so two members whose names differ only in case are one too many.
Whether a cameo has a local profile and consent is decided at render (studio.render_service
.cast), where a refusal is a policy refusal (exit 3), not bad input.
"""

from __future__ import annotations

from studio.model.shot import CAMEO_MENTION


def check_cast(board, report, check_file) -> None:
    """Report every problem of the script's `[[cast]]` tables (file, line and key)."""
    seen: dict[str, int] = {}
    for i, member in enumerate(board.script.cast):
        name = (member.name or "").strip()
        handle = (member.cameo or "").strip()
        if not name and not handle:
            report.add(
                "a cast member needs `name` (a character) or `cameo` (a real person's @handle)",
                ("cast", i),
            )
            continue
        if handle:
            _check_cameo(member, handle, i, report)
            key = "@" + handle.removeprefix("@").lower()
            field = "cameo"
        else:
            for k, image in enumerate(member.images):
                check_file(board, report, image, ("cast", i, "images", k), image=True)
            if name.startswith("@"):
                report.add(
                    f"'{name}' looks like a cameo handle; write `cameo = \"{name}\"` for a real "
                    "person, or a name without '@' for a character",
                    ("cast", i, "name"),
                )
            key, field = name.casefold(), "name"
        if key in seen:
            report.add(
                f"cast {seen[key] + 1} already has the name '{name or handle}' "
                "(names are matched in prompts regardless of case)",
                ("cast", i, field),
            )
        else:
            seen[key] = i


def _check_cameo(member, handle: str, i: int, report) -> None:
    text = handle if handle.startswith("@") else f"@{handle}"
    if not CAMEO_MENTION.fullmatch(text.lower()):
        report.add(
            f"'{handle}' is not a cameo handle (write it as in prompts, e.g. \"@maya\")",
            ("cast", i, "cameo"),
        )
    if member.images:
        report.add(
            "a cameo's pictures come only from the person's consented cameo profile, never "
            "from the script; remove `images`",
            ("cast", i, "images"),
        )
