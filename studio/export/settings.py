"""Export settings: output format, size, frame rate, fit mode and codec settings, with presets for
the platforms creators publish to."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from studio.errors import InputError, Location
from studio.model import FitMode, OutputFormat, Project

# x264 speed presets an export may use. "ultrafast" is left out: it turns off CABAC and 8x8
# transforms, so the stream would be Constrained Baseline instead of the High profile we promise.
X264_PRESETS = ("superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow")
SAMPLE_RATES = (44_100, 48_000)
# Export quality: "final" uses the settings as given (x264 "medium" by default); "draft" trades
# compression for speed with x264 "superfast" (same bitrate cap, High profile) for quick
# reviews, and says so in the file's metadata.
QUALITIES = ("final", "draft")
DRAFT_PRESET = "superfast"
CAPTIONS = ("srt", "burn", "off")  # see studio.compose.captions
# ...and leaves out the analysis that costs most for least at a 10 Mbit/s draft (measured on
# 1080×1920 animatic frames: 14 ms of CPU a frame instead of superfast's 30, luma PSNR 29.9
# instead of 29.2 dB): B-frames, sub-partitions, adaptive quantisation, sub-pixel refinement,
# weighted prediction, scene-cut keyframes. CABAC and 8×8 transforms stay: still High profile.
DRAFT_X264_PARAMS = "bframes=0:partitions=none:aq-mode=0:subme=0:weightp=0:scenecut=0"


@dataclass(frozen=True)
class ExportSettings:
    """How to export. None means "as the project says" for format, fps and fit.

    Rate control: `video_bitrate` alone is average-bitrate encoding with a VBV cap of 1.5× (what
    platforms recommend); `crf` alone is constant quality; both together is constant quality
    capped at the bitrate."""

    format: OutputFormat | None = None
    size: tuple[int, int] | None = None  # (width, height); overrides the format's size
    fps: int | None = None
    fit: FitMode | None = None  # the default fit; a clip's own fit mode still wins
    video_bitrate: int | None = 10_000_000  # bits per second
    crf: int | None = None
    preset: str = "medium"  # x264 speed / compression trade-off
    keyframe_seconds: float = 2.0
    audio_bitrate: int = 192_000
    sample_rate: int = 48_000
    target_lufs: float | None = -14.0  # loudness normalisation; None leaves the mix as is
    platform: str | None = None  # the preset's name, for the export summary
    quality: str = "final"  # "final" or "draft" (see QUALITIES); set with with_quality()
    # the shots' spoken lines: "srt" beside the MP4, "burn" into the frames, or "off"
    captions: str = "off"

    # --- derived ------------------------------------------------------------------------
    def output_size(self, project: Project) -> tuple[int, int]:
        if self.size is not None:
            return (int(self.size[0]), int(self.size[1]))
        return (self.format or project.format).size

    def output_fps(self, project: Project) -> int:
        return self.fps or project.fps

    def output_fit(self, project: Project) -> FitMode:
        return self.fit or project.fit

    def with_quality(self, quality: str) -> ExportSettings:
        """These settings at a quality level: draft picks the fast encoder preset."""
        if quality not in QUALITIES:
            _bad("quality", f"'{quality}' is not one of {', '.join(QUALITIES)}")
        if quality == "draft":
            return self.replace(quality="draft", preset=DRAFT_PRESET)
        return self.replace(quality="final")

    def replace(self, **changes: object) -> ExportSettings:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    @classmethod
    def for_platform(cls, name: str, **changes: object) -> ExportSettings:
        """Settings for a platform preset (see PLATFORMS), optionally changed."""
        key = name.lower().strip()
        if key not in PLATFORMS:
            raise InputError(
                f"unknown platform '{name}' (choose from {', '.join(PLATFORMS)})",
                Location(field="platform"),
            )
        return PLATFORMS[key].replace(**changes)

    # --- checking -----------------------------------------------------------------------
    def validate(self, project: Project | None = None) -> None:
        """Raise InputError naming the field for settings the encoder cannot honour."""
        if self.size is not None:
            w, h = self.size
            if w < 16 or h < 16 or w > 8192 or h > 8192:
                _bad("size", f"{w}x{h} is outside 16..8192 pixels")
            if w % 2 or h % 2:
                _bad("size", f"{w}x{h}: width and height must be even for yuv420p")
        if self.fps is not None and not 1 <= self.fps <= 120:
            _bad("fps", f"{self.fps} is outside 1..120")
        if self.video_bitrate is None and self.crf is None:
            _bad("video_bitrate", "give a video bitrate, a crf, or both")
        if self.video_bitrate is not None and not 100_000 <= self.video_bitrate <= 200_000_000:
            _bad("video_bitrate", f"{self.video_bitrate} bit/s is outside 100 kbit/s..200 Mbit/s")
        if self.crf is not None and not 0 <= self.crf <= 51:
            _bad("crf", f"{self.crf} is outside 0..51")
        if self.quality not in QUALITIES:
            _bad("quality", f"'{self.quality}' is not one of {', '.join(QUALITIES)}")
        if self.captions not in CAPTIONS:
            _bad("captions", f"'{self.captions}' is not one of {', '.join(CAPTIONS)}")
        if self.preset not in X264_PRESETS:
            _bad("preset", f"'{self.preset}' is not one of {', '.join(X264_PRESETS)}")
        if not 0.1 <= self.keyframe_seconds <= 20:
            _bad("keyframe_seconds", f"{self.keyframe_seconds} is outside 0.1..20")
        if not 32_000 <= self.audio_bitrate <= 512_000:
            _bad("audio_bitrate", f"{self.audio_bitrate} bit/s is outside 32..512 kbit/s")
        if self.sample_rate not in SAMPLE_RATES:
            _bad("sample_rate", f"{self.sample_rate} Hz is not one of 44100, 48000")
        if self.target_lufs is not None and not -40 <= self.target_lufs <= -5:
            _bad("target_lufs", f"{self.target_lufs} LUFS is outside -40..-5")


def _bad(field: str, message: str) -> None:
    raise InputError(message, Location(field=f"export.{field}"))


# Platform presets, from the platforms' published upload recommendations.
PLATFORMS: dict[str, ExportSettings] = {
    "tiktok": ExportSettings(OutputFormat.VERTICAL, fps=30, video_bitrate=10_000_000, platform="tiktok"),
    "reels": ExportSettings(OutputFormat.VERTICAL, fps=30, video_bitrate=10_000_000, platform="reels"),
    "shorts": ExportSettings(OutputFormat.VERTICAL, fps=30, video_bitrate=10_000_000, platform="shorts"),
    # YouTube keeps the project's 24/25/30 fps: converting film-rate work to 30 judders.
    "youtube": ExportSettings(OutputFormat.WIDESCREEN, video_bitrate=8_000_000, platform="youtube"),
    "square": ExportSettings(OutputFormat.SQUARE, fps=30, video_bitrate=8_000_000, platform="square"),
}  # fmt: skip
