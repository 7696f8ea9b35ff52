"""The compositor: timeline → frames (fit modes, transitions, watermark), for export and preview."""

from studio.compose.compositor import Compositor
from studio.compose.fit import fit, placement
from studio.compose.sources import StillImage, TakeReader, open_source
from studio.compose.watermark import WATERMARK_TEXT, Watermark

__all__ = [
    "WATERMARK_TEXT",
    "Compositor",
    "StillImage",
    "TakeReader",
    "Watermark",
    "fit",
    "open_source",
    "placement",
]
