"""Consent end to end with two users (two STUDIO_HOME folders) and the files between them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from studio.cameo.guard import check_request, refusals_log
from studio.cameo.store import CameoStore
from studio.cameo.transfer import export_cameo, import_cameo
from studio.engine.request import GenerationRequest
from studio.errors import PolicyRefusal


def req(prompt: str, **kw) -> GenerationRequest:
    return GenerationRequest(prompt=prompt, duration=2.0, shot_id="s1", **kw)


def share(people, owner: str, to: str, tmp_path, name="maya.cameo"):
    """The owner exports their cameo file; the other person imports it."""
    with people.acting_as(owner):
        store = CameoStore()
        path = export_cameo(store.get("maya"), tmp_path / name)
    with people.acting_as(to):
        return import_cameo(CameoStore(), path)


@pytest.fixture
def maya(people, face):
    with people.acting_as("maya") as me:
        CameoStore().create("@maya", "Maya Lin", [face], me)
    return people


def test_owner_may_use_own_cameo_and_images_are_filled(maya):
    with maya.acting_as("maya"):
        r = req("@maya walks through a neon market")
        check_request(r, project="demo")
        assert r.cameos == ["maya"]
        assert len(r.cameo_images) == 1 and r.cameo_images[0].endswith("image-1.png")
        entry = CameoStore().get("maya").log.entries()[-1]
        assert (entry.outcome, entry.rule, entry.project, entry.shot) == (
            "allowed",
            "owner",
            "demo",
            "s1",
        )


def test_unknown_cameo_refused_and_logged(people):
    with people.acting_as("bob"):
        with pytest.raises(PolicyRefusal, match=r"@nobody.*unknown-cameo"):
            check_request(req("@nobody surfing"))
        last = refusals_log().entries()[-1]
        assert last.outcome == "refused" and last.handle == "@nobody"


def test_unconsented_then_granted_then_revoked(maya, tmp_path):
    bob = maya.id("bob")
    share(maya, "maya", "bob", tmp_path)
    with maya.acting_as("bob"):
        with pytest.raises(PolicyRefusal, match="only themself"):
            check_request(req("@maya on a boat"), project="p1")
        log = CameoStore().get("maya").log.entries()
        assert log[-1].outcome == "refused" and log[-1].user_id == bob

    with maya.acting_as("maya") as me:
        CameoStore().grant("maya", me, bob, name="Bob")
    share(maya, "maya", "bob", tmp_path, "v2.cameo")
    with maya.acting_as("bob"):
        r = req("@maya on a boat")
        check_request(r, project="p1")
        assert r.cameos == ["maya"] and r.cameo_images

    with maya.acting_as("maya") as me:
        CameoStore().revoke("maya", me, bob)
    share(maya, "maya", "bob", tmp_path, "v3.cameo")
    with maya.acting_as("bob"):
        with pytest.raises(PolicyRefusal, match="revoked your consent"):
            check_request(req("@maya on a boat"))
        outcomes = [e.outcome for e in CameoStore().get("maya").log.entries()]
        assert outcomes == ["refused", "allowed", "refused"]
        assert CameoStore().get("maya").log.verify_chain()


def test_revoke_all_stops_even_the_owner_at_once(maya):
    with maya.acting_as("maya") as me:
        store = CameoStore()
        store.set_policy("maya", me, mode="everyone")
        check_request(req("@maya"))
        store.revoke("maya", me)
        with pytest.raises(PolicyRefusal, match="withdrawn"):
            check_request(req("@maya"))


def test_old_record_cannot_be_replayed_after_revocation(maya, tmp_path):
    bob = maya.id("bob")
    with maya.acting_as("maya") as me:
        CameoStore().grant("maya", me, bob)
    share(maya, "maya", "bob", tmp_path, "granted.cameo")
    with maya.acting_as("maya") as me:
        CameoStore().revoke("maya", me, bob)
    share(maya, "maya", "bob", tmp_path, "revoked.cameo")
    with maya.acting_as("bob"):
        result = import_cameo(CameoStore(), tmp_path / "granted.cameo")
        assert not result.consent_updated and "newer one was kept" in result.note
        with pytest.raises(PolicyRefusal):
            check_request(req("@maya"))


def test_hand_edited_consent_file_is_rejected(maya, tmp_path):
    share(maya, "maya", "bob", tmp_path)
    with maya.acting_as("bob"):
        path = CameoStore().get("maya").folder / "consent.json"
        data = json.loads(path.read_text())
        data["policy"]["mode"] = "everyone"  # signature left as it was
        path.write_text(json.dumps(data))
        with pytest.raises(PolicyRefusal, match="signature check"):
            check_request(req("@maya"))
        path.write_text("{ not json")
        with pytest.raises(PolicyRefusal, match="unreadable"):
            check_request(req("@maya"))


def test_forged_record_signed_by_someone_else_is_rejected(maya, tmp_path):
    share(maya, "maya", "bob", tmp_path)
    with maya.acting_as("bob") as bob:
        path = CameoStore().get("maya").folder / "consent.json"
        data = json.loads(path.read_text())
        data["policy"]["mode"] = "everyone"
        data["signature"] = bob.sign(data)  # Bob signs it himself: still not the owner
        path.write_text(json.dumps(data))
        with pytest.raises(PolicyRefusal, match="signature check"):
            check_request(req("@maya"))
        data.update(owner_key=bob.public_key, owner_id=bob.user_id)
        data["signature"] = bob.sign(data)
        path.write_text(json.dumps(data))
        with pytest.raises(PolicyRefusal, match="not signed by the cameo's owner"):
            check_request(req("@maya"))


def test_record_copied_to_another_profile_is_rejected(maya, face, tmp_path):
    with maya.acting_as("maya") as me:
        store = CameoStore()
        store.create("@zoe", "Zoe Park", [face], me)
        store.set_policy("maya", me, mode="everyone")
    share(maya, "maya", "bob", tmp_path)
    with maya.acting_as("maya"):
        path = export_cameo(CameoStore().get("zoe"), tmp_path / "zoe.cameo")
    with maya.acting_as("bob"):
        store = CameoStore()
        import_cameo(store, path)
        check_request(req("@maya dancing"))  # everyone may use maya
        with pytest.raises(PolicyRefusal):
            check_request(req("@zoe dancing"))  # zoe is only-me
        maya_record = (store.get("maya").folder / "consent.json").read_text()
        (store.get("zoe").folder / "consent.json").write_text(maya_record)
        with pytest.raises(PolicyRefusal, match="belongs to another cameo"):
            check_request(req("@zoe dancing"))


def test_swapped_reference_image_is_rejected(maya, tmp_path):
    with maya.acting_as("maya") as me:
        CameoStore().set_policy("maya", me, mode="everyone")
    share(maya, "maya", "bob", tmp_path)
    with maya.acting_as("bob"):
        image = CameoStore().get("maya").images[0]
        image.write_bytes(image.read_bytes() + b"someone else")
        with pytest.raises(PolicyRefusal, match="changed after the owner signed"):
            check_request(req("@maya"))


def test_tampered_cameo_file_is_not_imported(maya, tmp_path):
    import zipfile

    with maya.acting_as("maya"):
        path = export_cameo(CameoStore().get("maya"), tmp_path / "m.cameo")
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    consent = json.loads(members["consent.json"])
    consent["policy"]["mode"] = "everyone"
    members["consent.json"] = json.dumps(consent).encode()
    bad = tmp_path / "bad.cameo"
    with zipfile.ZipFile(bad, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    with maya.acting_as("bob"):
        with pytest.raises(PolicyRefusal, match="not accepted"):
            import_cameo(CameoStore(), bad)
        assert CameoStore().find("maya") is None


def test_expiry_and_grant_until(maya, tmp_path):
    bob = maya.id("bob")
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    with maya.acting_as("maya") as me:
        CameoStore().grant("maya", me, bob, until=yesterday)
    share(maya, "maya", "bob", tmp_path)
    with maya.acting_as("bob"):
        with pytest.raises(PolicyRefusal, match="approval expired"):
            check_request(req("@maya"))
    with maya.acting_as("maya") as me:
        store = CameoStore()
        store.set_policy("maya", me, mode="everyone", expires=yesterday)
        with pytest.raises(PolicyRefusal, match="consent expired"):
            check_request(req("@maya"))
        store.set_policy("maya", me, expires=None)
        check_request(req("@maya"))


def test_restriction_no_advertising(maya):
    with maya.acting_as("maya") as me:
        CameoStore().set_policy("maya", me, restrictions=["no-advertising"])
        check_request(req("@maya reading in a park"))
        with pytest.raises(PolicyRefusal, match="no advertising"):
            check_request(req("@maya holding a soda in a TV commercial"))


def test_only_the_owner_changes_consent(maya, tmp_path):
    share(maya, "maya", "bob", tmp_path)
    with maya.acting_as("bob") as bob:
        with pytest.raises(PolicyRefusal, match="only the owner"):
            CameoStore().set_policy("maya", bob, mode="everyone")


def test_at_most_two_cameos_per_shot(maya, face):
    with maya.acting_as("maya") as me:
        store = CameoStore()
        store.create("zoe", "Zoe Park", [face], me)
        store.create("ana", "Ana Ruiz", [face, face], me)
        r = req("@maya and @zoe", prompt_b="Ana Ruiz at dusk")
        with pytest.raises(PolicyRefusal, match="at most 2 cameos"):
            check_request(r)
        r = req("@zoe talks to @ana")
        check_request(r)
        assert r.cameos == ["zoe", "ana"]
        # first image of each cameo first, so backends can pair images with handles
        assert [p.split("/")[-1] for p in r.cameo_images] == [
            "image-1.png",
            "image-1.png",
            "image-2.png",
        ]
        assert "/" + store.get("zoe").profile.profile_id + "/" in r.cameo_images[0]


def test_public_figure_needs_an_attested_consented_cameo(people, face, tmp_path):
    with people.acting_as("bob"):
        with pytest.raises(PolicyRefusal, match="Taylor Swift, a public figure"):
            check_request(req("Tаylor  Swift singing on stage"))  # Cyrillic а
        with pytest.raises(PolicyRefusal, match="public figure"):
            CameoStore().create("@tswift", "Taylor Swift", [face], load_identity_())
    bob = people.id("bob")
    with people.acting_as("taylor") as me:
        store = CameoStore()
        store.create("@tswift", "Taylor Swift", [face], me, attest_identity=True)
        store.grant("tswift", me, bob)
        path = export_cameo(store.get("tswift"), tmp_path / "t.cameo")
    with people.acting_as("bob"):
        import_cameo(CameoStore(), path)
        check_request(req("@tswift and Taylor Swift singing on stage"))
        with pytest.raises(PolicyRefusal, match="Barack Obama"):
            check_request(req("@tswift with Barack Obama"))


def load_identity_():
    from studio.cameo.identity import load_identity

    return load_identity()


def test_policy_refusal_names_category_and_logs_to_cameo(maya):
    with maya.acting_as("maya"):
        with pytest.raises(PolicyRefusal, match="graphic violence"):
            check_request(req("@maya decapitated in a gory scene"))
        entry = CameoStore().get("maya").log.entries()[-1]
        assert entry.outcome == "refused" and "graphic violence" in entry.reason


def test_use_log_is_append_only_and_edits_are_detected(maya):
    with maya.acting_as("maya"):
        for _ in range(3):
            check_request(req("@maya"))
        log = CameoStore().get("maya").log
        assert len(log.entries()) == 3 and log.verify_chain()
        lines = log.path.read_text().splitlines()
        log.path.write_text("\n".join(lines[:1] + lines[2:]) + "\n")  # delete one entry
        assert not log.verify_chain()


def test_uses_travel_back_to_the_owner(maya, tmp_path):
    with maya.acting_as("maya") as me:
        CameoStore().set_policy("maya", me, mode="everyone")
    share(maya, "maya", "bob", tmp_path)
    with maya.acting_as("bob"):
        check_request(req("@maya skating"), project="bobs-film")
        back = export_cameo(CameoStore().get("maya"), tmp_path / "back.cameo")
    with maya.acting_as("maya"):
        from studio.cameo.guard import uses_of_my_cameos

        result = import_cameo(CameoStore(), back)
        assert result.log_entries_added == 1 and not result.consent_updated
        uses = uses_of_my_cameos()
        assert uses[0][1].project == "bobs-film" and uses[0][1].user_name == "Bob"
        assert import_cameo(CameoStore(), back).log_entries_added == 0  # no duplicates
