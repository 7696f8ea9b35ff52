"""Output formats a creator picks for a project: vertical, widescreen, square."""

from __future__ import annotations

from enum import StrEnum

SUPPORTED_FPS = (24, 25, 30)


class OutputFormat(StrEnum):
    VERTICAL = "vertical"
    WIDESCREEN = "widescreen"
    SQUARE = "square"

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of the full-resolution export."""
        return _SIZES[self]

    @property
    def aspect(self) -> float:
        w, h = self.size
        return w / h

    def scaled(self, max_side: int) -> tuple[int, int]:
        """A smaller even-sized frame of the same aspect, e.g. for previews."""
        w, h = self.size
        k = min(1.0, max_side / max(w, h))
        return max(2, int(w * k) // 2 * 2), max(2, int(h * k) // 2 * 2)


_SIZES = {
    OutputFormat.VERTICAL: (1080, 1920),
    OutputFormat.WIDESCREEN: (1920, 1080),
    OutputFormat.SQUARE: (1080, 1080),
}


class FitMode(StrEnum):
    """How a take whose aspect differs from the output is fitted into it."""

    COVER = "cover"  # crop to fill
    CONTAIN = "contain"  # letterbox / pillarbox
    BLUR = "blur"  # fill the bars with a blurred, enlarged copy
