"""Cameo consent on the farm: it travels with the job and the worker checks it, failing closed."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from studio.cameo.identity import load_identity
from studio.cameo.store import CameoStore
from studio.engine.events import JobFailed, JobFinished
from studio.farm.actor import ram_folder
from studio.farm.consent import packet_for
from studio.farm.messages import Done, Failed, FarmJob
from tests.studio.farm.conftest import animatic

ray = pytest.importorskip("ray", reason="the render farm needs Ray: pip install -e '.[farm]'")


def face(path: Path, shade: int = 120) -> Path:
    img = np.zeros((48, 40, 3), np.uint8)
    img[..., 0] = shade
    img[10:30, 12:28] = (230, 190, 160)
    Image.fromarray(img).save(path)
    return path


def leftovers(job_ids: list[str], picture: bytes) -> list[Path]:
    """Anything a job left on this machine's disk or RAM folder: job folders, the picture."""
    found = []
    for root in (ram_folder(), Path(tempfile.gettempdir())):
        for job_id in job_ids:
            found += list(root.glob(f"consent-{job_id}*")) + list(
                root.glob(f"studio-farm-{job_id}-*")
            )
    found += [p for p in ram_folder().rglob("*") if p.is_file() and p.read_bytes() == picture]
    return found


def test_consent_travels_with_the_job_and_a_revocation_is_refused_on_the_worker(
    farm, bundle, tmp_path
):
    me = load_identity("Maya")
    store = CameoStore()
    picture = face(tmp_path / "face.png")
    store.create("@maya", "Maya Lin", [picture], me)
    # no driver-side preflight on this engine: only the worker decides
    ok = farm.wait(farm.submit(animatic(bundle, "@maya rides a bike", cameos=["maya"])), 120)
    assert isinstance(ok, JobFinished), getattr(ok, "reason", ok)
    assert ok.take.cameos == ["maya"]

    store.revoke("maya", me)
    job = farm.submit(animatic(bundle, "@maya rides a bike", cameos=["maya"]))
    refused = farm.wait(job, 120)
    assert isinstance(refused, JobFailed)
    assert "consent refused on farm worker studio-test-" in refused.reason
    assert "withdrawn" in refused.reason

    # a prompt that names a cameo without shipping consent for it is refused too
    bare = farm.wait(farm.submit(animatic(bundle, "@maya waves")), 120)
    assert isinstance(bare, JobFailed) and "consent refused" in bare.reason
    assert "@maya" in bare.reason

    stored = [p for p in store.get("maya").images]
    assert leftovers([ok.job_id, job, bare.job_id], stored[0].read_bytes()) == []


def run_on(worker, job: FarmJob):
    """Run a job on one worker actor directly; its outcome (the last item of the stream)."""
    refs = worker.run.options(num_returns="streaming").remote(job)
    return [ray.get(r) for r in refs][-1]


def test_the_worker_checks_signatures_pictures_expiry_and_replays(cluster, bundle, tmp_path):
    worker = cluster.workers[0][1]
    me = load_identity("Maya")
    store = CameoStore()
    store.create("@maya", "Maya Lin", [face(tmp_path / "face.png")], me)
    request = animatic(bundle, "@maya waves", seconds=0.5, cameos=["maya"]).model_dump(mode="json")
    other = animatic(bundle, "@maya jumps", seconds=0.5, cameos=["maya"]).model_dump(mode="json")

    def job(job_id, packet, req=request):
        return FarmJob(job_id, "animatic", req, consent=packet)

    def refused(outcome, *words):
        assert isinstance(outcome, Failed) and outcome.refused_by_consent, outcome
        for word in words:
            assert word in outcome.reason, outcome.reason

    old = packet_for("old", request, ["maya"])  # record 0
    store.set_policy("maya", me, mode="everyone")  # record 1
    assert isinstance(run_on(worker, job("fresh", packet_for("fresh", request, ["maya"]))), Done)
    refused(run_on(worker, job("old", old)), "older consent record")  # a replay

    refused(run_on(worker, job("x1", packet_for("x1", other, ["maya"]))), "different request")
    refused(run_on(worker, job("x2", packet_for("x1", request, ["maya"]))), "another job")

    tampered = packet_for("x3", request, ["maya"])
    tampered.user_name = "Someone Else"
    refused(run_on(worker, job("x3", tampered)), "signature")

    forged = packet_for("x4", request, ["maya"])
    forged.cameos[0].record["policy"]["deny"] = ["u-nobody"]  # edited after the owner signed
    forged.signature = me.sign(forged.signable())
    refused(run_on(worker, job("x4", forged)), "consent record failed the signature check")

    swapped = packet_for("x5", request, ["maya"])
    name = next(iter(swapped.cameos[0].pictures))
    swapped.cameos[0].pictures[name] = face(tmp_path / "other.png", shade=30).read_bytes()
    swapped.signature = me.sign(swapped.signable())
    refused(run_on(worker, job("x5", swapped)), "changed after the owner signed")

    refused(run_on(worker, job("x6", None)), "carries no consent")

    store.set_policy("maya", me, expires="2001-01-01")
    refused(run_on(worker, job("x7", packet_for("x7", request, ["maya"]))), "expired")


def test_a_worker_of_another_version_refuses_the_job(cluster, bundle):
    from studio.farm.messages import Refused

    worker = cluster.workers[0][1]
    request = animatic(bundle, "a quiet pier", seconds=0.5).model_dump(mode="json")
    outcome = run_on(worker, FarmJob("v1", "animatic", request, studio_version="0.0.1-old"))
    assert isinstance(outcome, Refused) and outcome.kind == "version"
    assert cluster.workers[0][0] in outcome.message and "0.0.1-old" in outcome.message
