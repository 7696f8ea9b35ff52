"""A tiny Stable Audio Open pipeline with random weights, for tests and benches.

Component sizes follow diffusers' own fast tests; the tokenizer is ByT5 (byte-level, needs no
files), so it is built offline and saved as a normal diffusers folder (safetensors).
"""

from __future__ import annotations

from pathlib import Path


def build_tiny_stable_audio(
    folder: Path, seed: int = 0, sampling_rate: int = 64, sample_size: int = 32
) -> Path:
    """Save a tiny random StableAudioPipeline to `folder`.

    Its "audio" is `sampling_rate` Hz stereo; the longest sound it makes is
    sample_size * 2 / sampling_rate seconds (1 s by default), so the backend's looping to
    the shot's length is exercised too.
    """
    import torch
    from diffusers import (
        AutoencoderOobleck,
        CosineDPMSolverMultistepScheduler,
        StableAudioDiTModel,
        StableAudioPipeline,
        StableAudioProjectionModel,
    )
    from transformers import ByT5Tokenizer, T5Config, T5EncoderModel

    torch.manual_seed(seed)
    transformer = StableAudioDiTModel(
        sample_size=sample_size,
        in_channels=3,
        num_layers=2,
        attention_head_dim=4,
        num_key_value_attention_heads=2,
        out_channels=3,
        cross_attention_dim=4,
        time_proj_dim=8,
        global_states_input_dim=8,
        cross_attention_input_dim=4,
    )
    scheduler = CosineDPMSolverMultistepScheduler(
        solver_order=2,
        prediction_type="v_prediction",
        sigma_data=1.0,
        sigma_schedule="exponential",
    )
    vae = AutoencoderOobleck(
        encoder_hidden_size=6,
        downsampling_ratios=[1, 2],
        decoder_channels=3,
        decoder_input_channels=3,
        audio_channels=2,
        channel_multiples=[2, 4],
        sampling_rate=sampling_rate,
    )
    tokenizer = ByT5Tokenizer(model_max_length=64)
    text_encoder = T5EncoderModel(
        T5Config(
            vocab_size=len(tokenizer),
            d_model=32,
            d_ff=37,
            d_kv=8,
            num_layers=2,
            num_heads=4,
            relative_attention_num_buckets=8,
            decoder_start_token_id=0,
            pad_token_id=0,
        )
    )
    projection = StableAudioProjectionModel(
        text_encoder_dim=text_encoder.config.d_model,
        conditioning_dim=4,
        min_value=0,
        max_value=32,
    )
    pipe = StableAudioPipeline(
        transformer=transformer,
        scheduler=scheduler,
        vae=vae,
        text_encoder=text_encoder,
        tokenizer=tokenizer,
        projection_model=projection,
    )
    pipe.save_pretrained(folder, safe_serialization=True)
    return Path(folder)
