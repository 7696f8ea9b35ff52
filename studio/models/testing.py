"""Tiny LTX-Video, Wan, Wan VACE and CogVideoX pipelines with random weights, for tests,
benches and smoke checks.

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
        FlowMatchEulerDiscreteScheduler,
        WanPipeline,
        WanTransformer3DModel,
    )
    from transformers import ByT5Tokenizer

    torch.manual_seed(seed)
    tokenizer = ByT5Tokenizer()
    vae = _tiny_wan_vae()
    transformer = WanTransformer3DModel(**_TINY_WAN_TRANSFORMER, num_layers=2)
    pipe = WanPipeline(
        tokenizer=tokenizer,
        text_encoder=_text_encoder(len(tokenizer)),
        vae=vae,
        scheduler=FlowMatchEulerDiscreteScheduler(shift=7.0),
        transformer=transformer,
    )
    pipe.save_pretrained(folder, safe_serialization=True)
    return Path(folder)


# the tiny Wan transformer's shape, shared by the Wan and Wan VACE builders
_TINY_WAN_TRANSFORMER = dict(
    patch_size=(1, 2, 2),
    num_attention_heads=2,
    attention_head_dim=12,
    in_channels=16,
    out_channels=16,
    text_dim=32,
    freq_dim=256,
    ffn_dim=32,
    cross_attn_norm=True,
    qk_norm="rms_norm_across_heads",
    rope_max_seq_len=32,
)


def _tiny_wan_vae():
    """The tiny Wan VAE that the Wan and Wan VACE builders share."""
    from diffusers import AutoencoderKLWan

    return AutoencoderKLWan(
        base_dim=3,
        z_dim=16,
        dim_mult=[1, 1, 1, 1],
        num_res_blocks=1,
        temperal_downsample=[False, True, True],
    )


def build_tiny_wan_vace(folder: Path, seed: int = 0) -> Path:
    """Save a tiny random WanVACEPipeline to `folder`: the tiny Wan VAE and T5 stack with a
    tiny WanVACETransformer3DModel (sizes after diffusers' own fast test). Sizes must be
    multiples of 16 and frames 4k+1; the reference frames it is given are sampled in front of
    the video and dropped from the output."""
    import torch
    from diffusers import (
        FlowMatchEulerDiscreteScheduler,
        WanVACEPipeline,
        WanVACETransformer3DModel,
    )
    from transformers import ByT5Tokenizer

    torch.manual_seed(seed)
    tokenizer = ByT5Tokenizer()
    vae = _tiny_wan_vae()
    transformer = WanVACETransformer3DModel(
        **_TINY_WAN_TRANSFORMER,
        num_layers=3,
        vace_layers=[0, 2],
        vace_in_channels=96,  # 2 × 16 latent channels + 8×8 mask channels
    )
    pipe = WanVACEPipeline(
        tokenizer=tokenizer,
        text_encoder=_text_encoder(len(tokenizer)),
        vae=vae,
        scheduler=FlowMatchEulerDiscreteScheduler(shift=7.0),
        transformer=transformer,
    )
    pipe.save_pretrained(folder, safe_serialization=True)
    return Path(folder)


def build_tiny_cogvideox(folder: Path, seed: int = 0) -> Path:
    """Save a tiny random CogVideoXPipeline to `folder` (8× spatial / 4× temporal VAE, DDIM
    v-prediction scheduler; sizes after diffusers' own fast test). Sizes must be multiples of
    16 and frames 4k+1; the transformer reads the family's 226 prompt tokens."""
    import torch
    from diffusers import (
        AutoencoderKLCogVideoX,
        CogVideoXDDIMScheduler,
        CogVideoXPipeline,
        CogVideoXTransformer3DModel,
    )
    from transformers import ByT5Tokenizer

    torch.manual_seed(seed)
    tokenizer = ByT5Tokenizer()
    transformer = CogVideoXTransformer3DModel(
        num_attention_heads=4,
        attention_head_dim=8,
        in_channels=4,
        out_channels=4,
        time_embed_dim=2,
        text_embed_dim=32,
        num_layers=1,
        sample_width=2,
        sample_height=2,
        sample_frames=9,
        patch_size=2,
        temporal_compression_ratio=4,
        max_text_seq_length=226,
    )
    vae = AutoencoderKLCogVideoX(
        in_channels=3,
        out_channels=3,
        down_block_types=("CogVideoXDownBlock3D",) * 4,
        up_block_types=("CogVideoXUpBlock3D",) * 4,
        block_out_channels=(8, 8, 8, 8),
        latent_channels=4,
        layers_per_block=1,
        norm_num_groups=2,
        temporal_compression_ratio=4,
    )
    pipe = CogVideoXPipeline(
        tokenizer=tokenizer,
        text_encoder=_text_encoder(len(tokenizer)),
        vae=vae,
        scheduler=CogVideoXDDIMScheduler(),
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


# --- LTX-2 (audio + video) ------------------------------------------------------------------
TINY_LTX2_WORDS = (
    "a the of and in on with to at is are was we it made says said robot dancing cat dog city "
    "night day sun rain street car walks runs looks smiles camera slowly pans left right up down "
    "close wide shot light dark red blue green sound music voice woman man girl boy maya leo"
).split()


def _tiny_gemma_tokenizer():
    """A GemmaTokenizer over a small word list, built in memory (no files, no download).

    `add_bos_token=True`: without a BOS token an empty negative prompt is all padding, which the
    LTX-2 text path cannot normalise."""
    from transformers import GemmaTokenizer

    specials = ["<pad>", "<eos>", "<bos>", "<unk>", "<mask>"]
    vocab = {tok: i for i, tok in enumerate(specials)}
    for word in TINY_LTX2_WORDS:
        vocab.setdefault("▁" + word, len(vocab))
    for ch in "abcdefghijklmnopqrstuvwxyz0123456789.,:!?'\"-":
        vocab.setdefault(ch, len(vocab))
        vocab.setdefault("▁" + ch, len(vocab))
    vocab.setdefault("▁", len(vocab))
    return GemmaTokenizer(vocab=vocab, merges=[], add_bos_token=True, model_max_length=1024)


def _tiny_gemma3(vocab_size: int):
    from transformers import Gemma3Config, Gemma3ForConditionalGeneration

    config = Gemma3Config(
        text_config={
            "vocab_size": vocab_size,
            "hidden_size": 32,
            "intermediate_size": 64,
            "num_hidden_layers": 2,
            "num_attention_heads": 2,
            "num_key_value_heads": 1,
            "head_dim": 16,
            "max_position_embeddings": 256,
            "sliding_window": 64,
            "pad_token_id": 0,
            "bos_token_id": 2,
            "eos_token_id": 1,
        },
        vision_config={
            "hidden_size": 16,
            "intermediate_size": 32,
            "num_hidden_layers": 1,
            "num_attention_heads": 2,
            "image_size": 32,
            "patch_size": 8,
        },
        mm_tokens_per_image=4,
        boi_token_index=vocab_size - 3,
        eoi_token_index=vocab_size - 2,
        image_token_index=vocab_size - 1,
    )
    return Gemma3ForConditionalGeneration(config)


def tiny_ltx2_components(seed: int = 0) -> dict:
    """The sub-models of a tiny random LTX2Pipeline (sizes after diffusers' own fast tests)."""
    import torch
    from diffusers import (
        AutoencoderKLLTX2Audio,
        AutoencoderKLLTX2Video,
        FlowMatchEulerDiscreteScheduler,
        LTX2VideoTransformer3DModel,
    )
    from diffusers.pipelines.ltx2 import LTX2TextConnectors
    from diffusers.pipelines.ltx2.vocoder import LTX2Vocoder

    torch.manual_seed(seed)
    tokenizer = _tiny_gemma_tokenizer()
    text_encoder = _tiny_gemma3(len(tokenizer) + 3)
    text = text_encoder.config.text_config
    transformer = LTX2VideoTransformer3DModel(
        in_channels=4,
        out_channels=4,
        patch_size=1,
        patch_size_t=1,
        num_attention_heads=2,
        attention_head_dim=8,
        cross_attention_dim=16,
        audio_in_channels=4,
        audio_out_channels=4,
        audio_num_attention_heads=2,
        audio_attention_head_dim=4,
        audio_cross_attention_dim=8,
        num_layers=2,
        qk_norm="rms_norm_across_heads",
        caption_channels=text.hidden_size,
        rope_double_precision=False,
        rope_type="split",
    )
    connectors = LTX2TextConnectors(
        caption_channels=text.hidden_size,
        text_proj_in_factor=text.num_hidden_layers + 1,
        video_connector_num_attention_heads=4,
        video_connector_attention_head_dim=8,
        video_connector_num_layers=1,
        video_connector_num_learnable_registers=None,
        audio_connector_num_attention_heads=4,
        audio_connector_attention_head_dim=8,
        audio_connector_num_layers=1,
        audio_connector_num_learnable_registers=None,
        connector_rope_base_seq_len=32,
        rope_theta=10000.0,
        rope_double_precision=False,
        causal_temporal_positioning=False,
        rope_type="split",
    )
    vae = AutoencoderKLLTX2Video(  # the released layout (32× spatial, 8× temporal), 8 channels
        in_channels=3,
        out_channels=3,
        latent_channels=4,
        block_out_channels=(8, 8, 8, 8),
        decoder_block_out_channels=(8, 8, 8),
        layers_per_block=(1, 1, 1, 1, 1),
        decoder_layers_per_block=(1, 1, 1, 1),
        spatio_temporal_scaling=(True, True, True, True),  # the encoder really is 32× / 8×
        decoder_spatio_temporal_scaling=(True, True, True),
        decoder_inject_noise=(False, False, False, False),
        upsample_residual=(False, False, False),
        upsample_factor=(1, 1, 1),
        timestep_conditioning=False,
        patch_size=4,
        patch_size_t=1,
        spatial_compression_ratio=32,  # what the encoder and decoder above really do
        temporal_compression_ratio=8,
        encoder_causal=True,
        decoder_causal=False,
    )
    audio_vae = AutoencoderKLLTX2Audio(
        base_channels=4,
        output_channels=2,
        ch_mult=(1,),
        num_res_blocks=1,
        attn_resolutions=None,
        in_channels=2,
        resolution=32,
        latent_channels=2,
        norm_type="pixel",
        causality_axis="height",
        dropout=0.0,
        mid_block_add_attention=False,
        sample_rate=16000,
        mel_hop_length=160,
        is_causal=True,
        mel_bins=8,
    )
    vocoder = LTX2Vocoder(
        in_channels=audio_vae.config.output_channels * audio_vae.config.mel_bins,
        hidden_channels=32,
        out_channels=2,
        upsample_kernel_sizes=[8, 8, 20],  # 4·4·10 = the mel hop: output really is 16 kHz
        upsample_factors=[4, 4, 10],
        resnet_kernel_sizes=[3],
        resnet_dilations=[[1, 3, 5]],
        leaky_relu_negative_slope=0.1,
        output_sampling_rate=16000,
    )
    return {
        "transformer": transformer,
        "vae": vae,
        "audio_vae": audio_vae,
        "scheduler": FlowMatchEulerDiscreteScheduler(),
        "text_encoder": text_encoder,
        "tokenizer": tokenizer,
        "connectors": connectors,
        "vocoder": vocoder,
    }


def build_tiny_ltx2(folder: Path, seed: int = 0, upsampler: bool = False) -> Path:
    """Save a tiny random LTX2Pipeline to `folder` (and, with `upsampler`, a tiny latent
    upsampler in `folder/latent_upsampler`, which turns on two-stage generation)."""
    from diffusers import LTX2Pipeline

    pipe = LTX2Pipeline(**tiny_ltx2_components(seed))
    pipe.save_pretrained(folder, safe_serialization=True)
    if upsampler:
        build_tiny_ltx2_upsampler(Path(folder) / "latent_upsampler", pipe.vae, seed)
    return Path(folder)


def build_tiny_ltx2_upsampler(folder: Path, vae, seed: int = 0) -> Path:
    """A tiny random LTX2LatentUpsamplePipeline (2× spatial) sharing `vae`."""
    import torch
    from diffusers import LTX2LatentUpsamplePipeline
    from diffusers.pipelines.ltx2 import LTX2LatentUpsamplerModel

    torch.manual_seed(seed)
    model = LTX2LatentUpsamplerModel(
        in_channels=vae.config.latent_channels,
        mid_channels=32,
        num_blocks_per_stage=1,
        dims=3,
        spatial_upsample=True,
        temporal_upsample=False,
        use_rational_resampler=False,
    )
    LTX2LatentUpsamplePipeline(vae=vae, latent_upsampler=model).save_pretrained(
        folder, safe_serialization=True
    )
    return Path(folder)


def build_full_ltx2(folder: Path, seed: int = 0, device: str = "cuda") -> Path:
    """A full-size LTX-2 configuration with random weights (the released transformer, video and
    audio VAEs and vocoder at their default sizes, bf16), for bench/engine_gpu.py.

    The text encoder keeps Gemma 3's width (3840) but only 2 layers (the 48-layer 12B encoder
    runs once per job and would not fit the bench's disk); the connectors are sized to match.
    The weights are made on `device` (a GPU: about 20B parameters) and saved as safetensors.
    """
    import torch
    from diffusers import (
        AutoencoderKLLTX2Audio,
        AutoencoderKLLTX2Video,
        FlowMatchEulerDiscreteScheduler,
        LTX2Pipeline,
        LTX2VideoTransformer3DModel,
    )
    from diffusers.pipelines.ltx2 import LTX2TextConnectors
    from diffusers.pipelines.ltx2.vocoder import LTX2Vocoder
    from transformers import Gemma3Config, Gemma3ForConditionalGeneration

    torch.manual_seed(seed)
    tokenizer = _tiny_gemma_tokenizer()
    layers = 2
    with torch.device(device):
        text_encoder = Gemma3ForConditionalGeneration(
            Gemma3Config(
                text_config={
                    "vocab_size": len(tokenizer) + 3,
                    "hidden_size": 3840,
                    "intermediate_size": 15360,
                    "num_hidden_layers": layers,
                    "num_attention_heads": 16,
                    "num_key_value_heads": 8,
                    "head_dim": 256,
                    "pad_token_id": 0,
                    "bos_token_id": 2,
                    "eos_token_id": 1,
                },
                vision_config={
                    "hidden_size": 16,
                    "intermediate_size": 32,
                    "num_hidden_layers": 1,
                    "num_attention_heads": 2,
                    "image_size": 32,
                    "patch_size": 8,
                },
                mm_tokens_per_image=4,
                boi_token_index=len(tokenizer),
                eoi_token_index=len(tokenizer) + 1,
                image_token_index=len(tokenizer) + 2,
            )
        ).to(torch.bfloat16)
        components = {
            "text_encoder": text_encoder,
            "connectors": LTX2TextConnectors(text_proj_in_factor=layers + 1).to(torch.bfloat16),
            "transformer": LTX2VideoTransformer3DModel().to(torch.bfloat16),
            "vae": AutoencoderKLLTX2Video().to(torch.bfloat16),
            "audio_vae": AutoencoderKLLTX2Audio().to(torch.bfloat16),
            "vocoder": LTX2Vocoder().to(torch.bfloat16),
        }
    pipe = LTX2Pipeline(
        scheduler=FlowMatchEulerDiscreteScheduler(), tokenizer=tokenizer, **components
    )
    pipe.save_pretrained(folder, safe_serialization=True, max_shard_size="10GB")
    return Path(folder)


# --- LoRAs for the tiny pipelines -----------------------------------------------------------
# attention projections of the tiny transformers above: name → (in_features, out_features)
TINY_LTX_LORA_LAYERS = {
    f"transformer_blocks.0.attn1.{p}": (32, 32) for p in ("to_q", "to_k", "to_v", "to_out.0")
}
TINY_WAN_LORA_LAYERS = {f"blocks.{b}.attn1.{p}": (24, 24) for b in (0, 1) for p in ("to_q", "to_v")}


def write_tiny_lora(
    path: Path,
    layers: dict[str, tuple[int, int]],
    *,
    rank: int = 4,
    scale: float = 0.5,
    seed: int = 0,
    metadata: dict[str, str] | None = None,
    prefix: str = "transformer.",
) -> Path:
    """A PEFT-style LoRA (`<layer>.lora_A.weight` (rank, in), `<layer>.lora_B.weight`
    (out, rank)) with random weights, saved as safetensors."""
    import torch
    from safetensors.torch import save_file

    gen = torch.Generator().manual_seed(seed)
    tensors = {}
    for layer, (size_in, size_out) in layers.items():
        tensors[f"{prefix}{layer}.lora_A.weight"] = (
            torch.randn(rank, size_in, generator=gen) * scale
        )
        tensors[f"{prefix}{layer}.lora_B.weight"] = (
            torch.randn(size_out, rank, generator=gen) * scale
        )
    save_file(tensors, str(path), metadata=metadata)
    return Path(path)
