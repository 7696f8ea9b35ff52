"""Timeline interchange with other editors (OpenTimelineIO)."""
