"""Tiny LTX-Video and Wan pipelines with random weights, for tests, benches and smoke checks.

Component sizes follow diffusers' own fast tests. The tokenizer is ByT5 (byte-level, needs no
files), so everything is built offline and saved as a normal diffusers folder (safetensors).
"""

from __future__ import annotations

from pathlib import Path


def _text_encoder(vocab: int):
    from transformers import T5Config, T5EncoderModel

    config = T5Config(
        vocab_size=vocab,
        d_model=32,
        d_ff=37,
        d_kv=8,
        num_layers=2,
        num_heads=4,
        relative_attention_num_buckets=8,
        decoder_start_token_id=0,
        pad_token_id=0,
    )
    return T5EncoderModel(config)


def build_tiny_ltx(folder: Path, seed: int = 0) -> Path:
    """Save a tiny random LTXPipeline (4× spatial / 4× temporal VAE) to `folder`."""
    import torch
    from diffusers import (
        AutoencoderKLLTXVideo,
        FlowMatchEulerDiscreteScheduler,
        LTXPipeline,
        LTXVideoTransformer3DModel,
    )
    from transformers import ByT5Tokenizer

    torch.manual_seed(seed)
    tokenizer = ByT5Tokenizer()
    transformer = LTXVideoTransformer3DModel(
        in_channels=8,
        out_channels=8,
        patch_size=1,
        patch_size_t=1,
        num_attention_heads=4,
        attention_head_dim=8,
        cross_attention_dim=32,
        num_layers=1,
        caption_channels=32,
    )
    vae = AutoencoderKLLTXVideo(
        in_channels=3,
        out_channels=3,
        latent_channels=8,
        block_out_channels=(8, 8, 8, 8),
        decoder_block_out_channels=(8, 8, 8, 8),
        layers_per_block=(1, 1, 1, 1, 1),
        decoder_layers_per_block=(1, 1, 1, 1, 1),
        spatio_temporal_scaling=(True, True, False, False),
        decoder_spatio_temporal_scaling=(True, True, False, False),
        decoder_inject_noise=(False,) * 5,
        upsample_residual=(False,) * 4,
        upsample_factor=(1,) * 4,
        timestep_conditioning=False,
        patch_size=1,
        patch_size_t=1,
        encoder_causal=True,
        decoder_causal=False,
    )
    pipe = LTXPipeline(
        scheduler=FlowMatchEulerDiscreteScheduler(),
        vae=vae,
        text_encoder=_text_encoder(len(tokenizer)),
        tokenizer=tokenizer,
        transformer=transformer,
    )
    pipe.save_pretrained(folder, safe_serialization=True)
    return Path(folder)


def build_tiny_wan(folder: Path, seed: int = 0) -> Path:
    """Save a tiny random WanPipeline (8× spatial / 4× temporal VAE) to `folder`."""
    import torch
    from diffusers import (
        AutoencoderKLWan,
        FlowMatchEulerDiscreteScheduler,
        WanPipeline,
        WanTransformer3DModel,
    )
    from transformers import ByT5Tokenizer

    torch.manual_seed(seed)
    tokenizer = ByT5Tokenizer()
    vae = AutoencoderKLWan(
        base_dim=3,
        z_dim=16,
        dim_mult=[1, 1, 1, 1],
        num_res_blocks=1,
        temperal_downsample=[False, True, True],
    )
    transformer = WanTransformer3DModel(
        patch_size=(1, 2, 2),
        num_attention_heads=2,
        attention_head_dim=12,
        in_channels=16,
        out_channels=16,
        text_dim=32,
        freq_dim=256,
        ffn_dim=32,
        num_layers=2,
        cross_attn_norm=True,
        qk_norm="rms_norm_across_heads",
        rope_max_seq_len=32,
    )
    pipe = WanPipeline(
        tokenizer=tokenizer,
        text_encoder=_text_encoder(len(tokenizer)),
        vae=vae,
        scheduler=FlowMatchEulerDiscreteScheduler(shift=7.0),
        transformer=transformer,
    )
    pipe.save_pretrained(folder, safe_serialization=True)
    return Path(folder)


def build_full_ltx(folder: Path, seed: int = 0) -> Path:
    """A full-size LTX-Video 0.9 configuration with random weights (same compute as the real one).

    Used by bench/engine_gpu.py; needs a GPU-sized machine (about 2B + 4.7B parameters).
    """
    import torch
    from diffusers import (
        AutoencoderKLLTXVideo,
        FlowMatchEulerDiscreteScheduler,
        LTXPipeline,
        LTXVideoTransformer3DModel,
    )
    from transformers import ByT5Tokenizer, T5Config, T5EncoderModel

    torch.manual_seed(seed)
    tokenizer = ByT5Tokenizer()
    with torch.device("cpu"):
        text_encoder = T5EncoderModel(
            T5Config(
                vocab_size=len(tokenizer),
                d_model=4096,
                d_ff=10240,
                d_kv=64,
                num_layers=24,
                num_heads=64,
                feed_forward_proj="gated-gelu",
                decoder_start_token_id=0,
                pad_token_id=0,
            )
        ).to(torch.bfloat16)
        transformer = LTXVideoTransformer3DModel().to(torch.bfloat16)
        vae = AutoencoderKLLTXVideo().to(torch.bfloat16)
    pipe = LTXPipeline(
        scheduler=FlowMatchEulerDiscreteScheduler(),
        vae=vae,
        text_encoder=text_encoder,
        tokenizer=tokenizer,
        transformer=transformer,
    )
    pipe.save_pretrained(folder, safe_serialization=True)
    return Path(folder)
