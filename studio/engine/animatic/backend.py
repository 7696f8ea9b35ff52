"""AnimaticBackend: the embedded default engine — moving storyboard panels, no GPU, no weights.

It speaks the same Backend protocol as the diffusion engine: a GenerationRequest in, progress,
previews and cancellation through the JobContext, a TakeResult (an H.264 file) out.
Deterministic for (prompt, seed, preset): the same request gives the same frames.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from studio.engine.animatic import operations as ops
from studio.engine.animatic.prefetch import prefetch
from studio.engine.animatic.render import ShotRenderer, ShotSpec
from studio.engine.backend import JobContext
from studio.engine.request import GenerationRequest, TakeResult
from studio.errors import InputError, Location
from studio.media.video import write_video
from studio.model import Operation
from studio.presets.library import PresetLibrary
from studio.presets.preset import StylePreset

MODEL = "animatic-v1"
CHUNKS = 8  # progress / preview / cancel points per job
PREVIEW_SIDE = 256
# The animatic is the quick engine: x264 "ultrafast" encodes its takes 3–5× faster than
# "veryfast" at the same quality (crf); files are as small for clean looks, ~2× for grainy ones.
ENCODER_PRESET = "ultrafast"


class AnimaticBackend:
    """Renders shots as animated storyboard panels (see studio.engine.animatic)."""

    name = "animatic"

    def __init__(self, library: PresetLibrary | None = None):
        self._library = library

    def release(self) -> None:
        """Nothing is held between jobs."""

    # --- the protocol -------------------------------------------------------------------
    def generate(self, request: GenerationRequest, ctx: JobContext) -> TakeResult:
        ctx.check_cancelled()
        preset = self._preset(request.preset)
        plan = self._plan(request, preset)
        out = Path(ctx.output_dir) / "take.mp4"
        out.parent.mkdir(parents=True, exist_ok=True)
        try:
            frames = _reported(prefetch(plan.frames), plan.count, ctx, request.previews)
            info = write_video(out, frames, plan.fps, preset=ENCODER_PRESET)
        except BaseException:
            out.unlink(missing_ok=True)  # a cancelled or failed job leaves nothing behind
            raise
        prompt, negative = preset.apply_prompt(request.prompt) if preset else (request.prompt, "")
        params = {
            "operation": request.operation.value,
            "preset": request.preset,
            "camera": request.camera.value,
            "seed": request.seed,
            "size": [info.width, info.height],
            **plan.params,
        }
        return TakeResult(
            path=out,
            width=info.width,
            height=info.height,
            fps=info.fps,
            frames=info.frames,
            engine=self.name,
            model=MODEL,
            prompt=prompt,
            negative_prompt=negative,
            params=params,
        )

    # --- planning -----------------------------------------------------------------------
    def _preset(self, name: str | None) -> StylePreset | None:
        if not name:
            return None
        library = self._library or PresetLibrary()
        try:
            return library.get(name)
        except InputError as exc:
            raise InputError(exc.message, Location(field="preset")) from None

    def _plan(self, request: GenerationRequest, preset: StylePreset | None) -> ops.Plan:
        op = request.operation
        size = _even(request.size or request.format.size)
        count = max(1, round(request.duration * request.fps))
        if op in (Operation.GENERATE, Operation.REROLL, Operation.IMPORT):
            return ops.generate(self._renderer(request, preset, size, request.fps, count))
        if op == Operation.REMIX:
            src = _sources(request, 1)[0]
            renderer = self._renderer(request, preset, size, request.fps, count)
            return ops.remix(renderer, src, request.strength)
        if op == Operation.BLEND:
            a, b = _sources(request, 2)
            return ops.blend(a, b, request.blend_curve, size, request.fps, count, request.seed)
        if op == Operation.EXTEND:
            src = _sources(request, 1)[0]
            if request.extend_seconds <= 0:
                raise InputError(
                    "extend needs extend_seconds > 0", Location(field="extend_seconds")
                )
            info = ops.source_info(src)
            fps = src.fps or info.fps
            n = max(1, round(request.extend_seconds * fps))
            renderer = self._renderer(request, preset, (info.width, info.height), fps, n)
            return ops.extend(
                renderer, src, request.extend_backwards, max(2, round(request.duration * fps))
            )
        if op == Operation.LOOP:
            return ops.loop(_sources(request, 1)[0])
        raise InputError(f"the animatic cannot do '{op.value}'", Location(field="operation"))

    def _renderer(
        self, request: GenerationRequest, preset: StylePreset | None, size, fps, count
    ) -> ShotRenderer:
        look = preset.look if preset else None
        spec = ShotSpec(
            prompt=request.prompt,
            seed=request.seed,
            size=size,
            fps=float(fps),
            frames=count,
            camera=request.camera,
            palette=list(look.palette) if look else [],
            reference=_image(request.image, "image") if request.image else None,
            cameo_images=[
                _image(p, f"cameo_images.{i}") for i, p in enumerate(request.cameo_images)
            ],
            cameo_handles=list(request.cameos),
            prompt_b=request.prompt_b,
            prompt_weight=request.prompt_weight,
        )
        if look is not None:
            spec.look = look
        return ShotRenderer(spec)


def _sources(request: GenerationRequest, needed: int):
    if len(request.sources) < needed:
        what = "two source takes" if needed == 2 else "a source take"
        raise InputError(f"{request.operation.value} needs {what}", Location(field="sources"))
    return request.sources[:needed]


def _even(size: tuple[int, int]) -> tuple[int, int]:
    w, h = size
    if w < 2 or h < 2:
        raise InputError(f"size {w}x{h} is too small", Location(field="size"))
    return w - w % 2, h - h % 2


def _image(path: str, field: str) -> Image.Image:
    try:
        with Image.open(path) as img:
            return img.convert("RGB")
    except (OSError, UnidentifiedImageError) as exc:
        raise InputError(f"cannot read image: {exc}", Location(file=path, field=field)) from None


def _reported(
    frames: Iterator[np.ndarray], total: int, ctx: JobContext, previews: bool
) -> Iterator[np.ndarray]:
    """Pass frames through, reporting progress, a preview and a cancel check per chunk."""
    chunks = max(1, min(CHUNKS, total))
    bounds = [round(total * (c + 1) / chunks) for c in range(chunks)]
    chunk = 0
    for i, frame in enumerate(frames):
        yield frame
        if chunk < chunks and i + 1 >= bounds[chunk]:
            chunk += 1
            ctx.step(chunk, chunks, phase="rendering")
            if previews:
                ctx.preview(chunk, thumbnail(frame))
            ctx.check_cancelled()


def thumbnail(frame: np.ndarray, side: int = PREVIEW_SIDE) -> np.ndarray:
    img = Image.fromarray(frame)
    img.thumbnail((side, side), Image.Resampling.BILINEAR)
    return np.asarray(img)
