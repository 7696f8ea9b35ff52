"""Requests carry the cast; its descriptions are checked like the prompt; warnings cross the
worker-process wire. No model here."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from studio.bundle import Bundle
from studio.cameo.guard import check_request
from studio.cameo.store import CameoStore
from studio.engine.diffusion.references import gather, with_descriptions
from studio.engine.events import JobWarning
from studio.engine.remote import wire
from studio.engine.request import CastReference, GenerationRequest
from studio.errors import PolicyRefusal
from studio.model import CastMember, Operation, Project, Shot
from studio.render_service import GenerationSettings, picture_request
from tests.studio.cast.conftest import picture


def test_requests_carry_the_members_their_prompts_name(tmp_path):
    bundle = Bundle.create(tmp_path / "film.sbproj", Project(title="Cast"))
    oro = bundle.import_media(picture(tmp_path / "oro.png", (250, 120, 20)))
    bundle.project.cast = [
        CastMember(name="Oro", description="a small orange robot", images=[oro]),
        CastMember(name="Orora", description="someone else"),
        CastMember(cameo="maya", description="in a red jacket"),
    ]
    shot = Shot(prompt="oro looks at the sea", duration=1.0)
    bundle.project.shots.append(shot)
    request = picture_request(bundle, shot, GenerationSettings())
    assert request.cast == [
        CastReference(
            key="Oro",
            description="a small orange robot",
            images=[str(bundle.resolve(oro))],
        )
    ]
    assert Path(request.cast[0].images[0]).is_absolute() and request.cameos == []
    # a prompt-blend's second prompt names members too; a cameo carries no pictures
    blend = picture_request(
        bundle, shot, GenerationSettings(), Operation.REMIX, prompt_b="@maya waves"
    )
    assert [c.key for c in blend.cast] == ["Oro", "@maya"] and blend.cast[1].images == []
    assert blend.cameos == ["maya"]


def test_descriptions_join_the_prompt_and_cameo_pictures_come_only_from_the_check():
    cast = [
        CastReference(key="Oro", description="a small orange robot", images=["/a.png"]),
        CastReference(key="@maya", cameo="maya", images=["/smuggled.png"]),
    ]
    assert with_descriptions("Oro waves at @maya.", cast) == (
        "Oro waves at @maya. Oro: a small orange robot"
    )
    request = GenerationRequest(prompt="Oro waves at @maya", duration=1, cast=cast, cameos=["maya"])
    found = gather(request)  # no consent check ran: no cameo picture at all
    assert [p.path for p in found.pictures] == ["/a.png"] and found.keys == ["Oro", "@maya"]
    assert found.first_frame == "/a.png"
    checked = request.model_copy(update={"cameo_images": ["/profile/image-1.png"]})
    found = gather(checked)
    assert [(p.path, p.cameo) for p in found.pictures] == [
        ("/a.png", False),
        ("/profile/image-1.png", True),
    ]
    only_cameo = checked.model_copy(update={"cast": cast[1:]})
    assert gather(only_cameo).first_frame is None  # a real person never opens the shot


def test_a_description_is_checked_like_the_prompt(people, face):
    with people.acting_as("leo") as me:
        CameoStore().create("@leo", "Leo Park", [face], me)
        described = CastReference(key="Oro", description="a robot who looks like @zoe")
        with pytest.raises(PolicyRefusal, match="@zoe"):
            check_request(GenerationRequest(prompt="Oro waves", duration=1, cast=[described]))
        request = GenerationRequest(
            prompt="Oro waves",
            duration=1,
            cast=[CastReference(key="Oro", description="with @leo's smile")],
        )
        check_request(request)
        assert request.cameos == ["leo"] and request.cameo_images  # his, from his profile


def test_a_warning_crosses_the_worker_wire():
    header, blob = wire.event_message(JobWarning("j1", message="Wan cannot take references"))
    stream = io.BytesIO()
    wire.send(stream, header, blob)
    stream.seek(0)
    back, _ = wire.receive(stream)
    assert back == {"t": "warning", "job": "j1", "message": "Wan cannot take references"}
