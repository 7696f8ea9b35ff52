"""LoRA files as input from outside: the safetensors header read with limits, pickles and links
refused (exit 2 naming file, line and key), the family told from metadata or layers, where a
name leads (script, bundle, user folder, preset, camera move), and `loras list`."""

from __future__ import annotations

import json
import os
import struct
from pathlib import Path

import pytest

from studio.cli.main import main
from studio.errors import InputError
from studio.lorafiles.family import lora_family
from studio.lorafiles.header import read_header
from studio.lorafiles.library import camera_move_of
from studio.models.testing import TINY_LTX_LORA_LAYERS, TINY_WAN_LORA_LAYERS, write_tiny_lora


def loras_dir(home: Path) -> Path:
    path = home / "data" / "loras"
    path.mkdir(parents=True, exist_ok=True)
    return path


def raw_file(path: Path, header: bytes, data: bytes = b"", length: int | None = None) -> Path:
    size = len(header) if length is None else length
    path.write_bytes(struct.pack("<Q", size) + header + data)
    return path


# --- the header, hostile ---------------------------------------------------------------------
def test_a_valid_lora_header_is_read_without_its_tensors(tmp_path):
    path = write_tiny_lora(tmp_path / "ink.safetensors", TINY_LTX_LORA_LAYERS, rank=2)
    header = read_header(path)
    assert header.tensors["transformer.transformer_blocks.0.attn1.to_q.lora_A.weight"].shape == (
        2,
        32,
    )
    assert len(header.tensors) == 8 and header.metadata == {}


@pytest.mark.parametrize(
    ("name", "make", "said"),
    [
        ("style.ckpt", lambda p: p.write_bytes(b"\x80\x04pickle"), "pickle file (.ckpt)"),
        ("style.bin", lambda p: p.write_bytes(b"\x80\x04pickle"), "pickle file (.bin)"),
        ("style.pt", lambda p: p.write_bytes(b"PK\x03\x04"), "pickle file (.pt)"),
        ("style.txt", lambda p: p.write_text("hi"), "not a .safetensors file"),
        ("short.safetensors", lambda p: p.write_bytes(b"\x01\x02"), "too short"),
        ("huge.safetensors", lambda p: raw_file(p, b"{}", length=2**40), "a header of"),
        ("json.safetensors", lambda p: raw_file(p, b"{not json"), "not JSON"),
        ("list.safetensors", lambda p: raw_file(p, b"[1, 2]"), "not a table"),
        ("empty.safetensors", lambda p: raw_file(p, b"{}"), "holds no tensors"),
        (
            "outside.safetensors",
            lambda p: raw_file(
                p, b'{"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}', b"\0" * 8
            ),
            "lies outside the file",
        ),
        (
            "mismatch.safetensors",
            lambda p: raw_file(
                p, b'{"a": {"dtype": "F32", "shape": [3], "data_offsets": [0, 16]}}', b"\0" * 16
            ),
            "does not match its shape",
        ),
        (
            "dtype.safetensors",
            lambda p: raw_file(
                p, b'{"a": {"dtype": "OBJ", "shape": [1], "data_offsets": [0, 1]}}', b"\0"
            ),
            "unknown dtype",
        ),
        (
            "meta.safetensors",
            lambda p: raw_file(
                p,
                b'{"__metadata__": {"a": 1}, "t": {"dtype": "U8", "shape": [1], '
                b'"data_offsets": [0, 1]}}',
                b"\0",
            ),
            "metadata must be short texts",
        ),
    ],
)
def test_a_bad_lora_file_is_refused_naming_it(tmp_path, name, make, said):
    path = tmp_path / name
    make(path)
    with pytest.raises(InputError) as err:
        read_header(path)
    assert said in str(err.value) and name in str(err.value)


def test_a_link_is_refused_unless_links_are_followed(tmp_path):
    real = write_tiny_lora(tmp_path / "real.safetensors", TINY_LTX_LORA_LAYERS)
    link = tmp_path / "link.safetensors"
    link.symlink_to(real)
    with pytest.raises(InputError, match="symbolic link"):
        read_header(link)
    assert read_header(link, follow_links=True).tensors


