"""Without PortAudio, `import sounddevice` raises OSError: the player must run silent and say so."""

from __future__ import annotations

import importlib.abc
import sys

from studio.audio.playback import AudioPlayer


class _NoPortAudio(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "sounddevice":
            raise OSError("PortAudio library not found")
        return None


def test_player_without_portaudio_is_silent_with_one_clear_notice(monkeypatch):
    monkeypatch.delitem(sys.modules, "sounddevice", raising=False)
    monkeypatch.setattr(sys, "meta_path", [_NoPortAudio(), *sys.meta_path])
    notices = []
    player = AudioPlayer(None, None, on_notice=notices.append)
    assert not player.available
    assert "PortAudio library not found" in player.status_message
    player.play(1.0)
    player.pause()
    assert player.clock() >= 1.0  # the picture still has a clock to follow
    assert len(notices) <= 1
