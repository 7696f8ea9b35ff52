"""Storyboard Studio's editor: PySide6 views and controllers over the `studio` core."""
