"""The command line: whoami, cameo …, exit code 3 on refusals, two users via STUDIO_HOME."""

from __future__ import annotations

import pytest

from studio.cli.main import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def homes(tmp_path, monkeypatch):
    def use(name: str):
        monkeypatch.setenv("STUDIO_HOME", str(tmp_path / name))

    return use


def test_whoami_ends_with_the_user_id(capsys, homes):
    homes("a")
    code, out, _ = run(capsys, "whoami", "--name", "Maya Lin")
    assert code == 0 and out.startswith("Maya Lin")
    user_id = out.split()[-1]
    assert user_id.startswith("u-") and len(user_id) == 22
    assert run(capsys, "whoami")[1].split()[-1] == user_id  # stable


def test_two_users_grant_and_revoke_through_files(capsys, homes, tmp_path, face):
    homes("bob")
    bob = run(capsys, "whoami")[1].split()[-1]
    homes("maya")
    assert run(capsys, "cameo", "add", "@maya", "--name", "Maya Lin", "--image", str(face))[0] == 0
    assert "only-me" in run(capsys, "cameo", "list")[1]
    code, out, _ = run(capsys, "cameo", "grant", "@maya", "--to", bob, "--name", "Bob")
    assert code == 0 and bob in out
    assert run(capsys, "cameo", "policy", "maya")[1].count("approved") >= 1
    granted = tmp_path / "granted.cameo"
    assert run(capsys, "cameo", "export", "@maya", "-o", str(granted))[0] == 0

    homes("bob")
    code, out, _ = run(capsys, "cameo", "import", str(granted))
    assert code == 0 and "added @maya" in out and "you may use it" in out
    code, _, err = run(capsys, "cameo", "policy", "@maya", "everyone")
    assert code == 3 and "only the owner" in err

    homes("maya")
    assert run(capsys, "cameo", "revoke", "@maya", "--from", bob)[0] == 0
    revoked = tmp_path / "revoked.cameo"
    run(capsys, "cameo", "export", "@maya", "-o", str(revoked))
    homes("bob")
    code, out, _ = run(capsys, "cameo", "import", str(revoked))
    assert "updated" in out and "revoked your consent" in out
    code, out, _ = run(capsys, "cameo", "import", str(granted))  # replaying the old grant
    assert "kept" in out and "you may not use it" in out


def test_log_lists_checks(capsys, homes, face):
    from studio.cameo.guard import check_request
    from studio.engine.request import GenerationRequest

    homes("maya")
    run(capsys, "cameo", "add", "maya", "--name", "Maya Lin", "--image", str(face))
    check_request(
        GenerationRequest(prompt="@maya at the beach", duration=1, shot_id="s9"), project="film"
    )
    code, out, _ = run(capsys, "cameo", "log", "@maya")
    assert code == 0 and "allowed" in out and "project film" in out and "shot s9" in out


def test_bad_input_and_refusals_exit_codes(capsys, homes, face, tmp_path):
    homes("maya")
    assert run(capsys, "cameo", "add", "bad handle!", "--name", "X", "--image", str(face))[0] == 2
    not_image = tmp_path / "x.png"
    not_image.write_text("nope")
    code, _, err = run(capsys, "cameo", "add", "@x", "--name", "X", "--image", str(not_image))
    assert code == 2 and "x.png" in err
    code, _, err = run(
        capsys, "cameo", "add", "@ts", "--name", "Taylor Swift", "--image", str(face)
    )
    assert code == 3 and "public figure" in err
    assert run(capsys, "cameo", "log", "@ghost")[0] == 2
    run(capsys, "cameo", "add", "maya", "--name", "Maya Lin", "--image", str(face))
    code, _, err = run(capsys, "cameo", "policy", "maya", "everyone", "--restrict", "no-fun")
    assert code == 2 and "no-advertising" in err
    code, _, err = run(capsys, "cameo", "grant", "maya", "--to", "u-x", "--until", "soon")
    assert code == 2 and "soon" in err
