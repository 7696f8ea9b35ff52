"""The farm from the command line, as a second driver joining the test cluster."""

from __future__ import annotations

import os
import subprocess
import sys

import av
import pytest

from studio.cli.main import main

ray = pytest.importorskip("ray", reason="the render farm needs Ray: pip install -e '.[farm]'")

BOARD = """
title = "Farm"
format = "square"
fps = 24

[[shot]]
prompt = "a red lighthouse on a stormy sea at night"
duration = 1.0

[[shot]]
prompt = "a green forest clearing in bright sunshine"
duration = 1.0
camera = "pan-left"
"""


def cli(*args, env=None, timeout=240):
    env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "studio", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )


def test_render_on_the_cluster_and_farm_status(cluster, tmp_path):
    board = tmp_path / "board.toml"
    board.write_text(BOARD)
    out = tmp_path / "farm.mp4"
    result = cli(
        "render", str(board), "-o", str(out), "--size", "96x96", "--no-sound",
        "--project", str(tmp_path / "farm.sbproj"),
        env={"STUDIO_CLUSTER": cluster.address},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    with av.open(str(out)) as c:
        assert c.streams.video[0].frames > 24
    takes = list((tmp_path / "farm.sbproj" / "takes").iterdir())
    assert len(takes) == 2

    status = cli("farm", "status", "--cluster", cluster.address)
    assert status.returncode == 0, status.stderr
    text = status.stdout
    assert "nodes: 1 alive of 1" in text and "2 GPU" in text
    for name, _ in cluster.workers:
        assert name in text
    assert "loaded: " in text and "animatic" in text
    assert "running jobs: 0" in text


def test_farm_status_needs_a_cluster(monkeypatch, capsys):
    monkeypatch.delenv("STUDIO_CLUSTER", raising=False)
    assert main(["farm", "status"]) == 2
    assert "--cluster" in capsys.readouterr().err
