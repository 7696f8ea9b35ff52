"""Dialogs: remix, blend and export."""
