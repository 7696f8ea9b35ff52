"""Timecode text: HH:MM:SS:FF at the project's fps (what editors show), or seconds.

"0:01:00" used to mean one second and was read as a minute; a four-field timecode with hours
cannot be misread, and the seconds display ("1.50 s") is there for those who think in them.
"""

from __future__ import annotations


def timecode(frame: int, fps: int) -> str:
    """HH:MM:SS:FF (non-drop-frame; fps is 24, 25 or 30)."""
    s, f = divmod(max(0, int(frame)), fps)
    m, s = divmod(s, 60)
    h, m = divmod(m, 60)
    return f"{h:02d}:{m:02d}:{s:02d}:{f:02d}"


def seconds_text(frame: int, fps: int) -> str:
    return f"{max(0, int(frame)) / fps:.2f} s"


def time_text(frame: int, fps: int, seconds: bool = False) -> str:
    """The time of `frame` in the chosen display (timecode unless `seconds`)."""
    return seconds_text(frame, fps) if seconds else timecode(frame, fps)


def parse_timecode(text: str, fps: int) -> int:
    """Frames from "HH:MM:SS:FF", "MM:SS:FF", "SS:FF" or "12.5 s"; ValueError otherwise."""
    text = text.strip()
    if text.endswith("s"):
        return int(round(float(text[:-1]) * fps))
    parts = [int(p) for p in text.split(":")]
    if not 1 <= len(parts) <= 4 or any(p < 0 for p in parts) or parts[-1] >= fps:
        raise ValueError(f"not a timecode: {text!r}")
    while len(parts) < 4:
        parts.insert(0, 0)
    h, m, s, f = parts
    return ((h * 60 + m) * 60 + s) * fps + f
