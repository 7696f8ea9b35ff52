"""Consent checked again in the engine before generation, and again at export."""

from __future__ import annotations

import pytest

from studio.cameo.guard import check_export, engine_preflight
from studio.cameo.store import CameoStore
from studio.engine.animatic.backend import AnimaticBackend
from studio.engine.events import JobFailed, JobFinished
from studio.engine.request import GenerationRequest
from studio.engine.worker import Engine
from studio.errors import PolicyRefusal
from studio.model import Clip, Project, Shot, Take, Track


def test_engine_preflight_conditions_and_refuses_after_revocation(people, face, tmp_path):
    with people.acting_as("maya") as me:
        store = CameoStore()
        store.create("@maya", "Maya Lin", [face], me)
        engine = Engine({"animatic": AnimaticBackend()}, queue_path=tmp_path / "queue.json")
        engine.add_preflight(engine_preflight(project="demo"))
        try:
            request = GenerationRequest(
                prompt="@mаya rides a bike",
                duration=0.5,
                fps=8,
                size=(64, 64),
                bundle=str(tmp_path / "b"),
                previews=False,
            )
            done = engine.wait(engine.submit(request), timeout=60)
            assert isinstance(done, JobFinished), done
            assert done.take.cameos == ["maya"]  # recorded on the take for the export check

            store.revoke("maya", me)  # while a job waits in the queue
            request = GenerationRequest(
                prompt="@maya rides a bike",
                duration=0.5,
                fps=8,
                size=(64, 64),
                bundle=str(tmp_path / "b"),
                previews=False,
            )
            failed = engine.wait(engine.submit(request), timeout=60)
            assert isinstance(failed, JobFailed) and "withdrawn" in failed.reason
        finally:
            engine.shutdown()
        stages = [(e.stage, e.outcome) for e in store.get("maya").log.entries()]
        assert stages == [("engine", "allowed"), ("engine", "refused")]


def _project(cameos: list[str]) -> Project:
    shot = Shot(prompt="@maya waves from a balcony")
    take = Take(
        shot_id=shot.id, path="takes/t1.mp4", engine="animatic", cameos=cameos, prompt=shot.prompt
    )
    plain = Take(shot_id=shot.id, path="takes/t2.mp4", engine="animatic", prompt="a quiet street")
    track = Track(
        name="V1",
        clips=[
            Clip(take_id=take.id, start=0, duration=24),
            Clip(take_id=plain.id, start=24, duration=24),
        ],
    )
    return Project(
        title="Film", shots=[shot], takes={take.id: take, plain.id: plain}, tracks=[track]
    )


def test_export_refused_after_revocation_lists_the_clips(people, face):
    with people.acting_as("maya") as me:
        store = CameoStore()
        store.create("@maya", "Maya Lin", [face], me)
        project = _project(["maya"])
        check_export(project, project_path="film.sbproj")
        store.revoke("maya", me)
        with pytest.raises(PolicyRefusal) as err:
            check_export(project, project_path="film.sbproj")
        text = str(err.value)
        clip = project.tracks[0].clips[0]
        assert clip.id in text and "@maya" in text and "waves from a balcony" in text
        assert project.tracks[0].clips[1].id not in text
        assert "regenerate" in text and "remove" in text
        log = store.get("maya").log.entries()
        assert [(e.stage, e.outcome, e.project) for e in log] == [
            ("export", "allowed", "film.sbproj"),
            ("export", "refused", "film.sbproj"),
        ]


def test_export_catches_a_cameo_the_take_did_not_record(people, face):
    with people.acting_as("maya") as me:
        store = CameoStore()
        store.create("@maya", "Maya Lin", [face], me)
        store.revoke("maya", me)
        with pytest.raises(PolicyRefusal, match="@maya"):
            check_export(_project([]))  # found in the take's prompt instead


def test_export_refused_when_the_cameo_was_removed(people, face):
    with people.acting_as("maya") as me:
        store = CameoStore()
        store.create("@maya", "Maya Lin", [face], me)
        store.remove("maya")
        with pytest.raises(PolicyRefusal, match="no longer on this machine"):
            check_export(_project(["maya"]))