# --- the family ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("metadata", "family"),
    [
        ({"studio.family": "ltx-video"}, "ltx-video"),
        ({"modelspec.architecture": "wan2.1-t2v-14b/lora"}, "wan"),
        ({"ss_base_model_version": "ltxv-2b-0.9.6"}, "ltx-video"),
        ({"base_model": "Lightricks/LTX-2"}, "ltx2"),
        ({"ss_base_model_version": "sdxl_base_v1-0"}, "sdxl"),
        ({"modelspec.architecture": "flux-1-dev/lora"}, "flux"),
        ({"ss_sd_model_name": "CogVideoX-5b"}, "cogvideox"),
    ],
)
def test_the_family_a_file_declares_is_taken(tmp_path, metadata, family):
    path = write_tiny_lora(tmp_path / "x.safetensors", TINY_LTX_LORA_LAYERS, metadata=metadata)
    guess = lora_family(read_header(path))
    assert (guess.name, guess.how) == (family, "metadata")


@pytest.mark.parametrize(
    ("layers", "prefix", "family"),
    [
        (TINY_WAN_LORA_LAYERS, "transformer.", "wan"),
        ({"blocks.0.self_attn.q": (8, 8)}, "diffusion_model.", "wan"),  # Wan's own layout
        ({"transformer_blocks.0.audio_attn1.to_q": (8, 8)}, "transformer.", "ltx2"),
        ({"transformer_blocks.0.attn1.to_q": (2048, 2048)}, "transformer.", "ltx-video"),
        ({"transformer_blocks.0.attn1.to_q": (1920, 1920)}, "transformer.", "cogvideox"),
        ({"single_transformer_blocks.0.attn.to_q": (8, 8)}, "transformer.", "flux"),
        ({"down_blocks.0.attentions.0.to_q": (8, 8)}, "unet.", "stable-diffusion"),
        (TINY_LTX_LORA_LAYERS, "transformer.", None),  # 32 wide: LTX-Video or CogVideoX?
    ],
)
def test_without_metadata_the_family_follows_the_layers(tmp_path, layers, prefix, family):
    path = write_tiny_lora(tmp_path / "x.safetensors", layers, rank=1, prefix=prefix)
    guess = lora_family(read_header(path))
    assert guess.name == family and guess.how == ("layers" if family else "")


def test_camera_moves_by_file_name():
    assert camera_move_of("camera-dolly-in.safetensors") == "dolly-in"
    assert camera_move_of("camera-dolly-out-wan.safetensors") == "dolly-out"
    assert camera_move_of("camera-pan-left-v2.safetensors") == "pan-left"
    assert camera_move_of("camera-sideways.safetensors") is None
    assert camera_move_of("ink.safetensors") is None


# --- scripts: refused with file, line and key ------------------------------------------------
BOARD = """title = "Ink"
format = "square"

[[lora]]
file = "{top}"
weight = 0.8

[[shot]]
prompt = "a paper boat on a pond"
duration = 1.0
camera = "dolly-in"

[[shot.lora]]
file = "{shot}"
weight = 0.5
"""


def write_board(tmp_path: Path, top: str, shot: str) -> Path:
    path = tmp_path / "board.toml"
    path.write_text(BOARD.format(top=top, shot=shot))
    return path


def test_validate_refuses_pickles_naming_file_line_and_key(tmp_path, capsys):
    (tmp_path / "loras").mkdir()
    (tmp_path / "loras" / "evil.ckpt").write_bytes(b"\x80\x04pickle")
    (tmp_path / "style.bin").write_bytes(b"\x80\x04pickle")
    board = write_board(tmp_path, "loras/evil.ckpt", "style.bin")
    assert main(["validate", str(board)]) == 2
    err = capsys.readouterr().err
    assert f"{board}:5, lora 1, key 'file'" in err and "pickle file (.ckpt)" in err
    assert f"{board}:14, shot 1, lora 1, key 'file'" in err and "pickle file (.bin)" in err
    assert "Traceback" not in err


