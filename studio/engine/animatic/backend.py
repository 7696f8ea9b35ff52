"""AnimaticBackend: the embedded default engine — moving storyboard panels, no GPU, no weights.

It speaks the same Backend protocol as the diffusion engine: a GenerationRequest in, progress,
previews and cancellation through the JobContext, a TakeResult (an H.264 file) out.
Deterministic for (prompt, seed, preset, cast): the same request gives the same frames; a cast
member looks the same in every shot that names it (characters.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np
from PIL import Image, UnidentifiedImageError

from studio.engine.animatic import operations as ops
from studio.engine.animatic.characters import CastLook, cast_look
from studio.engine.animatic.keyframes import KeyPicture
from studio.engine.animatic.layers import LayerShot
from studio.engine.animatic.prefetch import prefetch
from studio.engine.animatic.render import ShotRenderer, ShotSpec
from studio.engine.animatic.takefile import (
    TAKE_CODEC,
    TakeCodec,
    TakeWriter,
    codec_for,
    to_take_yuv,
)
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
# The legacy path's take encoder (x264 "ultrafast", crf 16): fast but up to 66 MB for a 3 s
# vertical take with a grainy look. Takes are now written with takefile.TAKE_CODEC.
ENCODER_PRESET = "ultrafast"
GENERATING = (Operation.GENERATE, Operation.REROLL, Operation.IMPORT)


class AnimaticBackend:
    """Renders shots as animated storyboard panels (see studio.engine.animatic).

    legacy=True keeps the path from before issue 17 (every frame through the per-frame
    painter, takes written with x264 ultrafast crf 16) so the bench can compare against it."""

    name = "animatic"

    def __init__(self, library: PresetLibrary | None = None, *, legacy: bool = False):
        self._library = library
        self.legacy = legacy

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
            if self.legacy:
                frames = _reported(prefetch(plan.frames), plan.count, ctx, request.previews)
                info = write_video(out, frames, plan.fps, preset=ENCODER_PRESET)
            else:
                codec = codec_for(preset.look.texture) if preset else TAKE_CODEC
                if request.operation == Operation.RETAKE:
                    from studio.engine.retake import RETAKE_CODEC

                    codec = RETAKE_CODEC  # the kept frames are encoded a second time
                info = _write_take(out, plan, ctx, request.previews, codec)
        except BaseException:
            out.unlink(missing_ok=True)  # a cancelled or failed job leaves nothing behind
            raise
        return self.describe(request, out, info, plan.params)

    def describe(
        self, request: GenerationRequest, path: Path, info, extra: dict | None = None
    ) -> TakeResult:
        """The TakeResult for a take of `request` written to `path` (info: its VideoInfo)."""
        preset = self._preset(request.preset)
        prompt, negative = preset.apply_prompt(request.prompt) if preset else (request.prompt, "")
        params = {
            "operation": request.operation.value,
            "preset": request.preset,
            "camera": request.camera.value,
            "seed": request.seed,
            "size": [info.width, info.height],
            **(extra or {}),
        }
        return TakeResult(
            path=path,
            width=info.width,
            height=info.height,
            fps=info.fps,
            frames=info.frames,
            engine=self.name,
            model=MODEL,
            prompt=prompt,
            negative_prompt=negative,
            params=params,
            cast=[c.key for c in request.cast],
            references=_reference_hashes(request),
        )

    # --- the fast path for fresh renders -------------------------------------------------
    def layer_shot(self, request: GenerationRequest, draft: bool = False) -> LayerShot:
        """The cached-layer frame source for a generate request (see parallel.py); draft:
        its frames at draft.draft_size (a review export nobody keeps the takes of)."""
        if request.operation not in GENERATING:
            raise InputError(
                f"only new shots render straight into an export, not '{request.operation.value}'",
                Location(field="operation"),
            )
        preset = self._preset(request.preset)
        size, count = planned_size(request)
        if draft:
            from studio.engine.animatic.draft import draft_shot

            return draft_shot(self._renderer(request, preset, size, request.fps, count, False))
        return LayerShot(self._renderer(request, preset, size, request.fps, count))

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
        size, count = planned_size(request)
        if op in GENERATING:
            renderer = self._renderer(request, preset, size, request.fps, count)
            if self.legacy:
                return ops.generate(renderer)
            shot = LayerShot(renderer)
            return ops.Plan((shot.frame(i) for i in range(count)), count, size, request.fps)
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
        if op == Operation.RETAKE:
            from studio.engine.animatic.retake import retake

            return retake(
                request, lambda size, fps, n: self._renderer(request, preset, size, fps, n)
            )
        raise InputError(f"the animatic cannot do '{op.value}'", Location(field="operation"))

    def _renderer(
        self,
        request: GenerationRequest,
        preset: StylePreset | None,
        size,
        fps,
        count,
        graded: bool = True,
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
            reference_strength=request.image_strength,
            keyframes=_keyframes(request),
            cast=cast_looks(request),
        )
        if look is not None:
            spec.look = look
        return ShotRenderer(spec, graded)


def planned_size(request: GenerationRequest) -> tuple[tuple[int, int], int]:
    """The (even) frame size and the frame count a generate request's take will have."""
    return _even(request.size or request.format.size), max(1, round(request.duration * request.fps))


