"""DiffusersBackend: open video-diffusion models run in-process, on the engine thread.

Keeps one pipeline loaded between jobs of the same model and releases it (emptying the CUDA
cache) on a model switch or release(). Every operation — generate, re-roll, remix, blend,
extend, loop — is one run of the family's text→video pipeline, steered through its latents:
a partial schedule from re-noised source latents (remix/blend/loop) or pinned known frames
(extend, first-frame image). torch and diffusers are imported inside methods only.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass, field

import numpy as np

from studio.engine.backend import JobContext
from studio.engine.diffusion import references as R
from studio.engine.diffusion import sources as S
from studio.engine.diffusion.kept import Kept, LatentStore, latents_key
from studio.engine.diffusion.plan import JobPlan, make_plan
from studio.engine.request import GenerationRequest, TakeResult
from studio.errors import Cancelled, EngineFailure
from studio.media.video import write_video
from studio.model import Operation
from studio.models.registry import ModelInfo, ModelRegistry

log = logging.getLogger(__name__)

LONG_JOB_S = 30.0  # sampling longer than this keeps its latents on disk until the take is saved


@dataclass
class Loaded:
    info: ModelInfo
    pipe: object
    device: str
    memory: dict
    factors: np.ndarray | None = None
    extra: dict = field(default_factory=dict)  # pipelines sharing its components (LTX-2)
    loras: dict = field(default_factory=dict)  # sha256 → adapter name of the LoRAs attached


@dataclass
class Start:
    """How a run starts: clean latents to re-noise (with strength), pinned frames, or noise."""

    clean: object = None  # (1, C, F, H, W) normalised latents
    strength: float = 1.0
    pins: object = None
    extra: dict = field(default_factory=dict)
    references: list = field(default_factory=list)  # PIL pictures (Wan VACE reference_images)


class DiffusersBackend:
    """The "diffusers" engine. `model` is a Hub id, folder path or folder name."""

    name = "diffusers"

    def __init__(
        self,
        model: str | None = None,
        device: str | None = None,
        steps: int | None = None,
        *,
        registry: ModelRegistry | None = None,
        vram_budget_gb: float | None = None,
        previews: bool = True,
        long_job_s: float = LONG_JOB_S,
    ):
        self.registry = registry or ModelRegistry()
        self.model = model
        self.device = device
        self.steps = steps
        env_budget = os.environ.get("STUDIO_VRAM_GB")
        self.vram_budget_gb = vram_budget_gb or (float(env_budget) if env_budget else None)
        self.previews = previews
        self.long_job_s = long_job_s
        self.last_latents: tuple[str, object] | None = None  # (job id, latents) of the last run
        self._kept: tuple[str, Kept] | None = None  # latents of a run whose take is not saved yet
        self._store = LatentStore()
        self._loaded: Loaded | None = None
        self._lock = threading.RLock()
        self._presets = None

    # --- models ---------------------------------------------------------------------------
    def model_info(self, name: str | None = None) -> ModelInfo:
        name = name or self.model
        if not name:
            raise EngineFailure("no diffusion model chosen (pass --model PATH_OR_ID)")
        return self.registry.resolve(name, kind="video")

    def load(self, name: str | None = None) -> Loaded:
        """Load (or keep) the model; a different model releases the current one first."""
        from studio.engine.diffusion.loader import apply_memory_plan, load_pipeline, pick_device

        info = self.model_info(name)
        device = pick_device(self.device)
        with self._lock:
            current = self._loaded
            if (
                current
                and current.info.path == info.path
                and current.info.revision == info.revision
            ):
                return current
            self.release()
            pipe = load_pipeline(info, device)
            memory = apply_memory_plan(pipe, device, self.vram_budget_gb)
            self._loaded = Loaded(info, pipe, device, memory)
            return self._loaded

    def release(self) -> None:
        from studio.engine.diffusion.loader import free_memory

        with self._lock:
            self._loaded = None
            self.last_latents = None
            self._kept = None  # what was kept on disk stays there for a retry
            free_memory()

    @property
    def loaded_model(self) -> ModelInfo | None:
        return self._loaded.info if self._loaded else None

    def _preset(self, name: str | None):
        if not name:
            return None
        if self._presets is None:
            from studio.presets.library import PresetLibrary

            self._presets = PresetLibrary()
        return self._presets.get(name)

    # --- the job --------------------------------------------------------------------------
    def generate(self, request: GenerationRequest, ctx: JobContext) -> TakeResult:
        from studio.engine.diffusion.loader import free_memory, is_out_of_memory

        ctx.check_cancelled()
        ctx.step(0, 1, phase="loading")
        loaded = self.load(request.model)
        self._info = {"offload": loaded.memory.get("offload", "none")}
        with self._lock:
            try:
                from studio.engine.diffusion.adapters import attach_loras

                uses = attach_loras(loaded, request.loras)  # and detaches the last job's
                result = self._generate(loaded, request, ctx)
                result.loras = uses
                return result
            except Cancelled:
                free_memory()
                raise
            except EngineFailure:
                free_memory()
                raise
            except Exception as exc:
                if is_out_of_memory(exc):
                    free_memory()
                    from studio.engine.diffusion.sampling import out_of_memory

                    raise out_of_memory("sampling", getattr(self, "_info", {})) from None
                raise

    def _generate(self, loaded: Loaded, request: GenerationRequest, ctx: JobContext) -> TakeResult:
        from studio.engine.diffusion.keyframes import check_keyframes

        check_keyframes(request, loaded.info.family)
        request, cast, used = R.condition(loaded.info.family, request, ctx.warn)
        result = self._dispatch(loaded, request, ctx, used)
        result.cast = list(cast.keys)
        result.references = [R.sha256_of(p) for p in used]  # `used` as the run trimmed it
        return result

    def _dispatch(
        self, loaded: Loaded, request: GenerationRequest, ctx: JobContext, used: list[str]
    ) -> TakeResult:
        references = used if loaded.info.family.references else []
        sound = loaded.info.family.produces_sound  # picture and sound from one run (LTX-2)
        if request.operation == Operation.RETAKE and not sound:  # kept frames condition the span
            from studio.engine.diffusion.retake import check_family

            check_family(loaded.info.family)
            return self._generate_video(loaded, request, ctx, references)
        if sound:  # a retake too: studio.engine.diffusion.ltx2_retake
            from studio.engine.diffusion.ltx2 import generate_ltx2

            return generate_ltx2(self, loaded, request, ctx)
        if loaded.info.family.condition == "LTXConditionPipeline":
            from studio.engine.diffusion.ltx_condition import (
                generate_ltx_keyframes,
                wants_conditions,
            )

            if wants_conditions(request):  # last / in-between frames: the condition pipeline
                return generate_ltx_keyframes(self, loaded, request, ctx)
        return self._generate_video(loaded, request, ctx, references)

    def plan_for(self, loaded: Loaded, request: GenerationRequest):
        """The job's size, frames, steps and prompt for the loaded model (one rule for the
        text/image-to-video path and the LTX condition pipeline)."""
        from studio.engine.diffusion import latents as L

        pipe, family = loaded.pipe, loaded.info.family
        _spatial, temporal = L.compression(pipe, family)
        return make_plan(
            request,
            family,
            self._preset(request.preset),
            L.size_multiple(pipe, family),
            temporal,
            self.steps,
        )

    def _generate_video(
        self,
        loaded: Loaded,
        request: GenerationRequest,
        ctx: JobContext,
        references: list[str] | None = None,
    ) -> TakeResult:
        from studio.engine.diffusion import latents as L
        from studio.engine.diffusion.previews import factors_for
        from studio.engine.diffusion.sampling import StepHook, decode_with_retry

        pipe, family, info = loaded.pipe, loaded.info.family, loaded.info
        spatial, temporal = L.compression(pipe, family)
        plan = self.plan_for(loaded, request)
        op = request.operation
        if op in (Operation.REMIX, Operation.BLEND, Operation.LOOP, Operation.EXTEND) or (
            op == Operation.REROLL and request.sources
        ):
            if not family.supports_v2v:
                raise EngineFailure(
                    f"{family.title} models cannot {op.value} yet; use LTX-Video or Wan"
                )
        frames, start, assemble = self._prepare(pipe, family, plan, request)
        if references:  # VACE pads one latent frame per picture: no more than the video has
            R.fit_to(references, (frames - 1) // temporal + 1, ctx.warn)
        start.references = [R.open_picture(p) for p in references or []]
        if start.references:
            start.extra["references"] = len(start.references)
        geom = L.geometry(pipe, family, frames, plan.height, plan.width)
        self._info = meta = {
            "size": plan.size,
            "frames": frames,
            "steps": plan.steps,
            **loaded.memory,
        }
        key = latents_key(model_fields(loaded), plan, request, frames, references or [])
        kept = self._find_kept(key)
        if kept is None:
            if self.previews and request.previews and loaded.factors is None:
                loaded.factors = factors_for(pipe, family, info.revision)
            hook = StepHook(
                ctx,
                family,
                geom,
                loaded.factors if request.previews else None,
                start.pins,
                self.previews and request.previews,
                lead=len(start.references),
            )
            result, sampled_s = self._sample(pipe, family, plan, request, start, frames, geom, hook)
            kept = Kept(
                result,
                {
                    "job": ctx.job_id,
                    "steps_run": hook.steps_done,
                    "sampled_s": round(sampled_s, 2),
                    "model": info.id,
                    "seed": request.seed,
                    "prompt": plan.prompt,
                },
            )
            self._kept = (key, kept)
            if sampled_s > self.long_job_s:  # a crash in the decode must not lose this
                meta["latents_file"] = str(self._keep_on_disk(key, kept))
        else:
            hook = StepHook(ctx, family, geom, None, None, False)
            hook.steps_done = kept.info.get("steps_run", plan.steps)
            meta["reused_latents"] = True
            log.info("job %s: reusing sampled latents %s; decoding only", ctx.job_id, key)
        result = kept.latents
        self.last_latents = (ctx.job_id, result)
        ctx.check_cancelled()
        ctx.step(0, 1, phase="decoding")
        try:
            pixels = decode_with_retry(pipe, family, result, geom, request.seed, meta)
        except Cancelled:
            raise
        except Exception as exc:
            raise self._decode_failed(exc, key, kept, meta) from exc
        out, fps = assemble(pixels)
        out = apply_preset_look(out, plan, request.seed)
        path = ctx.output_dir / "take.mp4"
        if op == Operation.RETAKE:  # `out` is the span; the rest is the source's own frames
            from studio.engine.retake import write_spliced

            video = write_spliced(path, request, out)
        else:
            video = write_video(path, out, fps)
        self._forget(key)  # the take is the durable result now
        return TakeResult(
            path=path,
            width=video.width,
            height=video.height,
            fps=fps,
            frames=video.frames,
            engine=self.name,
            model=info.id,
            prompt=plan.prompt,
            negative_prompt=plan.negative_prompt,
            params=self._params(loaded, plan, request, frames, hook, start, meta),
        )

    def _sample(self, pipe, family, plan: JobPlan, request, start: Start, frames: int, geom, hook):
        """One pipeline run to latents (never decoded here); returns (latents, seconds)."""
        import torch

        from studio.engine.diffusion import latents as L
        from studio.engine.diffusion.sampling import prompt_kwargs

        device = pipe._execution_device
        kwargs = dict(
            height=plan.height,
            width=plan.width,
            num_frames=frames,
            num_inference_steps=plan.steps,
            guidance_scale=plan.guidance,
            generator=torch.Generator("cpu").manual_seed(request.seed),
            output_type="latent",
            callback_on_step_end=hook,
            max_sequence_length=family.max_sequence_length,
            **prompt_kwargs(pipe, family, plan, plan.guidance, device),
        )
        if family.layout == "packed":
            kwargs["frame_rate"] = plan.fps
        lead = len(start.references)  # VACE samples one latent frame per picture in front
        if lead:
            kwargs["reference_images"] = list(start.references)
        began = time.perf_counter()
        if start.clean is not None:
            first = L.from_video(pipe, family, start.clean, geom).to(device, torch.float32)
            if lead:
                head = torch.zeros_like(first[:, :, :1]).expand(-1, -1, lead, -1, -1)
                first = torch.cat([head, first], dim=2)
            first = first.contiguous()
            noise = torch.randn(
                first.shape, generator=torch.Generator("cpu").manual_seed(request.seed + 1)
            )
            with L.partial_schedule(pipe.scheduler, start.strength, first, noise):
                result = pipe(latents=first, **kwargs).frames
        else:
            result = pipe(**kwargs).frames
        if lead:  # the reference frames are the model's, not the shot's
            result = result[:, :, lead:]
        return result, time.perf_counter() - began

    # --- kept latents (a retry after a failed decode only decodes) ---------------------------
    def _find_kept(self, key: str) -> Kept | None:
        if self._kept and self._kept[0] == key:
            return self._kept[1]
        return self._store.load(key)

    def _keep_on_disk(self, key: str, kept: Kept):
        path = self._store.tensor_path(key)
        if not path.is_file():
            path = self._store.save(key, kept.latents, kept.info)
        return path

    def _forget(self, key: str) -> None:
        self._kept = None
        self._store.discard(key)

    def _decode_failed(self, exc: BaseException, key: str, kept: Kept, meta: dict) -> EngineFailure:
        """Keep the sampling on disk (Retry, even after a restart, only decodes) and say so."""
        from studio.engine.diffusion.sampling import decode_failure

        try:
            meta["latents_file"] = str(self._keep_on_disk(key, kept))
        except Exception:
            log.exception("could not keep the sampled latents on disk")
        return decode_failure(exc, meta)

    def _params(self, loaded, plan: JobPlan, request, frames, hook, start, meta) -> dict:
        info, pipe = loaded.info, loaded.pipe
        params = {
            "model": info.id,
            "revision": info.revision,
            "commit": info.commit,
            "family": info.family.name,
            "pipeline": pipe.__class__.__name__,
            "scheduler": pipe.scheduler.__class__.__name__,
            "steps": plan.steps,
            "steps_run": hook.steps_done,
            "guidance": plan.guidance,
            "size": [plan.width, plan.height],
            "frames": frames,
            "fps": plan.fps,
            "seed": request.seed,
            "prompt": plan.prompt,
            "negative_prompt": plan.negative_prompt,
            "operation": request.operation.value,
            "device": loaded.device,
            "offload": meta.get("offload", "none"),
            "vae_tiling": bool(meta.get("vae_tiling")),
            "dtype": str(next(pipe.transformer.parameters()).dtype).replace("torch.", ""),
            "previews": hook.gate.made,
        }
        if meta.get("reused_latents"):
            params["reused_latents"] = True  # sampled by an earlier, failed run of this request
        if start.clean is not None:
            params["strength"] = start.strength
        if plan.prompt_b:
            params.update(prompt_b=plan.prompt_b, prompt_weight=request.prompt_weight)
        if request.operation == Operation.BLEND:
            params["blend_curve"] = list(request.blend_curve)
        if request.operation == Operation.EXTEND:
            params.update(
                extend_seconds=request.extend_seconds, extend_backwards=request.extend_backwards
            )
        params.update(start.extra)
        return params

    # --- operations -----------------------------------------------------------------------
    def _prepare(self, pipe, family, plan: JobPlan, request: GenerationRequest):
        """Frames to generate, how the run starts, and how decoded frames become the take."""
        op = request.operation
        srcs = request.sources
        if op == Operation.BLEND:
            return self._blend(pipe, family, plan, request)
        if op == Operation.EXTEND:
            return self._extend(pipe, family, plan, request)
        if op == Operation.LOOP:
            return self._loop(pipe, family, plan, request)
        if op == Operation.RETAKE:
            from studio.engine.diffusion.retake import prepare_retake

            return prepare_retake(pipe, family, plan, request)
        if op == Operation.REMIX or (op == Operation.REROLL and srcs):
            return self._remix(pipe, family, plan, request)
        return self._text_to_video(pipe, family, plan, request)

    def _need(self, request, n: int):
        if len(request.sources) < n:
            raise EngineFailure(
                f"{request.operation.value} needs {n} source take(s), got {len(request.sources)}"
            )

    def _text_to_video(self, pipe, family, plan, request):
        from studio.engine.diffusion import latents as L

        start = Start()
        image = request.image  # never a cameo's picture: a real person is not a plain frame
        if image:
            clean = L.encode_frames(pipe, family, S.load_image(image, plan.size))
            start.pins = L.Pins(clean, _noise_like(clean, request.seed + 2))
            start.extra["first_frame"] = os.path.basename(image)
        if request.last_image:  # held as the last latent frame, as the first one is
            tail = L.encode_frames(pipe, family, S.load_image(request.last_image, plan.size))
            if start.pins is None:
                start.pins = L.Pins(None, None)
            start.pins.tail = tail
            start.pins.tail_noise = _noise_like(tail, request.seed + 3)
            start.extra["last_frame"] = os.path.basename(request.last_image)
        return plan.frames, start, lambda px: (px, plan.fps)

    def _remix(self, pipe, family, plan, request):
        self._need(request, 1)
        src = request.sources[0]
        frames_in = S.read_source(src)
        n = plan.frames_for(len(frames_in) / src.fps)
        start = Start(_encode_clip(pipe, family, frames_in, n, plan.size), request.strength)
        return n, start, lambda px: (px, plan.fps)

    def _blend(self, pipe, family, plan, request):
        from studio.engine.diffusion import latents as L

        self._need(request, 2)
        za, zb = (
            _encode_clip(pipe, family, S.read_source(s), plan.frames, plan.size)
            for s in request.sources[:2]
        )
        weights = S.curve_at(request.blend_curve, np.linspace(0, 1, za.shape[2]))
        start = Start(L.blend_over_time(za, zb, weights), request.strength)
        return plan.frames, start, lambda px: (px, plan.fps)

    def _extend(self, pipe, family, plan, request):
        from studio.engine.diffusion import latents as L

        self._need(request, 1)
        if request.extend_seconds <= 0:
            raise EngineFailure("extend needs extend_seconds > 0")
        src = request.sources[0]
        source = S.fit(S.read_source(src), plan.size)
        seq = source[::-1] if request.extend_backwards else source
        context_n = plan.frame_multiple + 1  # two latent frames of context
        context = S.retime(seq, src.fps, plan.fps)[-context_n:]
        if len(context) < context_n:
            context = np.concatenate([np.repeat(context[:1], context_n - len(context), 0), context])
        new_n = max(1, round(request.extend_seconds * plan.fps))
        frames = plan.frames_for((context_n + new_n) / plan.fps)
        clean = L.encode_frames(pipe, family, context)
        start = Start(pins=L.Pins(clean, _noise_like(clean, request.seed + 2)))
        start.extra["context_frames"] = context_n
        added = max(1, round(request.extend_seconds * src.fps))

        def assemble(px):
            cont = S.retime(px[context_n:], plan.fps, src.fps, count=added)
            if request.extend_backwards:
                return np.concatenate([cont[::-1], source]), src.fps
            return np.concatenate([source, cont]), src.fps

        return frames, start, assemble

    def _loop(self, pipe, family, plan, request):
        from studio.engine.diffusion import latents as L

        self._need(request, 1)
        src = request.sources[0]
        source = S.read_source(src)
        n = plan.frames_for(len(source) / src.fps)
        z = _encode_clip(pipe, family, source, n, plan.size)
        weights = S.loop_weights(z.shape[2], tail=max(1, z.shape[2] // 3))
        start = Start(L.blend_over_time(z, z[:, :, :1].expand_as(z), weights), request.strength)

        def assemble(px):
            out = S.stretch(px, len(source))
            return S.crossfade_into_start(out, max(1, len(source) // 12)), src.fps

        return n, start, assemble


def _noise_like(tensor, seed: int):
    import torch

    return torch.randn(tensor.shape, generator=torch.Generator("cpu").manual_seed(seed))


def apply_preset_look(frames: np.ndarray, plan: JobPlan, seed: int) -> np.ndarray:
    """The style preset's look, after decoding (skipped when look.py is not available)."""
    if plan.preset is None:
        return frames
    try:
        from studio.presets.look import apply_look, is_neutral
    except ImportError:
        log.info("studio.presets.look not available; preset look skipped")
        return frames
    if is_neutral(plan.preset.look):
        return frames
    return apply_look(frames, plan.preset.look, 0, seed)


def model_fields(loaded: Loaded) -> dict:
    """What names the weights and the sampler, for the kept-latents key."""
    info, pipe = loaded.info, loaded.pipe
    return {
        "id": info.id,
        "revision": info.revision,
        "commit": info.commit,
        "family": info.family.name,
        "pipeline": pipe.__class__.__name__,
        "scheduler": pipe.scheduler.__class__.__name__,
    }


def _encode_clip(pipe, family, frames: np.ndarray, count: int, size: tuple[int, int]):
    """A source clip retimed to `count` frames, fitted to the generation size, as latents."""
    from studio.engine.diffusion import latents as L

    return L.encode_frames(pipe, family, S.fit(S.stretch(frames, count), size))