def test_validate_refuses_links_missing_names_and_bad_headers(tmp_path, capsys, studio_home):
    outside = write_tiny_lora(tmp_path / "outside.safetensors", TINY_LTX_LORA_LAYERS)
    scripts = tmp_path / "script"
    (scripts / "loras").mkdir(parents=True)
    (scripts / "loras" / "link.safetensors").symlink_to(outside)
    raw_file(scripts / "broken.safetensors", b"{oops")
    board = write_board(scripts, "loras/link.safetensors", "ghost")
    assert main(["validate", str(board)]) == 2
    err = capsys.readouterr().err
    assert ":5, lora 1, key 'file'" in err and "symbolic link" in err
    assert ":14, shot 1, lora 1, key 'file'" in err
    assert f"no LoRA 'ghost.safetensors' in your LoRA folder ({loras_dir(studio_home)})" in err
    board = write_board(scripts, "broken", "../outside.safetensors")
    assert main(["validate", str(board)]) == 2
    err = capsys.readouterr().err
    assert "broken.safetensors is not a valid safetensors file" in err
    assert "shot 1, lora 1" not in err  # a plain file beside the script: fine


def test_render_refuses_a_pickle_before_any_work(tmp_path, capsys):
    (tmp_path / "evil.pt").write_bytes(b"\x80\x04pickle")
    ok = write_tiny_lora(tmp_path / "ok.safetensors", TINY_LTX_LORA_LAYERS)
    board = write_board(tmp_path, ok.name, "evil.pt")
    out = tmp_path / "out.mp4"
    assert main(["render", str(board), "-o", str(out), "--project", str(tmp_path / "p")]) == 2
    assert "pickle file (.pt)" in capsys.readouterr().err
    assert not out.exists() and not (tmp_path / "p").exists()