def _write_take(out: Path, plan: ops.Plan, ctx: JobContext, previews: bool, codec: TakeCodec):
    """Encode the plan's frames as a take; BT.709 conversion runs ahead with the rendering."""
    w, h = plan.size
    even = (w - w % 2, h - h % 2)

    def converted():
        for rgb in plan.frames:
            if isinstance(rgb, av.VideoFrame):  # a retake's kept source frame: as it was
                yield None, rgb
                continue
            rgb = rgb[: even[1], : even[0]]
            yield rgb, to_take_yuv(rgb)

    writer = TakeWriter(out, even, plan.fps, codec)
    try:
        pairs = prefetch(converted())
        for _rgb_frame, yuv in _reported(pairs, plan.count, ctx, previews, rgb_of=_rgb):
            writer.write(yuv)
        if writer.count == 0:
            raise ValueError("no frames to write")
        return writer.finish()
    except BaseException:
        writer.abort()
        raise


def _rgb(item):
    return item[0] if item[0] is not None else item[1].to_ndarray(format="rgb24")


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


def _keyframes(request: GenerationRequest) -> list[KeyPicture]:
    """The in-between keyframes and the last frame (a keyframe at the end, held fully)."""
    keys = [
        KeyPicture(k.at, _image(k.image, f"keyframes.{i}.image"), k.strength)
        for i, k in enumerate(request.keyframes)
    ]
    if request.last_image:
        keys.append(KeyPicture(request.duration, _image(request.last_image, "last_image"), 1.0))
    return keys


def cast_looks(request: GenerationRequest) -> list[CastLook]:
    """How each named member is drawn: from the member alone (key, description, pictures), so
    it looks the same in every shot. A cameo's look comes from its handle; her profile
    pictures are never read here."""
    looks = []
    for i, ref in enumerate(request.cast):
        pictures = []
        if ref.cameo is None:
            pictures = [_image(p, f"cast.{i}.images.{j}") for j, p in enumerate(ref.images)]
        looks.append(cast_look(ref.key, ref.description, pictures))
    return looks


def _reference_hashes(request: GenerationRequest) -> list[str]:
    """sha256 of each fictional member's picture the take's look was drawn from."""
    out = []
    for ref in request.cast:
        if ref.cameo is None:
            out += [hashlib.sha256(Path(p).read_bytes()).hexdigest() for p in ref.images]
    return out


def _image(path: str, field: str) -> Image.Image:
    try:
        with Image.open(path) as img:
            return img.convert("RGB")
    except (OSError, UnidentifiedImageError) as exc:
        raise InputError(f"cannot read image: {exc}", Location(file=path, field=field)) from None


def _reported(
    frames: Iterator, total: int, ctx: JobContext, previews: bool, rgb_of=None
) -> Iterator:
    """Pass frames through, reporting progress and a preview per chunk; a cancel is checked
    after every frame, so quitting the editor mid-job is not held up by a whole chunk."""
    chunks = max(1, min(CHUNKS, total))
    bounds = [round(total * (c + 1) / chunks) for c in range(chunks)]
    chunk = 0
    for i, frame in enumerate(frames):
        yield frame
        if chunk < chunks and i + 1 >= bounds[chunk]:
            chunk += 1
            ctx.step(chunk, chunks, phase="rendering")
            if previews:
                ctx.preview(chunk, thumbnail(rgb_of(frame) if rgb_of else frame))
        ctx.check_cancelled()


def thumbnail(frame: np.ndarray, side: int = PREVIEW_SIDE) -> np.ndarray:
    img = Image.fromarray(frame)
    img.thumbnail((side, side), Image.Resampling.BILINEAR)
    return np.asarray(img)
