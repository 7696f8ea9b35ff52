"""LTX-2: one pipeline run gives the picture and its sound.

The family's pipelines denoise video and audio latents together, so a shot's sound is born in
sync with its picture (speech with lip movement, effects with what happens). This runs the
pipeline to decoded frames and waveform in one call — text→video, or LTX2ConditionPipeline
when the shot has a first/last frame or keyframes — and, when a latent upsampler is installed
for the model (ModelInfo.upsampler), two stages: a half-size pass, the upsampler, then a short
refine at full size. The take's video and sound files come from the same seed and the same
frame count; the sound is cut or padded with silence to the picture's exact length (never
looped: that would break sync). A retake of a span runs the condition pipeline once, one
stage, over the whole take (studio.engine.diffusion.ltx2_retake). torch and diffusers are
imported here, inside functions.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np

from studio.engine.backend import JobContext
from studio.engine.diffusion.dialogue import prompt_with_dialogue
from studio.engine.diffusion.keyframes import (
    FrameCondition,
    check_keyframes,
    frame_conditions,
    open_image,
)
from studio.engine.diffusion.plan import JobPlan, frames_covering, make_plan
from studio.engine.request import GenerationRequest, SoundResult, TakeResult
from studio.errors import EngineFailure
from studio.model import Operation

SOUND_RATE = 48_000  # sound takes are 48 kHz stereo, as every other sound take
REFINE_STRENGTH = 0.4  # the second stage re-noises the upsampled latents this much


class StepCallback:
    """callback_on_step_end for LTX-2: stop on cancel, report the step (no latent previews:
    the packed audio-video latents have no cheap RGB projection)."""

    def __init__(self, ctx: JobContext, total: int, offset: int = 0):
        self.ctx, self.total, self.offset = ctx, total, offset
        self.steps_done = 0

    def __call__(self, pipe, i: int, t, kwargs: dict) -> dict:
        self.ctx.check_cancelled()
        self.steps_done = self.offset + i + 1
        self.ctx.step(self.steps_done, self.total)
        return {}


def ltx2_plan(request: GenerationRequest, family, pipe, preset, steps, two_stage: bool) -> JobPlan:
    """Size on the (two-stage) multiple, 8k+1 frames at 24 or 25 fps (the project's rate
    when the model knows it)."""
    spatial = int(pipe.vae_spatial_compression_ratio)
    temporal = int(pipe.vae_temporal_compression_ratio)
    multiple = max(spatial, family.size_multiple) * (2 if two_stage else 1)
    plan = make_plan(request, family, preset, multiple, max(temporal, 1), steps)
    fps = request.fps if request.fps in family.fps_choices else family.fps
    frames = frames_covering(round(request.duration * fps), max(temporal, 1))
    return replace(plan, fps=fps, frames=frames)


def call_kwargs(pipe, family, plan: JobPlan, prompt: str, seed: int, callback) -> dict:
    """The pipeline arguments of one run (the bench's direct call uses the same)."""
    import torch

    tokenizer_max = int(getattr(pipe.tokenizer, "model_max_length", 1024) or 1024)
    kwargs = dict(
        prompt=prompt,
        negative_prompt=plan.negative_prompt or "",
        height=plan.height,
        width=plan.width,
        num_frames=plan.frames,
        frame_rate=float(plan.fps),
        num_inference_steps=plan.steps,
        guidance_scale=plan.guidance,
        generator=torch.Generator("cpu").manual_seed(seed),
        max_sequence_length=max(8, min(family.max_sequence_length, tokenizer_max) // 8 * 8),
        output_type="np",
        callback_on_step_end=callback,
    )
    if plan.guidance <= 1.0:  # no guidance: one transformer pass per step, audio included
        kwargs.update(
            audio_guidance_scale=1.0,
            stg_scale=0.0,
            audio_stg_scale=0.0,
            modality_scale=1.0,
            audio_modality_scale=1.0,
        )
    return kwargs


def load_conditions(conds: list[FrameCondition], grid: int, request: GenerationRequest) -> list:
    """LTX2VideoCondition per image. The pipeline takes *latent* frame indices: frame 0 is
    latent 0, frame 1 + k·grid is latent k + 1."""
    from diffusers.pipelines.ltx2.pipeline_ltx2_condition import LTX2VideoCondition

    out = []
    for cond in conds:
        frame = open_image(cond)
        latent = 0 if cond.index == 0 else (cond.index - 1) // max(grid, 1) + 1
        out.append(LTX2VideoCondition(frames=frame, index=latent, strength=float(cond.strength)))
    return out


def generate_ltx2(backend, loaded, request: GenerationRequest, ctx: JobContext) -> TakeResult:
    """Picture and sound of one shot from one run; the TakeResult carries both files."""
    from studio.audio.wavfile import write_wav
    from studio.engine.sound.diffusers_audio import to_stereo_48k
    from studio.media.video import write_video

    pipe, info = loaded.pipe, loaded.info
    family = info.family
    check_keyframes(request, family)
    retake = request.operation == Operation.RETAKE
    if not retake and (
        request.operation not in (Operation.GENERATE, Operation.REROLL) or request.sources
    ):
        raise EngineFailure(
            f"{family.title} models cannot {request.operation.value} yet (picture and sound "
            "are generated together); generate the shot again, or use LTX-Video or Wan"
        )
    two_stage = info.upsampler is not None and not retake  # a retake runs one stage
    plan = ltx2_plan(
        request, family, pipe, backend._preset(request.preset), backend.steps, two_stage
    )
    prompt = prompt_with_dialogue(plan.prompt, request.dialogue, family)
    temporal = int(pipe.vae_temporal_compression_ratio)
    span = None
    if retake:  # the kept frames are the run's conditions; no keyframes of the shot's
        from studio.engine.diffusion import ltx2_retake

        span = ltx2_retake.prepare(request, plan.frames, plan.size, temporal)
        conds = []
    else:
        conds = frame_conditions(request, plan.frames, plan.fps, temporal)
    runner = condition_pipe(loaded) if conds or span else pipe
    total = plan.steps + (refine_steps(plan.steps) if two_stage else 0)
    hook = StepCallback(ctx, total)
    kwargs = call_kwargs(runner, family, plan, prompt, request.seed, hook)
    if conds:
        kwargs["conditions"] = load_conditions(conds, temporal, request)
    if span is not None:
        kwargs["conditions"] = span.conditions
    began = time.perf_counter()
    if two_stage:
        video, audio = _two_stage(loaded, runner, kwargs, plan, ctx, hook)
    else:
        out = runner(**kwargs)
        video, audio = out.frames, out.audio
    sampled_s = time.perf_counter() - began
    ctx.check_cancelled()
    frames = (np.clip(np.asarray(video[0], np.float32), 0, 1) * 255 + 0.5).astype(np.uint8)
    model_rate = int(pipe.vocoder.config.output_sampling_rate)
    wave = _to_numpy(audio)[0]  # (channels, samples)
    model_samples = int(wave.shape[-1])
    sound = to_stereo_48k(wave, model_rate)
    video_path = ctx.output_dir / "take.mp4"
    fps, shape = plan.fps, frames.shape[:3]
    if span is None:
        sound = _fit_silence(sound, round(frames.shape[0] / plan.fps * SOUND_RATE))
        write_video(video_path, frames, plan.fps)
    else:  # the run's span into the source's picture and sound
        from studio.engine.retake import write_spliced

        fps = span.fps
        sound = _fit_silence(sound, round(span.count / span.fps * SOUND_RATE))
        src = request.sources[0]
        kept = ltx2_retake.read_sound(Path(src.sound), SOUND_RATE) if src.sound else None
        sound = ltx2_retake.splice_sound(kept, sound, span.range_s, SOUND_RATE)
        frames = span.span(frames)  # the rest is the source's own frames, in the file
        written = write_spliced(video_path, request, frames)
        shape = (written.frames, written.height, written.width)
    sound_path = write_wav(ctx.output_dir / "take-sound.wav", sound, SOUND_RATE)
    params = {
        "model": info.id,
        "revision": info.revision,
        "commit": info.commit,
        "family": family.name,
        "pipeline": runner.__class__.__name__,
        "scheduler": pipe.scheduler.__class__.__name__,
        "steps": plan.steps,
        "steps_run": hook.steps_done,
        "guidance": plan.guidance,
        "size": [plan.width, plan.height],
        "frames": int(shape[0]),
        "fps": fps,
        "seed": request.seed,
        "prompt": prompt,
        "negative_prompt": plan.negative_prompt,
        "operation": request.operation.value,
        "device": loaded.device,
        "offload": loaded.memory.get("offload", "none"),
        "dtype": str(next(pipe.transformer.parameters()).dtype).replace("torch.", ""),
        "sound_with_picture": True,
        "two_stage": two_stage,
        "sampled_s": round(sampled_s, 2),
    }
    if request.dialogue:
        params["dialogue"] = [line.model_dump() for line in request.dialogue]
    if conds:
        params["conditions"] = [
            {"what": c.what, "frame": c.index, "strength": c.strength} for c in conds
        ]
    if two_stage:
        params["upsampler"] = str(info.upsampler)
    if span is not None:
        params.update(span.extra, frames=plan.frames)  # the run's frames, as other retakes say
    return TakeResult(
        path=video_path,
        width=int(shape[2]),
        height=int(shape[1]),
        fps=fps,
        frames=int(shape[0]),
        engine=backend.name,
        model=info.id,
        prompt=prompt,
        negative_prompt=plan.negative_prompt,
        params=params,
        sound=SoundResult(
            path=sound_path,
            sample_rate=SOUND_RATE,
            samples=int(sound.shape[0]),
            channels=2,
            model_sample_rate=model_rate,
            model_samples=model_samples,
        ),
    )


def refine_steps(steps: int) -> int:
    return max(1, round(steps * REFINE_STRENGTH))


def _two_stage(loaded, runner, kwargs: dict, plan: JobPlan, ctx: JobContext, hook):
    """Half size to latents, the latent upsampler (2×), a short refine at full size."""
    upsampler = upsample_pipe(loaded)
    first = dict(kwargs, height=plan.height // 2, width=plan.width // 2, output_type="latent")
    out = runner(**first)
    ctx.check_cancelled()
    up = upsampler(
        latents=out.frames,
        height=plan.height // 2,
        width=plan.width // 2,
        num_frames=plan.frames,
        output_type="latent",
        return_dict=False,
    )[0]
    ctx.check_cancelled()
    hook.offset = plan.steps
    second = dict(
        kwargs,
        latents=up,
        audio_latents=out.audio,
        num_inference_steps=refine_steps(plan.steps),
        noise_scale=REFINE_STRENGTH,
    )
    second.pop("conditions", None)  # the refine keeps what stage one made of them
    out = loaded.pipe(**second)
    return out.frames, out.audio


def condition_pipe(loaded):
    """LTX2ConditionPipeline over the loaded model's components (no second copy)."""
    extra = loaded.extra
    if "condition" not in extra:
        from diffusers import LTX2ConditionPipeline

        pipe = LTX2ConditionPipeline.from_pipe(loaded.pipe)
        pipe.set_progress_bar_config(disable=True)
        extra["condition"] = pipe
    return extra["condition"]


def upsample_pipe(loaded):
    """The installed latent upsampler, loaded once (safetensors, offline) onto the model's device."""
    extra = loaded.extra
    if "upsampler" not in extra:
        from diffusers import LTX2LatentUpsamplePipeline

        folder = Path(loaded.info.upsampler)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", FutureWarning)  # torch_dtype → dtype in 0.4x
                up = LTX2LatentUpsamplePipeline.from_pretrained(
                    str(folder),
                    vae=loaded.pipe.vae,
                    use_safetensors=True,
                    local_files_only=True,
                    torch_dtype=loaded.pipe.transformer.dtype,
                )
        except Exception as exc:
            raise EngineFailure(
                f"latent upsampler at {folder} failed to load: {exc.__class__.__name__}: {exc}"
            ) from None
        up.to(loaded.device)
        up.set_progress_bar_config(disable=True)
        extra["upsampler"] = up
    return extra["upsampler"]


def _to_numpy(audio) -> np.ndarray:
    """The pipeline's audio (a torch tensor even with output_type="np") as float32 numpy."""
    if hasattr(audio, "detach"):
        audio = audio.detach().float().cpu().numpy()
    return np.asarray(audio, np.float32)


def _fit_silence(x: np.ndarray, n: int) -> np.ndarray:
    """Exactly n samples: cut, or padded with silence (a linked sound never loops)."""
    if x.shape[0] >= n:
        return np.ascontiguousarray(x[:n])
    out = np.zeros((n, 2), np.float32)
    out[: x.shape[0]] = x
    return out