# --- from script to project to request -------------------------------------------------------
def fake_model(folder: Path, pipeline: str = "LTXPipeline") -> Path:
    """A model folder as the registry sees it (its family from model_index.json)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "model_index.json").write_text(json.dumps({"_class_name": pipeline}))
    return folder


@pytest.fixture
def film(tmp_path, studio_home):
    """A project made from a script: one script-relative LoRA, one from the user's folder, a
    style preset with a LoRA, and camera LoRAs for two families."""
    from studio.assemble import project_from_storyboard
    from studio.script.storyboard import load_storyboard

    user = loras_dir(studio_home)
    (tmp_path / "loras").mkdir()
    ink = write_tiny_lora(tmp_path / "loras" / "ink.safetensors", TINY_LTX_LORA_LAYERS, seed=1)
    write_tiny_lora(user / "grain.safetensors", TINY_LTX_LORA_LAYERS, seed=2)
    write_tiny_lora(user / "paper.safetensors", TINY_LTX_LORA_LAYERS, seed=3)
    ltx = {"studio.family": "ltx-video"}
    write_tiny_lora(user / "camera-dolly-in.safetensors", TINY_LTX_LORA_LAYERS, metadata=ltx)
    write_tiny_lora(
        user / "camera-dolly-in-wan.safetensors", TINY_WAN_LORA_LAYERS, metadata={"a": "b"}
    )
    presets = studio_home / "data" / "presets"
    presets.mkdir(parents=True, exist_ok=True)
    (presets / "papery.toml").write_text(
        'title = "Papery"\nprompt_suffix = "paper"\n\n[[lora]]\nfile = "paper"\nweight = 0.6\n'
    )
    board = write_board(tmp_path, "loras/ink.safetensors", "grain")
    text = board.read_text().replace('camera = "dolly-in"', 'camera = "dolly-in"\nstyle = "papery"')
    text += '\n[[shot]]\nprompt = "a pond"\nduration = 1.0\n\n[[shot.lora]]\n'
    text += 'file = "loras/ink.safetensors"\nweight = 0.3\n'
    board.write_text(text)
    bundle = project_from_storyboard(load_storyboard(board), tmp_path / "film.sbproj")
    return bundle, ink, user


def test_a_script_lora_is_copied_into_the_bundle_and_a_user_one_kept_by_name(film):
    bundle, ink, _ = film
    project = bundle.project
    kept = project.loras[0].file
    assert kept.startswith("loras/") and kept.endswith("-ink.safetensors")
    assert (bundle.path / kept).read_bytes() == ink.read_bytes()
    assert project.loras[0].weight == 0.8
    assert [(lo.file, lo.weight) for lo in project.shots[0].loras] == [("grain.safetensors", 0.5)]
    assert project.shots[1].loras[0].file == kept  # the same bytes kept once


def test_a_request_merges_storyboard_preset_shot_and_camera(film, tmp_path):
    from studio.render_service.jobs import GenerationSettings, picture_request

    bundle, _, user = film
    model = fake_model(tmp_path / "models" / "ltx")
    settings = GenerationSettings(engine="diffusers", model=str(model))
    first, second = bundle.project.shots
    request = picture_request(bundle, first, settings)
    got = [(Path(lo.file).name, lo.weight) for lo in request.loras]
    assert got == [
        (Path(bundle.project.loras[0].file).name, 0.8),  # storyboard
        ("paper.safetensors", 0.6),  # the shot's style preset
        ("grain.safetensors", 0.5),  # the shot's own
        ("camera-dolly-in.safetensors", 1.0),  # its camera move, for this model's family
    ]
    assert all(Path(lo.file).is_absolute() for lo in request.loras)
    # the same file at storyboard and shot level: once, with the shot's weight
    again = picture_request(bundle, second, settings)
    assert [(Path(lo.file).parent.name, lo.weight) for lo in again.loras] == [("loras", 0.3)]
    # the animatic draws no LoRA; a Wan model gets the Wan camera LoRA (found by its layers)
    assert picture_request(bundle, first, GenerationSettings()).loras == []
    wan = GenerationSettings(
        engine="diffusers", model=str(fake_model(tmp_path / "models" / "wan", "WanPipeline"))
    )
    names = [Path(lo.file).name for lo in picture_request(bundle, first, wan).loras]
    assert names[1:] == [
        "paper.safetensors",
        "grain.safetensors",
        "camera-dolly-in-wan.safetensors",
    ]
    assert user.is_dir()


def test_a_lora_declared_for_another_family_is_refused_at_submit(film, tmp_path):
    from studio.render_service.jobs import GenerationSettings, picture_request

    bundle, _, user = film
    write_tiny_lora(
        user / "grain.safetensors", TINY_WAN_LORA_LAYERS, metadata={"studio.family": "wan"}
    )
    model = fake_model(tmp_path / "models" / "ltx")
    with pytest.raises(InputError) as err:
        picture_request(
            bundle, bundle.project.shots[0], GenerationSettings("diffusers", str(model))
        )
    text = str(err.value)
    assert "grain.safetensors was made for Wan 2.1 / 2.2" in text and "LTX-Video" in text
    assert "project.json" in text and "shots[0].loras[0].file" in text


def test_a_bundle_lora_path_may_not_leave_the_bundle_or_be_a_link(film, tmp_path):
    from studio.render_service.request_loras import request_loras

    bundle, ink, _ = film
    shot = bundle.project.shots[1]
    shot.loras[0].file = "../loras/ink.safetensors"
    with pytest.raises(InputError, match="escapes the project bundle"):
        request_loras(bundle, shot, None, None)
    (bundle.path / "loras" / "sneaky.safetensors").symlink_to(ink)
    shot.loras[0].file = "loras/sneaky.safetensors"
    with pytest.raises(InputError, match="link"):
        request_loras(bundle, shot, None, None)


# --- presets ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("file", "said"),
    [
        ("../evil.safetensors", "by its file name (no folders)"),
        ("style.ckpt", "pickle file (.ckpt)"),
    ],
)
def test_a_preset_lora_must_be_a_safetensors_name(studio_home, file, said):
    from studio.presets.library import PresetLibrary

    presets = studio_home / "data" / "presets"
    presets.mkdir(parents=True, exist_ok=True)
    (presets / "bad.toml").write_text(f'title = "Bad"\n\n[[lora]]\nfile = "{file}"\n')
    with pytest.raises(InputError) as err:
        PresetLibrary()
    assert said in str(err.value) and f"{presets / 'bad.toml'}:4" in str(err.value)


def test_a_preset_with_loras_round_trips_through_toml(studio_home):
    from studio.presets.library import PresetLibrary
    from studio.presets.preset import StylePreset

    library = PresetLibrary()
    preset = StylePreset(name="inky", title="Inky", lora=[{"file": "ink", "weight": 0.7}])
    library.save_user_preset(preset)
    back = PresetLibrary().get("inky").lora
    assert [(lo.file, lo.weight) for lo in back] == [("ink", 0.7)]


# --- loras list -------------------------------------------------------------------------------
def test_loras_list_shows_families_cameras_and_refusals(studio_home, capsys):
    user = loras_dir(studio_home)
    write_tiny_lora(
        user / "ink.safetensors", TINY_LTX_LORA_LAYERS, metadata={"studio.family": "ltx-video"}
    )
    write_tiny_lora(user / "camera-orbit-wan.safetensors", TINY_WAN_LORA_LAYERS)
    (user / "old.ckpt").write_bytes(b"\x80\x04pickle")
    (user / "notes.txt").write_text("not listed")
    assert main(["loras", "list"]) == 0
    out = capsys.readouterr().out
    lines = {line.split()[0]: line for line in out.splitlines()[1:]}
    assert sorted(lines) == ["camera-orbit-wan.safetensors", "ink.safetensors", "old.ckpt"]
    assert "LTX-Video (by its metadata)" in lines["ink.safetensors"]
    assert "Wan 2.1 / 2.2 (by its layers)" in lines["camera-orbit-wan.safetensors"]
    assert "camera orbit" in lines["camera-orbit-wan.safetensors"]
    assert "refused" in lines["old.ckpt"] and "pickle" in lines["old.ckpt"]
    assert main(["loras", "list", "--json"]) == 0
    listed = {d["name"]: d for d in json.loads(capsys.readouterr().out)}
    assert listed["ink.safetensors"]["family"] == "ltx-video"
    assert listed["camera-orbit-wan.safetensors"]["camera"] == "orbit"


def test_loras_list_of_an_empty_folder(tmp_path, capsys):
    assert main(["loras", "list", "--dir", str(tmp_path)]) == 0
    assert "no LoRAs in" in capsys.readouterr().out


# --- C2PA -------------------------------------------------------------------------------------
def test_the_export_lists_the_loras_of_the_takes_it_uses(tmp_path):
    from studio.model import Clip, Project, Take, Track
    from studio.model.lora import LoraUse
    from studio.provenance import provenance_hook, read_manifest
    from studio.provenance.manifest import describe
    from tests.studio.provenance.test_c2pa import write_mp4

    use = LoraUse(name="ink.safetensors", sha256="ab" * 32, weight=0.8, family="ltx-video")
    take = Take(path="takes/a.mp4", engine="diffusers", model="tiny-ltx", loras=[use])
    project = Project(
        title="Inked",
        takes={take.id: take},
        tracks=[Track(clips=[Clip(take_id=take.id, start=0, duration=10)])],
    )
    path = write_mp4(tmp_path / "film.mp4")
    provenance_hook(project)(path)
    info = read_manifest(path)
    assert info["loras"] == [use.model_dump()]
    assert "LoRA: ink.safetensors (weight 0.8, ltx-video, sha256 abababababababab…)" in describe(
        info
    )
    assert os.path.getsize(path) > 0


def test_the_lora_files_and_cli_need_no_torch():
    import subprocess
    import sys

    code = (
        "import sys, studio.lorafiles, studio.cli.loras, studio.render_service.request_loras, "
        "studio.presets.preset; print('torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_project_file_with_a_lora_path_out_of_the_bundle_is_refused_on_open(film):
    from studio.bundle import Bundle

    bundle, _, _ = film
    text = (bundle.path / "project.json").read_text()
    kept = bundle.project.loras[0].file
    (bundle.path / "project.json").write_text(text.replace(kept, "../../evil.safetensors", 1))
    with pytest.raises(InputError) as err:
        Bundle.load(bundle.path)
    assert "loras[0].file" in str(err.value) and "escapes the project bundle" in str(err.value)


def test_a_project_written_back_as_a_script_keeps_its_loras(film, tmp_path):
    from studio.script.storyboard import load_storyboard
    from studio.script.writer import write_storyboard

    bundle, ink, _ = film
    script = write_storyboard(bundle, tmp_path / "out" / "again.toml")
    board = load_storyboard(script)  # checks every LoRA file again
    top = board.script.lora[0]
    assert board.resolve(top.file).read_bytes() == ink.read_bytes() and top.weight == 0.8
    assert [(lo.file, lo.weight) for lo in board.script.shot[0].lora] == [
        ("grain.safetensors", 0.5)
    ]
    assert board.script.shot[1].lora[0].weight == 0.3
