"""FarmWorker: the Ray actor on a farm machine that runs jobs with the engine's own backends.

One actor per GPU (num_gpus=1), or per CPU slot for animatic-only machines. It keeps the
diffusion pipeline of the model it last ran, so jobs of that model skip loading; it resolves
models by the same id in its own model registry and refuses a job whose model it does not have.
`run` is a Ray streaming generator: it yields the job's StepProgress / PreviewFrame events as
they happen and then exactly one outcome (messages.Done / Refused / Failed / Stopped).
This module imports no Ray: the pool wraps the class with `ray.remote` when a cluster is used.
"""

from __future__ import annotations

import logging
import queue
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from studio import __version__
from studio.engine.backend import Backend, JobContext
from studio.engine.events import EngineEvent, StepProgress
from studio.engine.request import GenerationRequest
from studio.engine.worker import Engine, describe_failure
from studio.errors import Cancelled, EngineFailure
from studio.farm.consent import ConsentRefused, Verified, verify_on_worker
from studio.farm.messages import Done, Failed, FarmJob, Outcome, Refused, Stopped, WorkerInfo

log = logging.getLogger(__name__)

ANIMATIC = "animatic"
DIFFUSERS = "diffusers"
OUTCOMES = (Done, Refused, Failed, Stopped)


def ram_folder() -> Path:
    """Where cameo pictures are staged for a job: memory (/dev/shm) when the OS has it."""
    shm = Path("/dev/shm")
    root = shm if shm.is_dir() and _writable(shm) else Path(tempfile.gettempdir())
    folder = root / "studio-farm"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def _writable(folder: Path) -> bool:
    try:
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


class ModelMissing(Exception):
    """This worker does not have the model a job asks for."""


