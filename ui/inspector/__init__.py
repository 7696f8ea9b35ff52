"""The inspector: edits whatever is selected (a shot or a timeline clip)."""

from ui.inspector.panel import InspectorPanel

__all__ = ["InspectorPanel"]
