"""On her Windows laptop there is no fcntl, no os.fchmod (before Python 3.13) and no
os.setpriority, and os.kill(pid, 0) does not ask whether a process runs: it ends it. A build
and the studio's overview run in Pythons made that way (every process of the build, through
sitecustomize), and a build running elsewhere survives the overview's look at it."""

import json
import os
import socket
import subprocess
import sys

import pytest
from conftest import SMALL_SCRIPT

WINDOWS_LIKE = """\
import os, signal, sys
sys.modules["fcntl"] = None  # import fcntl: ImportError, as on Windows
for name in ("fchmod", "setpriority"):
    if hasattr(os, name):
        delattr(os, name)
_kill = os.kill
def kill(pid, sig):  # breathcast's own call, as on Windows: any signal, 0 too, ends it
    caller = sys._getframe(1).f_globals.get("__name__", "")
    _kill(pid, signal.SIGTERM if caller.startswith("breathcast") else sig)
os.kill = kill  # (psutil's POSIX code asks with os.kill(pid, 0); on Windows it does not)
"""

OVERVIEW = """\
import sys
from starlette.testclient import TestClient
from breathcast.studio.app import create_app
app = create_app(sys.argv[1], {"testserver"}, {"http://testserver"})
with TestClient(app, base_url="http://testserver") as client:
    client.headers["x-studio-token"] = app.app.state.studio.token
    answer = client.get("/api/overview")
    building = answer.json()["building"]
    print(answer.status_code, building["job"], building["here"])
"""


@pytest.mark.slow
def test_a_build_and_the_overview_work_where_posix_calls_are_missing(tmp_path):
    (tmp_path / "shim").mkdir()
    (tmp_path / "shim" / "sitecustomize.py").write_text(WINDOWS_LIKE)
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "shim")}
    project = tmp_path / "project"
    (project / "scripts").mkdir(parents=True)
    (project / "scripts" / "kort.md").write_text(SMALL_SCRIPT, encoding="utf-8")
    (project / "breathcast.toml").write_text('ratios = ["4:6"]\n')
    probe = "import os, sys; print(hasattr(os, 'fchmod'), sys.modules.get('fcntl', 'none'))"
    shimmed = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True,
                             text=True, check=True)  # fmt: skip
    assert shimmed.stdout.split() == ["False", "None"]  # the shim is in place
    build = subprocess.run(
        [sys.executable, "-m", "breathcast", "--project", str(project), "build",
         "--engine", "espeak", "-j", "2"],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert build.returncode == 0, build.stdout + build.stderr
    assert (project / "build" / "kort" / "kort-4-6.mp3").stat().st_size > 10_000
    elsewhere = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:  # a build in a terminal holds the project while she looks at the overview
        lock = project / "build" / ".breathcast.lock"
        lock.write_text(json.dumps({"pid": elsewhere.pid, "host": socket.gethostname(),
                                    "started": "10:00:00", "job": "build"}))  # fmt: skip
        look = subprocess.run([sys.executable, "-c", OVERVIEW, str(project)], env=env,
                              capture_output=True, text=True, timeout=120)  # fmt: skip
        assert look.returncode == 0, look.stderr
        assert look.stdout.split() == ["200", "build", "False"]  # seen running, elsewhere
        assert elsewhere.poll() is None  # still building: the look did not end it
    finally:
        elsewhere.kill()
        elsewhere.wait()
