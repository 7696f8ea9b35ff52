"""Storyboard scripts: the TOML text format creators write by hand."""

from studio.script.storyboard import Storyboard, load_storyboard, parse_storyboard

__all__ = ["Storyboard", "load_storyboard", "parse_storyboard"]
