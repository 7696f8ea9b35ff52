"""The model registry: finds the diffusers models a user already has, without downloading.

Two places are searched: local diffusers folders (anything with a `model_index.json`) under the
search folders (the user data folder's `models/`, `STUDIO_MODEL_PATH`, and folders the caller
adds), and the Hugging Face cache (scanned with huggingface_hub). Each model is inspected
without loading it: family by pipeline class, completeness (every component present, weights in
safetensors), size on disk and a revision hash of its configs and weight index, so a take can
record exactly which weights made it.
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from studio.errors import EngineFailure
from studio.models.families import Family, family_for_pipeline
from studio.models.loadable import SAFE_NAME, class_problem, read_json, safetensors_problem
from studio.paths import user_data_dir

log = logging.getLogger(__name__)

SAFE_LIBRARIES = ("diffusers", "transformers")  # component code comes only from these
PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".ckpt", ".pkl")
WEIGHT_SUFFIXES = (".safetensors", *PICKLE_SUFFIXES)
MAX_DEPTH = 3


@dataclass
class ModelInfo:
    """One model found on disk (not loaded)."""

    id: str  # Hub repo id for cached models, the folder path for local ones
    path: Path  # folder holding model_index.json
    pipeline_class: str | None
    family: Family | None
    source: str  # "folder" or "hf-cache"
    size_bytes: int = 0
    revision: str = ""  # hash of configs + weight index (+ Hub commit for cached models)
    commit: str | None = None
    components: dict[str, tuple[str, str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    # a latent upsampler installed for this model (LTX-2 two-stage generation), if any
    upsampler: Path | None = None

    @property
    def name(self) -> str:
        return self.id if self.source == "hf-cache" else self.path.name

    @property
    def complete(self) -> bool:
        return not self.problems

    @property
    def modality(self) -> str | None:
        return self.family.modality if self.family else None

    @property
    def family_name(self) -> str:
        return self.family.name if self.family else "unknown"

    @property
    def family_problem(self) -> str | None:
        if self.family is not None or (self.problems and self.pipeline_class is None):
            return None  # an unreadable index already says why
        return (
            f"pipeline class '{self.pipeline_class}' is not a supported family "
            f"(file {self.path / 'model_index.json'})"
        )

    @property
    def load_problems(self) -> list[str]:
        """Everything that stops this folder loading: what `models list` shows, what
        `require_usable` (and so the loader) refuses."""
        return ([self.family_problem] if self.family_problem else []) + self.problems

    def require_usable(self) -> None:
        """Raise EngineFailure naming the model and what is wrong with it."""
        if self.family_problem:
            raise EngineFailure(f"model '{self.id}': {self.family_problem}")
        if self.problems:
            raise EngineFailure(f"model '{self.id}' is incomplete: " + "; ".join(self.problems))


def is_diffusers_pipeline_module(library: object) -> bool:
    """True for component libraries that name a pipeline package inside diffusers itself, as
    Stable Audio ("stable_audio") and AudioLDM 2 ("audioldm2") do: not remote code. Checked on
    disk so no import (and no torch) is needed."""
    import importlib.util

    if not isinstance(library, str) or not library.isidentifier():
        return False
    spec = importlib.util.find_spec("diffusers")
    roots = list(spec.submodule_search_locations or []) if spec else []
    return any((Path(root) / "pipelines" / library / "__init__.py").is_file() for root in roots)


def default_search_dirs() -> list[Path]:
    dirs = [user_data_dir() / "models"]
    extra = os.environ.get("STUDIO_MODEL_PATH", "")
    dirs += [Path(p).expanduser() for p in extra.split(os.pathsep) if p.strip()]
    return dirs


class ModelRegistry:
    """Models in the search folders and the Hugging Face cache, looked up by id, name or path."""

    def __init__(self, search_dirs: list[Path] | None = None, include_hf_cache: bool = True):
        self.search_dirs = [Path(d) for d in (search_dirs or [])] + default_search_dirs()
        self.include_hf_cache = include_hf_cache
        self._models: list[ModelInfo] | None = None

    def refresh(self) -> None:
        self._models = None

    def models(self, kind: str | None = None) -> list[ModelInfo]:
        """Every model found; `kind` ("video" / "audio") keeps one modality."""
        if self._models is None:
            self._models = self._scan()
        return [m for m in self._models if kind is None or m.modality == kind]

    def find(self, name: str | None = None, *, kind: str | None = None) -> ModelInfo | None:
        """A model by Hub id, folder path or folder name; with only `kind`, the first of it."""
        if name is None:
            return next(iter(self.models(kind)), None)
        path = Path(name).expanduser()
        if (path / "model_index.json").is_file():
            resolved = path.resolve()
            for m in self.models(kind):
                if m.path.resolve() == resolved:
                    return m
            return inspect_folder(path, str(path), "folder")
        lowered = name.lower()
        for match in (
            lambda m: m.id == name,
            lambda m: m.id.lower() == lowered,
            lambda m: m.path.name.lower() == lowered,
            lambda m: m.id.lower().rsplit("/", 1)[-1] == lowered,
        ):
            found = [m for m in self.models(kind) if match(m)]
            if found:
                return found[0]
        return None

    def resolve(self, name: str, kind: str | None = "video") -> ModelInfo:
        """Like find, but a missing, unknown or incomplete model is an EngineFailure."""
        info = self.find(name, kind=None)
        if info is None:
            known = ", ".join(m.name for m in self.models(kind)) or "none found"
            raise EngineFailure(
                f"model '{name}' not found in {', '.join(map(str, self.search_dirs))} or the "
                f"Hugging Face cache (known: {known}); `storyboard-studio models pull ID` fetches one"
            )
        info.require_usable()
        if kind and info.modality != kind:
            raise EngineFailure(f"model '{name}' is a {info.modality} model, not {kind}")
        return info

    # --- scanning -----------------------------------------------------------------------
    def _scan(self) -> list[ModelInfo]:
        found: dict[Path, ModelInfo] = {}
        for folder in self.search_dirs:
            for index in _find_indexes(folder, MAX_DEPTH):
                try:
                    info = inspect_folder(index.parent, str(index.parent), "folder")
                except OSError as exc:  # a folder we may not read: listed, with why
                    info = ModelInfo(str(index.parent), index.parent, None, None, "folder")
                    info.problems.append(f"{index.parent}: cannot read ({exc})")
                found.setdefault(index.parent.resolve(), info)
        if self.include_hf_cache:
            for info in scan_hf_cache():
                found.setdefault(info.path.resolve(), info)
        return sorted(found.values(), key=lambda m: (m.family_name, m.name.lower()))


def _find_indexes(folder: Path, depth: int):
    if not folder.is_dir():
        return
    if (folder / "model_index.json").is_file():
        yield folder / "model_index.json"
        return
    if depth <= 0:
        return
    try:
        children = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    except OSError:
        return
    for child in children:
        yield from _find_indexes(child, depth - 1)


def hf_cache_dir() -> str:
    """The Hub cache as the environment says now (HF_HUB_CACHE, then HF_HOME/hub), so a
    folder set after huggingface_hub was imported is still honoured."""
    import os

    from huggingface_hub import constants

    if os.environ.get("HF_HUB_CACHE"):
        return os.environ["HF_HUB_CACHE"]
    if os.environ.get("HF_HOME"):
        return str(Path(os.environ["HF_HOME"]) / "hub")
    return constants.HF_HUB_CACHE


def scan_hf_cache() -> list[ModelInfo]:
    """Diffusers pipelines in the Hugging Face cache (the newest snapshot of each repo)."""
    try:
        from huggingface_hub import scan_cache_dir
        from huggingface_hub.errors import CacheNotFound, CorruptedCacheException
    except ImportError as exc:  # the desktop bundle has no huggingface_hub: nothing to scan
        log.info("cannot scan the Hugging Face cache: %s", exc)
        return []
    try:
        try:
            cache = scan_cache_dir(hf_cache_dir())
        except CacheNotFound:
            return []
    except (OSError, CorruptedCacheException) as exc:
        log.info("cannot scan the Hugging Face cache: %s", exc)
        return []
    out = []
    for repo in cache.repos:
        if repo.repo_type != "model":
            continue
        revisions = [
            r for r in repo.revisions if (Path(r.snapshot_path) / "model_index.json").exists()
        ]
        if not revisions:
            continue
        main = [r for r in revisions if "main" in r.refs]
        rev = (main or sorted(revisions, key=lambda r: r.last_modified, reverse=True))[0]
        info = inspect_folder(
            Path(rev.snapshot_path), repo.repo_id, "hf-cache", commit=rev.commit_hash
        )
        info.size_bytes = rev.size_on_disk
        out.append(info)
    return out


def inspect_folder(path: Path, model_id: str, source: str, commit: str | None = None) -> ModelInfo:
    """Read a diffusers folder's index and check every component, without loading anything.

    Never raises: whatever would stop the folder loading becomes a line in `problems`.
    """
    path = Path(path)
    index_file = path / "model_index.json"
    info = ModelInfo(model_id, path, None, None, source, commit=commit)
    index, problem = read_json(index_file)
    if problem:
        info.problems.append(problem)
        return info
    if not isinstance(index, dict):
        info.problems.append(f"{index_file}: not a JSON object")
        return info
    name = index.get("_class_name")
    if not isinstance(name, str):
        info.problems.append(
            f"{index_file}: no _class_name"
            if name is None
            else f"{index_file}: _class_name {str(name)[:60]} is not a diffusers class name "
            "(custom pipeline code is never run)"
        )
        return info
    info.pipeline_class = name
    info.family = family_for_pipeline(name)
    if info.family is not None:
        missing = class_problem("diffusers", name)
        if missing:
            info.problems.append(f"pipeline: {missing}")
    digest = hashlib.sha256(index_file.read_bytes())
    for key in sorted(index):
        value = index[key]
        if (
            key.startswith("_")
            or not isinstance(value, list)
            or len(value) != 2
            or value[0] is None
        ):
            continue
        library, cls = value
        if not isinstance(library, str) or not isinstance(cls, str):
            info.problems.append(f"component '{key[:60]}': library and class must be names")
            continue
        if not SAFE_NAME.match(key) or key in (".", ".."):
            info.problems.append(f"component name {key[:60]!r} is not a folder name")
            continue
        info.components[key] = (library, cls)
        if library not in SAFE_LIBRARIES and not is_diffusers_pipeline_module(library):
            info.problems.append(
                f"component '{key}' needs code from '{library}' (not loaded: no remote code)"
            )
            continue
        missing = class_problem(library, cls)
        if missing:
            info.problems.append(f"component '{key}': {missing}")
            continue
        _check_component(path / key, key, info, digest)
    if info.family is not None and info.family.condition == "LTX2ConditionPipeline":
        info.upsampler = find_upsampler(path)
        if info.upsampler is not None:  # two-stage output differs: part of the revision
            digest.update(str(info.upsampler.name).encode())
    if commit:
        digest.update(commit.encode())
    info.revision = digest.hexdigest()[:16]
    if source == "folder":
        info.size_bytes = folder_size(path)
    return info


UPSAMPLER_CLASS = "LTX2LatentUpsamplePipeline"


def find_upsampler(model: Path) -> Path | None:
    """The LTX-2 latent upsampler installed for `model`: a diffusers folder whose pipeline is
    LTX2LatentUpsamplePipeline, inside the model folder (`latent_upsampler/`) or beside it.
    Decided on disk; a folder that cannot be read is skipped (one stage then)."""
    candidates = [model / "latent_upsampler"]
    try:
        candidates += sorted(
            p for p in model.parent.iterdir() if p.is_dir() and p != model and "upsampl" in p.name
        )
    except OSError:
        pass
    for folder in candidates:
        index, problem = read_json(folder / "model_index.json")
        if (
            problem is None
            and isinstance(index, dict)
            and index.get("_class_name") == (UPSAMPLER_CLASS)
        ):
            return folder
    return None


def _check_component(folder: Path, key: str, info: ModelInfo, digest) -> None:
    if not folder.is_dir():
        info.problems.append(f"component folder '{folder}' is missing")
        return
    files = sorted(p for p in folder.iterdir() if p.is_file() or p.is_symlink())
    for p in files:
        if p.suffix == ".json" and p.is_file():
            try:
                digest.update(p.name.encode() + p.read_bytes())
            except OSError as exc:
                info.problems.append(f"{p}: cannot read ({exc})")
    config_file = folder / "config.json"
    if config_file.exists():
        config, problem = read_json(config_file)
        if problem:
            info.problems.append(problem)
            return
        if not isinstance(config, dict):
            info.problems.append(f"{config_file}: not a JSON object")
            return
        if "auto_map" in config:
            info.problems.append(
                f"{config_file}: auto_map names code in the model folder (no remote code)"
            )
            return
    else:
        return  # tokenizers, schedulers, processors carry no weights
    safetensors = [p for p in files if p.name.endswith(".safetensors")]
    for idx in (p for p in files if p.name.endswith(".safetensors.index.json")):
        index, problem = read_json(idx)
        shards = index.get("weight_map") if isinstance(index, dict) else None
        if problem or not isinstance(shards, dict):
            info.problems.append(problem or f"{idx}: unreadable weight index (no weight_map)")
            continue
        names = {str(s) for s in shards.values()}
        unsafe = [s for s in sorted(names) if not SAFE_NAME.match(s)]
        if unsafe:
            info.problems.append(f"{idx}: weight shard name {unsafe[0][:60]!r} is not a file name")
            continue
        missing = [s for s in sorted(names) if not (folder / s).exists()]
        if missing:
            info.problems.append(f"{folder}: weight shard(s) missing: {', '.join(missing[:3])}")
    for p in safetensors:
        if not p.exists():  # a dangling Hub-cache symlink: the download never finished
            info.problems.append(f"{p}: weights file missing (incomplete download)")
            continue
        broken = safetensors_problem(p)
        if broken:
            info.problems.append(broken)
        else:
            digest.update(f"{p.name}:{p.stat().st_size}".encode())
    if not safetensors:
        pickles = [p.name for p in files if p.suffix in PICKLE_SUFFIXES]
        if pickles:
            info.problems.append(
                f"{folder}: only pickle weights ({', '.join(pickles[:2])}); "
                "safetensors are required (pickle files are never loaded)"
            )
        else:
            info.problems.append(f"{folder}: no weights (*.safetensors) for component '{key}'")


def folder_size(path: Path) -> int:
    seen: set[Path] = set()
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            p = Path(root) / name
            try:
                real = p.resolve()
                if real not in seen:
                    seen.add(real)
                    total += real.stat().st_size
            except OSError:
                continue
    return total


def human_size(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} TB"


def makes_sound(model: str, registry: ModelRegistry | None = None) -> bool:
    """The model (id, folder or name) is of a family that generates sound with its picture.
    An unknown model is False here; loading it says what is wrong."""
    try:
        info = (registry or ModelRegistry()).find(model)
    except (OSError, EngineFailure):
        return False
    return bool(info and info.family and info.family.produces_sound)
