"""LTX-Video keyframes: a last frame and in-between frames through LTXConditionPipeline.

The latent-steering path of the backend pins only a first frame; a shot with a last image or
in-between keyframes runs the family's condition pipeline instead (over the loaded model's
components), each image an LTXVideoCondition at its frame with its strength.
"""

from __future__ import annotations

import numpy as np

from studio.engine.backend import JobContext
from studio.engine.diffusion.keyframes import frame_conditions, open_image
from studio.engine.diffusion.ltx2 import StepCallback
from studio.engine.request import GenerationRequest, TakeResult


def wants_conditions(request: GenerationRequest) -> bool:
    return bool(request.keyframes or request.last_image)


def generate_ltx_keyframes(backend, loaded, request: GenerationRequest, ctx: JobContext):
    """One LTXConditionPipeline run to frames; the take as the backend writes it."""
    import torch
    from diffusers.pipelines.ltx.pipeline_ltx_condition import LTXVideoCondition

    from studio.media.video import write_video

    pipe, info = loaded.pipe, loaded.info
    family = info.family
    plan = backend.plan_for(loaded, request)
    conds = frame_conditions(request, plan.frames, plan.fps, 1)
    conditions = [
        LTXVideoCondition(image=open_image(c), frame_index=c.index, strength=float(c.strength))
        for c in conds
    ]
    runner = loaded.extra.get("condition")
    if runner is None:
        from diffusers import LTXConditionPipeline

        runner = loaded.extra["condition"] = LTXConditionPipeline.from_pipe(pipe)
        runner.set_progress_bar_config(disable=True)
    hook = StepCallback(ctx, plan.steps)
    out = runner(
        conditions=conditions,
        prompt=plan.prompt,
        negative_prompt=plan.negative_prompt or None,
        height=plan.height,
        width=plan.width,
        num_frames=plan.frames,
        frame_rate=plan.fps,
        num_inference_steps=plan.steps,
        guidance_scale=plan.guidance,
        generator=torch.Generator("cpu").manual_seed(request.seed),
        max_sequence_length=family.max_sequence_length,
        decode_timestep=family.decode_timestep,
        decode_noise_scale=family.decode_noise_scale or None,
        output_type="np",
        callback_on_step_end=hook,
    )
    ctx.check_cancelled()
    frames = (np.clip(np.asarray(out.frames[0], np.float32), 0, 1) * 255 + 0.5).astype(np.uint8)
    path = ctx.output_dir / "take.mp4"
    write_video(path, frames, plan.fps)
    return TakeResult(
        path=path,
        width=int(frames.shape[2]),
        height=int(frames.shape[1]),
        fps=plan.fps,
        frames=int(frames.shape[0]),
        engine=backend.name,
        model=info.id,
        prompt=plan.prompt,
        negative_prompt=plan.negative_prompt,
        params={
            "model": info.id,
            "revision": info.revision,
            "family": family.name,
            "pipeline": runner.__class__.__name__,
            "steps": plan.steps,
            "steps_run": hook.steps_done,
            "guidance": plan.guidance,
            "size": [plan.width, plan.height],
            "frames": int(frames.shape[0]),
            "fps": plan.fps,
            "seed": request.seed,
            "prompt": plan.prompt,
            "operation": request.operation.value,
            "device": loaded.device,
            "conditions": [
                {"what": c.what, "frame": c.index, "strength": c.strength} for c in conds
            ],
        },
    )