class FarmWorker:
    """Runs one job at a time; `status`, `cancel` and `ping` answer while a job runs."""

    def __init__(
        self,
        name: str,
        model_dirs: list[str] | None = None,
        include_hf_cache: bool = True,
    ):
        self.name = name
        self._model_dirs = [Path(d) for d in model_dirs or []]
        self._include_hf_cache = include_hf_cache
        self._busy = threading.Lock()
        self._running: dict[str, str] = {}  # job id → label
        self._cancels: dict[str, threading.Event] = {}
        self._steps: dict[str, int] = {}
        self._steps_at_cancel: dict[str, int] = {}
        self._seen_seq: dict[str, int] = {}  # consent record numbers already seen, per profile
        self._warm: set[str] = set()  # non-diffusion backends that ran here
        self._local = Engine(autostart=False)  # used only as a backend registry
        self._diffusion = None
        self._stage_root = ram_folder()
        self._presets_root = Path(tempfile.mkdtemp(prefix="studio-farm-presets-"))
        self._register_backends()

    def _register_backends(self) -> None:
        from studio.engine.animatic import AnimaticBackend
        from studio.engine.sound import register_sound_backends

        self._local.register(ANIMATIC, lambda: AnimaticBackend(self._presets(None)))
        register_sound_backends(self._local)

    # --- answered at any time ------------------------------------------------------------
    def info(self) -> WorkerInfo:
        return WorkerInfo(
            name=self.name,
            node=_node_ip(),
            gpus=tuple(str(g) for g in _gpu_ids()),
            loaded=tuple(self.loaded()),
            running=tuple(f"{j}: {label}" for j, label in list(self._running.items())),
            version=__version__,
        )

    def ping(self) -> WorkerInfo:
        return self.info()

    def loaded(self) -> list[str]:
        keys = sorted(self._warm)
        model = self._diffusion.loaded_model if self._diffusion is not None else None
        if model is not None:
            keys.append(f"{DIFFUSERS}:{model.id}")
        return keys

    def cancel(self, job_id: str) -> bool:
        """Stop a job at its next step (remembered if the job has not started here yet)."""
        self._steps_at_cancel.setdefault(job_id, self._steps.get(job_id, 0))
        self._cancels.setdefault(job_id, threading.Event()).set()
        return job_id in self._running

    def release(self) -> None:
        """Free the loaded models (GPU memory) between renders."""
        with self._busy:
            self._local.release()
            if self._diffusion is not None:
                self._diffusion.release()

    # --- the job -------------------------------------------------------------------------
    def run(self, job: FarmJob) -> Iterator[EngineEvent | Outcome]:
        """Stream a job's events, then its outcome (call with num_returns="streaming")."""
        if job.studio_version and job.studio_version != __version__:
            yield Refused(
                "version",
                f"farm worker {self.name} ({_node_ip()}) runs Storyboard Studio {__version__}, "
                f"the job comes from {job.studio_version}: install the same version everywhere",
                self.info(),
            )
            return
        if not self._busy.acquire(blocking=False):
            yield Refused("busy", f"farm worker {self.name} is running another job", self.info())
            return
        events: queue.Queue = queue.Queue()
        try:
            label = str(job.request.get("label") or job.request.get("prompt", ""))[:60]
            self._running[job.job_id] = label
            thread = threading.Thread(
                target=self._work, args=(job, events), name=f"farm-{job.job_id}", daemon=True
            )
            thread.start()
            while not isinstance(item := events.get(), OUTCOMES):
                yield item
            thread.join()
        finally:
            for table in (self._running, self._cancels, self._steps, self._steps_at_cancel):
                table.pop(job.job_id, None)
            self._busy.release()
        yield item  # last, once this worker is free: the driver may send the next job at once

    def _work(self, job: FarmJob, events: queue.Queue) -> None:
        cancel = self._cancels.setdefault(job.job_id, threading.Event())
        folder = Path(tempfile.mkdtemp(prefix=f"studio-farm-{job.job_id}-"))
        verified = Verified(None)

        def emit(event: EngineEvent) -> None:
            if isinstance(event, StepProgress) and event.phase != "loading":
                self._steps[job.job_id] = event.step
            events.put(event)

        try:
            request = _staged_request(job, folder)
            backend = self._backend_for(job, request, folder)
            (folder / "out").mkdir()
            ctx = JobContext(job.job_id, folder / "out", emit, cancel)
            ctx.check_cancelled()
            if job.backend == DIFFUSERS:
                ctx.step(0, 1, phase="loading")
                backend.load(request.model)  # consent is checked after loading, before sampling
            ctx.check_cancelled()
            verified = verify_on_worker(
                job.consent, job.job_id, job.request, self._stage_root, self._seen_seq
            )
            request.cameos = verified.handles
            request.cameo_images = verified.pictures
            started = time.perf_counter()
            result = backend.generate(request, ctx)
            seconds = time.perf_counter() - started
            ctx.check_cancelled()
            data = result.path.read_bytes()
            if job.backend != DIFFUSERS:
                self._warm.add(job.backend)
            described = result.model_dump(mode="json", exclude={"path"})
            events.put(Done(described, result.path.suffix, data, self.info(), seconds))
        except Cancelled:
            at = self._steps_at_cancel.get(job.job_id)
            events.put(Stopped(at, self._steps.get(job.job_id, 0), self.info()))
        except ModelMissing as exc:
            events.put(Refused("model", str(exc), self.info()))
        except ConsentRefused as exc:
            reason = f"consent refused on farm worker {self.name} ({_node_ip()}): {exc}"
            events.put(Failed(reason, "", self.info(), refused_by_consent=True))
        except BaseException as exc:  # the job fails; the worker goes on
            reason, hint = describe_failure(exc)
            log.info("farm job %s failed: %s", job.job_id, reason, exc_info=True)
            events.put(Failed(reason, hint, self.info()))
        finally:
            verified.discard()
            shutil.rmtree(folder, ignore_errors=True)

    def _backend_for(self, job: FarmJob, request: GenerationRequest, folder: Path) -> Backend:
        if job.backend == ANIMATIC and job.preset_toml:
            from studio.engine.animatic import AnimaticBackend

            return AnimaticBackend(self._presets(job, folder))
        if job.backend == DIFFUSERS:
            backend = self._diffusers()
            try:
                backend.model_info(request.model)
            except EngineFailure as exc:
                raise ModelMissing(
                    f"farm worker {self.name} ({_node_ip()}) does not have model "
                    f"'{request.model}': {exc}"
                ) from None
            return backend
        try:
            return self._local.backend(job.backend)
        except Exception as exc:
            raise EngineFailure(f"farm worker {self.name}: {exc}") from None

    def _diffusers(self):
        if self._diffusion is None:
            from studio.engine.diffusion.backend import DiffusersBackend
            from studio.models.registry import ModelRegistry

            registry = ModelRegistry(self._model_dirs, include_hf_cache=self._include_hf_cache)
            self._diffusion = DiffusersBackend(registry=registry)
        return self._diffusion

    def _presets(self, job: FarmJob | None, folder: Path | None = None):
        """Built-in presets plus the user presets the job brought (never this machine's own)."""
        from studio.presets.library import PresetLibrary

        user_dir = self._presets_root
        if job is not None and folder is not None:
            user_dir = folder / "presets"
            user_dir.mkdir()
            for name, text in job.preset_toml.items():
                (user_dir / f"{Path(name).name}.toml").write_text(text, encoding="utf-8")
        return PresetLibrary(user_dir=user_dir)


def _staged_request(job: FarmJob, folder: Path) -> GenerationRequest:
    """The request with every file it names written into the job's folder, paths rewritten."""
    data = dict(job.request)
    staged: dict[str, str] = {}
    for i, (original, content) in enumerate(job.files.items()):
        target = folder / "in" / f"{i}{Path(original).suffix}"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        staged[original] = str(target)
    for key in ("image", "last_image"):
        if data.get(key):
            data[key] = staged.get(data[key], data[key])
    data["keyframes"] = [
        {**k, "image": staged.get(k["image"], k["image"])} for k in data.get("keyframes") or []
    ]
    data["sources"] = [
        {**s, "path": staged.get(s["path"], s["path"])} for s in data.get("sources") or []
    ]
    data["cast"] = [
        {**c, "images": [] if c.get("cameo") else [staged.get(i, i) for i in c["images"]]}
        for c in data.get("cast") or []
    ]
    data["cameo_images"] = []  # only pictures that pass the consent check are used
    if "bundle" in data:
        data["bundle"] = None  # the take comes back to the driver; nothing is written there
    return GenerationRequest.model_validate(data)


def _ray_if_running():
    """Ray when this process is a Ray worker (never starts a local Ray instance)."""
    import sys

    ray = sys.modules.get("ray")
    return ray if ray is not None and ray.is_initialized() else None


def _node_ip() -> str:
    ray = _ray_if_running()
    return ray.util.get_node_ip_address() if ray else "local"


def _gpu_ids() -> list:
    ray = _ray_if_running()
    return list(ray.get_gpu_ids()) if ray else []
