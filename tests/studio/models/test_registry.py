"""The model registry: local folders, the Hugging Face cache, completeness, families."""

from __future__ import annotations

import json
import shutil

import pytest

from studio.model import OutputFormat
from studio.models import ModelRegistry, family_named
from studio.models.families import LTX_VIDEO, WAN


def write_model(folder, pipeline="LTXPipeline", components=None, weights="model.safetensors"):
    components = (
        components
        if components is not None
        else {"transformer": ["diffusers", "LTXVideoTransformer3DModel"]}
    )
    folder.mkdir(parents=True)
    index = {"_class_name": pipeline, "_diffusers_version": "0.42.0", **components}
    (folder / "model_index.json").write_text(json.dumps(index))
    for name in components:
        sub = folder / name
        sub.mkdir()
        (sub / "config.json").write_text(json.dumps({"n": 1}))
        if weights:
            (sub / weights).write_bytes(b"\0" * 64)
    return folder


def test_finds_local_folders_with_family_size_and_revision(tmp_path):
    write_model(tmp_path / "models" / "my-ltx")
    write_model(
        tmp_path / "models" / "nested" / "my-wan",
        "WanPipeline",
        {"transformer": ["diffusers", "WanTransformer3DModel"]},
    )
    reg = ModelRegistry([tmp_path / "models"], include_hf_cache=False)
    found = {m.name: m for m in reg.models()}
    assert set(found) == {"my-ltx", "my-wan"}
    assert found["my-ltx"].family is LTX_VIDEO and found["my-wan"].family is WAN
    assert found["my-ltx"].complete and found["my-ltx"].size_bytes > 64
    assert len(found["my-ltx"].revision) == 16
    assert reg.find("MY-LTX").path == found["my-ltx"].path
    assert reg.find(str(tmp_path / "models" / "my-ltx")).name == "my-ltx"
    # the revision follows the configs
    before = found["my-ltx"].revision
    (tmp_path / "models" / "my-ltx" / "transformer" / "config.json").write_text('{"n": 2}')
    reg.refresh()
    assert reg.find("my-ltx").revision != before


def test_user_data_models_folder_is_searched(studio_home):
    from studio.paths import user_data_dir

    write_model(user_data_dir() / "models" / "home-ltx")
    assert ModelRegistry(include_hf_cache=False).find("home-ltx") is not None


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        ({"weights": "diffusion_pytorch_model.bin"}, "only pickle weights"),
        ({"weights": None}, "no weights"),
        ({"components": {"transformer": ["my_package", "Evil"]}}, "no remote code"),
    ],
)
def test_incomplete_or_unsafe_models_are_reported(tmp_path, kwargs, problem):
    from studio.errors import EngineFailure

    write_model(tmp_path / "m" / "bad", **kwargs)
    reg = ModelRegistry([tmp_path / "m"], include_hf_cache=False)
    info = reg.find("bad")
    assert not info.complete and problem in "; ".join(info.problems)
    with pytest.raises(EngineFailure, match="'.*bad'"):
        reg.resolve("bad")


def test_missing_component_folder_and_unknown_family(tmp_path):
    from studio.errors import EngineFailure

    folder = write_model(tmp_path / "m" / "half")
    shutil.rmtree(folder / "transformer")
    write_model(tmp_path / "m" / "odd", "StableDiffusionPipeline")
    reg = ModelRegistry([tmp_path / "m"], include_hf_cache=False)
    assert "missing" in reg.find("half").problems[0]
    with pytest.raises(EngineFailure, match="not a supported family"):
        reg.resolve("odd")
    with pytest.raises(EngineFailure, match="model 'nope' not found"):
        reg.resolve("nope")


def test_hugging_face_cache_is_scanned(tmp_path, monkeypatch):
    hub = tmp_path / "hub"
    repo = hub / "models--acme--tiny-video"
    commit = "a" * 40
    write_model(
        repo / "snapshots" / commit, "WanPipeline", {"vae": ["diffusers", "AutoencoderKLWan"]}
    )
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(commit)
    (repo / "blobs").mkdir()
    monkeypatch.setenv("HF_HUB_CACHE", str(hub))
    import huggingface_hub.constants as c

    monkeypatch.setattr(c, "HF_HUB_CACHE", str(hub))
    reg = ModelRegistry([tmp_path / "none"])
    info = reg.find("acme/tiny-video")
    assert info is not None and info.source == "hf-cache" and info.commit == commit
    assert info.family is WAN and info.complete


def test_find_by_kind_lists_audio_models_for_the_sound_backend(tmp_path):
    write_model(
        tmp_path / "m" / "ldm2",
        "AudioLDM2Pipeline",
        {"unet": ["diffusers", "AudioLDM2UNet2DConditionModel"]},
    )
    write_model(tmp_path / "m" / "vid")
    reg = ModelRegistry([tmp_path / "m"], include_hf_cache=False)
    assert reg.find(kind="audio").name == "ldm2"
    assert [m.name for m in reg.models("video")] == ["vid"]
    assert reg.find("ldm2").modality == "audio"


def test_family_frame_rules_and_sizes():
    assert LTX_VIDEO.frames_for(5.0) == 121  # 120 at 24 fps → 8k+1
    assert LTX_VIDEO.frames_for(0.1) == 9
    assert WAN.frames_for(5.0) == 81  # 80 at 16 fps → 4k+1
    assert LTX_VIDEO.nearest_size(None, OutputFormat.VERTICAL) == (512, 768)
    assert WAN.nearest_size(None, OutputFormat.WIDESCREEN) == (832, 480)
    assert LTX_VIDEO.nearest_size((1000, 570), OutputFormat.SQUARE) == (992, 576)
    assert WAN.nearest_size((250, 250), OutputFormat.SQUARE) == (256, 256)
    assert family_named("cogvideox").fps == 8


def test_cli_models_list_json_and_pull_offline(tmp_path, capsys, monkeypatch):
    from studio.cli.main import main

    write_model(tmp_path / "m" / "cli-ltx")
    assert main(["models", "list", "--dir", str(tmp_path / "m"), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert any(r["id"].endswith("cli-ltx") and r["family"] == "ltx-video" for r in rows)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert main(["models", "pull", "acme/model"]) == 4
    assert "acme/model" in capsys.readouterr().err
