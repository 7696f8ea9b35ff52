"""The embedded sound backend: a procedural sound bed from the description, instantly.

Honest about what it is: every take it makes says model "procedural-draft".
"""

from __future__ import annotations

from studio.audio.beds import SAMPLE_RATE, layers_for, render_bed
from studio.audio.wavfile import write_wav
from studio.engine.backend import JobContext
from studio.engine.request import GenerationRequest, TakeResult

DRAFT_MODEL = "procedural-draft"


def description_of(request: GenerationRequest) -> str:
    """The sound asked for; a prompt blend asks for both descriptions at once."""
    text = request.prompt.strip()
    if request.prompt_b:
        text = f"{text}, {request.prompt_b.strip()}"
    return text


class SoundBedBackend:
    """Backend "soundbed": keyword recipes (rain, wind, waves, traffic, crowd, footsteps,
    hum, drone, fire, birds, thunder, engine, stream, clock) → 48 kHz stereo WAV."""

    name = "soundbed"

    def __init__(self, sample_rate: int = SAMPLE_RATE):
        self.sample_rate = sample_rate

    def generate(self, request: GenerationRequest, ctx: JobContext) -> TakeResult:
        ctx.check_cancelled()
        text = description_of(request)
        layers = layers_for(text)
        total = len(layers) + 1

        def on_layer(done: int, _count: int) -> None:
            ctx.step(done, total, phase="synthesis")
            ctx.check_cancelled()

        samples = render_bed(text, request.duration, request.seed, self.sample_rate, on_layer)
        ctx.check_cancelled()
        path = write_wav(ctx.output_dir / f"sound-{ctx.job_id}.wav", samples, self.sample_rate)
        ctx.step(total, total, phase="writing")
        return TakeResult(
            path=path,
            width=0,
            height=0,
            fps=float(request.fps),
            frames=max(1, round(request.duration * request.fps)),
            engine=self.name,
            model=DRAFT_MODEL,
            prompt=text,
            params={
                "sample_rate": self.sample_rate,
                "channels": 2,
                "samples": int(samples.shape[0]),
                "layers": [{"recipe": lay.recipe, "level": round(lay.level, 3)} for lay in layers],
                "draft": True,
            },
        )

    def release(self) -> None:
        """Nothing is held between jobs."""
