"""The animatic: the embedded default engine that renders shots as moving storyboard panels."""

from studio.engine.animatic.backend import MODEL, AnimaticBackend

__all__ = ["MODEL", "AnimaticBackend"]
