"""Storyboard Studio core: document model, storyboard scripts, presets, engine, compositor, export.

Importable without Qt or a display; torch/diffusers are imported only by the diffusion backend.
"""

__version__ = "0.1.0"
TOOL_NAME = "Storyboard Studio"
