"""The model registry: local folders, the Hugging Face cache, completeness, families."""

from __future__ import annotations

import json
import shutil
import struct

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
            (sub / weights).write_bytes(SAFETENSORS if weights.endswith(".safetensors") else b"\0")
    return folder


SAFETENSORS = struct.pack("<Q", 64) + b'{"__metadata__": {"format": "pt"}}'.ljust(64) + b"\0" * 64


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


def _broken_folders(root):
    """Folders that cannot load, each with the words `models list` must give for it."""
    tf = {"transformer": ["diffusers", "LTXVideoTransformer3DModel"]}
    cases = {
        "deep": ("nested too deeply", lambda f: (f / "model_index.json").write_text("[" * 100_000)),
        "not-json": ("cannot read", lambda f: (f / "model_index.json").write_text("{nope")),
        "not-utf8": ("cannot read", lambda f: (f / "model_index.json").write_bytes(b"\xff\xfe{")),
        "list-index": ("not a JSON object", lambda f: (f / "model_index.json").write_text("[]")),
        "no-class": ("no _class_name", lambda f: _index(f, None, tf)),
        "custom-pipeline": ("custom pipeline", lambda f: _index(f, ["my_mod", "MyPipe"], tf)),
        "odd-family": ("not a supported family", lambda f: _index(f, "FooPipeline", tf)),
        "custom-class": (
            "no class 'EvilTransformer'",
            lambda f: _index(f, "LTXPipeline", {"transformer": ["diffusers", "EvilTransformer"]}),
        ),
        "custom-tf-class": (
            "transformers has no class 'EvilEncoder'",
            lambda f: _index(f, "LTXPipeline", {"text_encoder": ["transformers", "EvilEncoder"]}),
        ),
        "remote-code": (
            "no remote code",
            lambda f: _index(f, "LTXPipeline", {"transformer": ["evil_pkg", "Evil"]}),
        ),
        "number-entry": (
            "must be names",
            lambda f: _index(f, "LTXPipeline", {"transformer": [1, {"a": 2}]}),
        ),
        "escape-key": (
            "not a folder name",
            lambda f: _index(f, "LTXPipeline", {"../etc": ["diffusers", "AutoencoderKLWan"]}),
        ),
        "auto-map": ("auto_map", lambda f: _config(f, {"auto_map": {"AutoModel": "x.Y"}})),
        "deep-config": ("nested too deeply", lambda f: _config(f, None, '{"a":' * 50_000)),
        "list-config": ("not a JSON object", lambda f: _config(f, [1, 2])),
        "bad-weights": ("not a safetensors file", lambda f: _weights(f, b"\0" * 64)),
        "huge-header": ("bad header length", lambda f: _weights(f, b"\xff" * 8 + b"{}")),
        "pickle-only": ("only pickle weights", None),
        "missing-component": ("is missing", None),
        "bad-index": (
            "no weight_map",
            lambda f: (f / "transformer" / "m.safetensors.index.json").write_text(
                '{"weight_map": []}'
            ),
        ),
        "escape-shard": (
            "is not a file name",
            lambda f: (f / "transformer" / "m.safetensors.index.json").write_text(
                '{"weight_map": {"a": "../../secret.safetensors"}}'
            ),
        ),
    }
    for name, (_words, damage) in cases.items():
        if name == "pickle-only":
            write_model(root / name, weights="diffusion_pytorch_model.bin")
        else:
            folder = write_model(root / name)
            if name == "missing-component":
                shutil.rmtree(folder / "transformer")
            else:
                damage(folder)
    return {name: words for name, (words, _) in cases.items()}


def _index(folder, pipeline, components):
    index = {"_diffusers_version": "0.42.0", **components}
    if pipeline is not None:
        index["_class_name"] = pipeline
    (folder / "model_index.json").write_text(json.dumps(index))


def _config(folder, data, raw=None):
    (folder / "transformer" / "config.json").write_text(raw or json.dumps(data))


def _weights(folder, data):
    (folder / "transformer" / "model.safetensors").write_bytes(data)


def test_models_list_says_why_each_broken_folder_cannot_load_and_never_crashes(tmp_path, capsys):
    from studio.cli.main import main
    from studio.errors import EngineFailure

    expected = _broken_folders(tmp_path / "m")
    write_model(tmp_path / "m" / "good")
    assert main(["models", "list", "--dir", str(tmp_path / "m")]) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()}
    assert lines["good"].endswith("ok")
    reg = ModelRegistry([tmp_path / "m"], include_hf_cache=False)
    for name, words in expected.items():
        assert "cannot load: " in lines[name] and words in lines[name], lines[name]
        with pytest.raises(EngineFailure):  # the loader refuses exactly these
            reg.resolve(str(tmp_path / "m" / name))
    assert main(["models", "list", "--dir", str(tmp_path / "m"), "--json"]) == 0
    rows = {r["path"].rsplit("/", 1)[-1]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["good"]["loadable"] and not any(rows[n]["loadable"] for n in expected)
