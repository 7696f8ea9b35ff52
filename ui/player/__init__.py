"""The preview player: the timeline through the compositor, with sound when there is a device."""

from ui.player.clock import MonotonicClock, PlaybackClock
from ui.player.widget import PreviewPlayer

__all__ = ["MonotonicClock", "PlaybackClock", "PreviewPlayer"]
