"""Issue 10: 200 SIGKILLs during save. After every kill project.json opens, the backup is
valid JSON or absent, and the next open leaves no temp file behind.

A small "zygote" subprocess imports the product once and forks a saver per round (a fresh
interpreter per kill would take minutes); the saver saves (and now and then autosaves) in a
loop until it is killed at a random moment.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

from studio.bundle import AUTOSAVE_FILE, BACKUP_FILE, PROJECT_FILE, Bundle, parse_project
from studio.model import Project, Shot

KILLS = 200

ZYGOTE = r"""
import os, random, signal, sys, time
from pathlib import Path
from studio.bundle import Bundle
from studio.model import Shot

path, rng = Path(sys.argv[1]), random.Random(int(sys.argv[2]))
bundle = Bundle.load(path)
for line in sys.stdin:
    wait = rng.uniform(0.0, 0.03)
    pid = os.fork()
    if pid == 0:
        n = 0
        while True:
            n += 1
            bundle.project.title = f"save {n} " + "x" * rng.randint(0, 20000)
            bundle.project.shots.append(Shot(prompt=f"shot {n}", duration=1.0))
            bundle.save()
            if n % 3 == 0:
                bundle.autosave()
    time.sleep(wait)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    print("killed", flush=True)
"""


def _json_or_absent(path: Path) -> None:
    if path.exists():
        json.loads(path.read_bytes())


def test_200_kills_during_save_lose_nothing(tmp_path):
    project = Project(title="start")
    project.shots = [Shot(prompt=f"shot {i} " + "p" * 200, duration=1.0) for i in range(150)]
    bundle = Bundle.create(tmp_path / "k.sbproj", project)
    folder = bundle.path
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join([str(Path(__file__).resolve().parents[2]), *sys.path]),
    )
    zygote = subprocess.Popen(
        [sys.executable, "-c", ZYGOTE, str(folder), str(random.randrange(2**31))],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        for _ in range(KILLS):
            zygote.stdin.write("go\n")
            zygote.stdin.flush()
            assert zygote.stdout.readline() == "killed\n"
            parse_project((folder / PROJECT_FILE).read_text(encoding="utf-8"))
            _json_or_absent(folder / BACKUP_FILE)
            _json_or_absent(folder / AUTOSAVE_FILE)
            Bundle.load(folder)
            assert not [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]
    finally:
        zygote.stdin.close()
        zygote.wait(timeout=30)
