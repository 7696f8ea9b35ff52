"""A revocation cannot be rolled back: not by `cameo remove` + an old file, nor by deleting,
damaging or replacing the consent file (issue 10, defect 4)."""

from __future__ import annotations

import json
import shutil

import pytest

from studio.cameo.guard import check_request
from studio.cameo.ledger import LEDGER_NAME
from studio.cameo.store import CameoStore
from studio.cameo.transfer import export_cameo, import_cameo
from studio.cli.main import main
from studio.engine.request import GenerationRequest
from studio.errors import PolicyRefusal
from studio.paths import user_data_dir


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def req(prompt: str = "@maya rides a bike") -> GenerationRequest:
    return GenerationRequest(prompt=prompt, duration=1.0, shot_id="s1")


@pytest.fixture
def files(people, face, tmp_path):
    """Maya's cameo as "everyone" (old file), then withdrawn (new file); Bob saw both."""
    with people.acting_as("maya") as me:
        store = CameoStore()
        store.create("@maya", "Maya Lin", [face], me)
        store.set_policy("maya", me, mode="everyone")
        old = export_cameo(store.get("maya"), tmp_path / "old-everyone.cameo")
        store.revoke("maya", me)
        new = export_cameo(store.get("maya"), tmp_path / "revoked.cameo")
    with people.acting_as("bob"):
        import_cameo(CameoStore(), old)
        check_request(req())  # allowed while "everyone"
        import_cameo(CameoStore(), new)
        with pytest.raises(PolicyRefusal, match="withdrawn"):
            check_request(req())
    return old, new


def test_remove_then_import_of_the_old_file_is_refused(people, files, capsys, tmp_path):
    old, _ = files
    board = tmp_path / "board.toml"
    board.write_text('[[shot]]\nprompt = "@maya rides a bike"\nduration = 0.5\n')
    with people.acting_as("bob"):
        assert run(capsys, "cameo", "remove", "maya")[0] == 0
        code, out, err = run(capsys, "cameo", "import", str(old))
        assert code == 3, out
        assert "#1 is older than record #2" in err and "cannot undo a revocation" in err
        assert "maya" not in run(capsys, "cameo", "list")[1]  # nothing was imported
        code, _, err = run(capsys, "render", str(board), "-o", str(tmp_path / "o.mp4"))
        assert code == 3 and "@maya" in err
        assert not (tmp_path / "o.mp4").exists()


def test_ledger_lives_outside_the_cameo_folder(people, files):
    with people.acting_as("bob"):
        store = CameoStore()
        assert store.ledger.path == user_data_dir() / LEDGER_NAME
        maya = store.get("maya")
        assert not store.ledger.path.is_relative_to(maya.folder)
        store.remove("maya")
        tomb = store.ledger.newest(maya.profile.profile_id, maya.profile.owner_key)
        assert tomb is not None and tomb.seq == 2 and tomb.policy.mode == "withdrawn"
        assert store.ledger.broken_line() is None


@pytest.mark.parametrize("damage", ["delete", "corrupt", "empty"])
def test_lost_consent_file_then_old_import_is_refused(people, files, damage):
    old, new = files
    with people.acting_as("bob"):
        consent = CameoStore().get("maya").folder / "consent.json"
        if damage == "delete":
            consent.unlink()
        else:
            consent.write_text("{ not json" if damage == "corrupt" else "")
        with pytest.raises(PolicyRefusal, match="already seen consent record #2"):
            check_request(req())  # fails closed, never "no record → allowed"
        with pytest.raises(PolicyRefusal, match="older than record #2"):
            import_cameo(CameoStore(), old)
        with pytest.raises(PolicyRefusal, match="already seen consent record #2"):
            check_request(req())
        result = import_cameo(CameoStore(), new)  # the current file repairs it
        assert result.consent_updated
        with pytest.raises(PolicyRefusal, match="withdrawn"):
            check_request(req())


def test_an_old_consent_file_put_back_by_hand_gives_no_consent(people, files, tmp_path):
    old, _ = files
    with people.acting_as("bob"):
        folder = CameoStore().get("maya").folder
        shutil.unpack_archive(old, tmp_path / "unpacked", "zip")
        shutil.copyfile(tmp_path / "unpacked" / "consent.json", folder / "consent.json")
        assert json.loads((folder / "consent.json").read_text())["seq"] == 1
        with pytest.raises(PolicyRefusal, match="#1 is older than record #2"):
            check_request(req())


def test_a_deleted_ledger_line_is_detected_and_forged_tombstones_are_ignored(people, files):
    with people.acting_as("bob"):
        ledger = CameoStore().ledger
        lines = ledger.path.read_bytes().splitlines(keepends=True)
        assert len(lines) >= 2
        forged = json.loads(lines[-1])
        forged["record"]["seq"] = 99  # no longer signed by the owner
        ledger.path.write_bytes(b"".join([*lines, json.dumps(forged).encode() + b"\n"]))
        pid, key = forged["profile_id"], forged["record"]["owner_key"]
        assert ledger.newest(pid, key).seq == 2
        ledger.path.write_bytes(b"".join(lines[1:]))  # the first line removed
        assert ledger.broken_line() == 1


def test_a_torn_last_line_does_not_break_the_chain(people, files, face):
    with people.acting_as("bob"):
        ledger = CameoStore().ledger
        with open(ledger.path, "ab") as f:
            f.write(b'{"kind": "consent", "tor')  # a crash in the middle of a write
        assert ledger.broken_line() is None
        ledger.note_take("ab" * 32, 10, [])
        assert ledger.broken_line() is None and ledger.take("ab" * 32) is not None


def test_the_owner_can_still_change_consent_after_restoring_an_old_file(people, face, tmp_path):
    with people.acting_as("maya") as me:
        store = CameoStore()
        store.create("@maya", "Maya Lin", [face], me)
        folder = store.get("maya").folder
        first = (folder / "consent.json").read_text()
        store.set_policy("maya", me, mode="everyone")
        (folder / "consent.json").write_text(first)  # restored from an old backup
        record = store.set_policy("maya", me, mode="approved")
        assert record.seq == 2  # numbered after the newest ever seen, not after the file
        assert CameoStore().get("maya").decision(me.user_id).allowed


def test_a_record_signed_by_another_key_cannot_shadow_the_owners_tombstone(people, files):
    from studio.cameo.consent import ConsentMode, ConsentPolicy, issue_record

    old, _ = files
    with people.acting_as("mallory") as mallory:
        with people.acting_as("bob"):
            maya = CameoStore().get("maya").profile
        fake = maya.model_copy(
            update={"owner_id": mallory.user_id, "owner_key": mallory.public_key}
        )
        record = issue_record(fake, ConsentPolicy(mode=ConsentMode.EVERYONE), mallory, None)
        record.seq = 50
        record.signature = mallory.sign(record.signable())
    with people.acting_as("bob"):
        store = CameoStore()
        assert store.ledger.note_record(record)  # a valid signature, by its own key
        assert store.ledger.newest(maya.profile_id, maya.owner_key).seq == 2
        store.remove("maya")
        with pytest.raises(PolicyRefusal, match="older than record #2"):
            import_cameo(CameoStore(), old)
