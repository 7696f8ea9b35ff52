"""LoRAs attached to the loaded pipeline for one job and detached after, without a reload.

Each LoRA becomes a named PEFT adapter of the pipeline's transformer (diffusers'
`load_lora_weights` of the family's loader mixin); between jobs only the difference is applied:
adapters no longer asked for are deleted, new ones loaded, and `set_adapters` sets the weights.
A job with no LoRA after one with LoRAs unloads them all (`unload_lora_weights`), which puts
the original layers back, so the pipeline gives exactly what it gave before. Nothing is fused
into the weights (fusing and unfusing in bf16 would not restore them bit for bit).

Files are read as safetensors only, by this module (a path handed to diffusers could be loaded
with pickle); the family check refuses a LoRA whose metadata names another family, or whose
layers or shapes are not the loaded transformer's (see studio.lorafiles.family).
"""

from __future__ import annotations

import contextlib
import logging
import re
import warnings
from pathlib import Path

from studio.errors import EngineFailure, InputError, Location
from studio.lorafiles.family import FamilyGuess, lora_family
from studio.lorafiles.header import file_sha256, read_header
from studio.model.lora import LoraRef, LoraUse

log = logging.getLogger(__name__)

_LAYER = re.compile(r"^(?P<module>.+)\.lora_(?P<ab>[AB])\.weight$")
_SHOWN = 3  # mismatching layers named in a refusal


def attach_loras(loaded, loras: list[LoraRef]) -> list[LoraUse]:
    """Make `loras` (absolute files, weights) the adapters of `loaded.pipe`; what is attached.

    `loaded.loras` maps sha256 → adapter name of what is attached now."""
    pipe, family = loaded.pipe, loaded.info.family
    if not loras and not loaded.loras:
        return []
    wanted: dict[str, tuple[Path, float, FamilyGuess]] = {}
    for ref in loras:
        path = Path(ref.file)
        where = Location(file=str(path))
        header = read_header(path, where, follow_links=True)
        guess = lora_family(header)
        if guess.how == "metadata" and guess.name != family.name:
            raise InputError(_refusal(path, guess, loaded), where)
        wanted[file_sha256(path)] = (path, ref.weight, guess)
    if not wanted:
        pipe.unload_lora_weights()  # the original layers back: the output is as before
        loaded.loras.clear()
        return []
    stale = [sha for sha in loaded.loras if sha not in wanted]
    if stale:
        pipe.delete_adapters([loaded.loras.pop(sha) for sha in stale])
    _require_loader(pipe, loaded)
    for sha, (path, _, guess) in wanted.items():
        if sha not in loaded.loras:
            name = f"lora_{sha[:16]}"
            _load(pipe, path, name, guess, loaded)
            loaded.loras[sha] = name
    names = [loaded.loras[sha] for sha in wanted]
    pipe.set_adapters(names, adapter_weights=[w for _, w, _ in wanted.values()])
    return [
        LoraUse(name=path.name, sha256=sha, weight=weight, family=family.name)
        for sha, (path, weight, _) in wanted.items()
    ]


def _require_loader(pipe, loaded) -> None:
    from diffusers.loaders.lora_base import LoraBaseMixin

    if not isinstance(pipe, LoraBaseMixin):
        raise EngineFailure(
            f"{loaded.info.family.title} pipelines ({pipe.__class__.__name__}) cannot take LoRAs "
            "in this diffusers version"
        )


def _load(pipe, path: Path, name: str, guess: FamilyGuess, loaded) -> None:
    """Read the file (safetensors), convert it with the family's loader, check that every layer
    it changes is the transformer's with the same shape, then attach it as adapter `name`."""
    from safetensors.torch import load_file

    where = Location(file=str(path))
    try:
        raw = load_file(str(path), device="cpu")
        state = pipe.lora_state_dict(raw)
    except Exception as exc:  # a layout the family's converter does not know
        raise InputError(
            _refusal(path, guess, loaded) + f" ({exc.__class__.__name__}: {exc})", where
        ) from None
    state = _with_component_prefix(state[0] if isinstance(state, tuple) else state, pipe)
    misfits, layers = _misfits(pipe, state)
    if not layers or misfits:
        detail = "; ".join(misfits[:_SHOWN]) if misfits else "it changes no layer"
        raise InputError(f"{_refusal(path, guess, loaded)}: {detail}", where)
    try:
        with warnings.catch_warnings():  # a second adapter is what we mean to have
            warnings.filterwarnings("ignore", message="Already found a `peft_config`")
            pipe.load_lora_weights(state, adapter_name=name)
    except Exception as exc:
        with contextlib.suppress(Exception):  # no half-attached adapter left behind
            pipe.delete_adapters([name])
        raise EngineFailure(
            f"LoRA {path.name} could not be attached: {exc.__class__.__name__}: {exc}"
        ) from None
    log.info("attached LoRA %s as %s (%d layers)", path.name, name, layers)


def _with_component_prefix(state: dict, pipe) -> dict:
    """Keys as diffusers expects them: `<component>.<layer>...` (PEFT files often lack it)."""
    state = {k.removeprefix("base_model.model."): v for k, v in state.items()}
    components = tuple(f"{c}." for c in _components(pipe))
    if any(k.startswith(components) for k in state):
        return state
    return {f"transformer.{k}": v for k, v in state.items()}


def _components(pipe) -> list[str]:
    return list(getattr(pipe, "_lora_loadable_modules", None) or ["transformer"])


def _misfits(pipe, state: dict) -> tuple[list[str], int]:
    """Layers of the LoRA that are not in the pipeline, or not of the same shape; and how many
    layers it changes."""
    misfits, modules = [], set()
    components = _components(pipe)
    for key, tensor in state.items():
        match = _LAYER.match(key)
        if not match:
            continue
        component, _, layer = match["module"].partition(".")
        modules.add(match["module"])
        target = getattr(pipe, component, None) if component in components else None
        try:
            module = target.get_submodule(layer) if target is not None else None
        except AttributeError:
            module = None
        if module is None:
            misfits.append(f"the model has no layer {match['module']}")
            continue
        size_in, size_out = (
            getattr(module, "in_features", None),
            getattr(module, "out_features", None),
        )
        if size_in is None or tensor.ndim != 2:
            continue  # convolutions and the like: PEFT checks them when it loads
        if (match["ab"] == "A" and tensor.shape[1] != size_in) or (
            match["ab"] == "B" and tensor.shape[0] != size_out
        ):
            misfits.append(
                f"layer {match['module']} is {size_in}→{size_out} in the model, "
                f"not what lora_{match['ab']} {tuple(tensor.shape)} changes"
            )
    return misfits, len(modules)


def _refusal(path: Path, guess: FamilyGuess, loaded) -> str:
    family = loaded.info.family
    if guess.name == family.name:
        return f"the LoRA {path.name} does not fit the model '{loaded.info.id}' ({family.title})"
    made = (
        f"made for {guess.title} (by its {guess.how})" if guess.known else "made for another model"
    )
    return (
        f"the LoRA {path.name} was {made}; it does not fit {family.title} "
        f"(the model '{loaded.info.id}')"
    )
