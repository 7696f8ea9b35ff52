"""SubRip (.srt) captions beside an exported MP4: what platforms and players read as subtitles."""

from __future__ import annotations

import re
from pathlib import Path

from studio import atomic
from studio.compose.captions import Cue

_TIME = re.compile(r"(\d+):(\d\d):(\d\d),(\d\d\d)")


def timestamp(seconds: float) -> str:
    ms = max(0, round(seconds * 1000))
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d},{ms:03d}"


def srt_text(cues: list[Cue]) -> str:
    blocks = []
    for number, cue in enumerate(cues, start=1):
        text = "\n".join(line for line in cue.text.splitlines() if line.strip()) or " "
        blocks.append(f"{number}\n{timestamp(cue.start)} --> {timestamp(cue.end)}\n{text}\n")
    return "\n".join(blocks)


def srt_path(mp4: Path) -> Path:
    """OUT.srt beside OUT.mp4."""
    return Path(mp4).with_suffix(".srt")


def write_srt(path: Path, cues: list[Cue]) -> Path:
    """Write the captions atomically (a reader never sees half a file)."""
    atomic.write_text(Path(path), srt_text(cues))
    return Path(path)


def parse_srt(text: str) -> list[Cue]:
    """Read SubRip text back (strict: numbered blocks, `a --> b` times), for checks and tests."""
    cues = []
    for number, block in enumerate(re.split(r"\n\s*\n", text.strip()), start=1):
        if not block.strip():
            continue
        lines = block.splitlines()
        if len(lines) < 3 or lines[0].strip() != str(number):
            raise ValueError(f"caption {number} is malformed: {block[:40]!r}")
        a, arrow, b = lines[1].partition(" --> ")
        if not arrow:
            raise ValueError(f"caption {number} has no times")
        cues.append(Cue(_seconds(a), _seconds(b), "\n".join(lines[2:])))
    return cues


def _seconds(text: str) -> float:
    m = _TIME.fullmatch(text.strip())
    if not m:
        raise ValueError(f"not an SRT time: {text!r}")
    h, mi, s, ms = map(int, m.groups())
    return h * 3600 + mi * 60 + s + ms / 1000
