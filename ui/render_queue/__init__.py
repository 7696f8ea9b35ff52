"""The render queue dock: one row per generation job."""

from ui.render_queue.panel import RenderQueuePanel
from ui.render_queue.row import JobRow

__all__ = ["JobRow", "RenderQueuePanel"]
