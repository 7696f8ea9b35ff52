"""Export: the timeline as a watermarked H.264/AAC MP4 (faststart, AI-generated tags)."""

from studio.export.mp4 import ExportResult, export_project
from studio.export.settings import PLATFORMS, ExportSettings

__all__ = ["PLATFORMS", "ExportResult", "ExportSettings", "export_project"]
