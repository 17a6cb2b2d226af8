from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner
from fake_gtts import FakeGoogle

from breathcast.build import BuildOptions, build
from breathcast.cli import cli
from breathcast.core import load_config
from breathcast.voice.engines.gtts_engine import ENDPOINT_ENV

REPO = Path(__file__).resolve().parent.parent
JS = REPO / "tests" / "js"  # the real JavaScript clients: Podcast Index's parser, axe-core

# The small script is 5 s of speech in 50 s: see `project` for why its background is softer.
SMALL_BACKGROUND = "[sound]\ntone_level_db = -18.0\nmelody_level_db = -24.0\n"
SMALL_PROJECT_TOML = 'ratios = ["4:6"]\n' + SMALL_BACKGROUND
SMALL_SCRIPT = """\
---
title: Korte test
description: Een korte test.
---

# Begin
Adem rustig in.
En weer uit.

[pauze 2s]
# Ademen
[adem 2x]
Dank je wel.
"""


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    """No test may reach the internet: proxies off, and gTTS always points at localhost."""
    for name in (
        "HTTPS_PROXY",
        "HTTP_PROXY",
        "https_proxy",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(ENDPOINT_ENV, f"http://127.0.0.1:{closed_port()}/batchexecute")


@pytest.fixture(autouse=True)
def _own_user_folders(monkeypatch, tmp_path_factory):
    """No test touches the user's own folders: breathcast's config (the project used last),
    documents (where `init` makes a project), desktop and menu (`shortcut`) lie in a temp dir."""
    home = tmp_path_factory.mktemp("user")
    for name, folder in USER_FOLDERS.items():
        monkeypatch.setenv(name, str(home / folder))
    (home / "Desktop").mkdir()


USER_FOLDERS = {
    "XDG_CONFIG_HOME": ".config",
    "XDG_DATA_HOME": ".local/share",
    "XDG_DOCUMENTS_DIR": "Documents",
    "XDG_DESKTOP_DIR": "Desktop",
}


def run_cli(project: Path, *args: str):
    """`breathcast --project PROJECT ARGS…` in-process; the result has exit_code and output."""
    return CliRunner().invoke(cli, ["--project", str(project), *args], catch_exceptions=False)


def build_project(project: Path, **options):
    """The library's build of the whole project, options as the CLI would resolve them."""
    config = load_config(project)
    return build(config, [], BuildOptions.resolve(config, **options))


def start_cli(project: Path, *args: str, **popen) -> subprocess.Popen:
    """`breathcast --project PROJECT ARGS…` as a real process, output unbuffered and merged."""
    command = [sys.executable, "-m", "breathcast", "--project", str(project), *args]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **popen
    )


def write_tone_wav(path: Path, seconds: float, sample_rate: int = 44100) -> None:
    """A 330 Hz tone at -14 dBFS peak as a 16-bit WAV: music of hers, for a bed or a melody."""
    import wave

    import numpy as np

    t = np.arange(int(seconds * sample_rate)) / sample_rate
    samples = (0.2 * np.sin(2 * np.pi * 330 * t) * 32767).astype("<i2")
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(sample_rate)
        wav.writeframes(samples.tobytes())


def closed_port() -> int:
    """A localhost port with nothing listening: connecting to it is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def fake_google(monkeypatch):
    with FakeGoogle() as fake:
        monkeypatch.setenv(ENDPOINT_ENV, fake.url)
        yield fake


def published_site(folder: Path) -> Path:
    """The small script, recommending 4:6, and a second one in two lengths under another
    group, built at 4:6 and 3:6 (espeak) and published: the site folder, as a listener's
    browser gets it."""
    (folder / "scripts").mkdir()
    script = SMALL_SCRIPT.replace(
        "title: Korte test", "title: Korte test\nrecommended: 4:6\ngroup: Ademen\norder: 1"
    )
    (folder / "scripts" / "kort.md").write_text(script, encoding="utf-8")
    lang = SMALL_SCRIPT.replace(
        "title: Korte test", "title: Langer\nlengths: 1m, 1m30s\ngroup: Voor het slapen\norder: 2"
    )
    (folder / "scripts" / "lang.md").write_text(lang, encoding="utf-8")
    (folder / "breathcast.toml").write_text(
        'ratios = ["4:6", "3:6"]\n[podcast]\nowner_email = "anna@example.nl"\n'
    )
    assert run_cli(folder, "build", "--engine", "espeak").exit_code == 0
    result = run_cli(
        folder, "publish", "--base-url", "http://127.0.0.1:1/x", "--allow-offline-voice"
    )
    assert result.exit_code == 0, result.output
    return folder / "build" / "site"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A small project: one short script, one ratio, its own voice cache."""
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "kort.md").write_text(SMALL_SCRIPT, encoding="utf-8")
    # Its 5 s of speech in 50 s is far less than any exercise has: at the shipped tone and
    # melody levels the background counts in its loudness and it lands at -16.6 LUFS, short
    # of the target, and says so (tests/build/test_builder.py). These tests are about the
    # pipeline, so the background here sits where it did, under the loudness gate.
    (tmp_path / "breathcast.toml").write_text(SMALL_PROJECT_TOML, encoding="utf-8")
    return tmp_path


@pytest.fixture(scope="session")
def voices(tmp_path_factory) -> Path:
    """The small script's lines voiced once (espeak), for the deploy tests' projects."""
    project = tmp_path_factory.mktemp("voices")
    (project / "scripts").mkdir()
    (project / "scripts" / "kort.md").write_text(SMALL_SCRIPT, encoding="utf-8")
    (project / "breathcast.toml").write_text('ratios = ["4:6"]\n')
    result = run_cli(project, "build", "--engine", "espeak")
    assert result.exit_code == 0, result.output
    return project / "voice"


@pytest.fixture
def sftp(tmp_path, voices):
    """A built and published project, and its SFTP host (rclone's server) on 127.0.0.1."""
    from hosts import Online  # hosts imports this module: not at its top

    made = Online(tmp_path, voices, "sftp")
    made.publish()
    yield made
    made.close()


@pytest.fixture(scope="session")
def js_clients() -> Path:
    """tests/js/node_modules, installed from its lock file the first time a test needs it (the
    README's test command then runs every test wherever npm is); skips without npm."""
    modules = JS / "node_modules"
    if not (modules / ".package-lock.json").is_file():
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip("npm is not installed: the JavaScript clients cannot be installed")
        subprocess.run(
            [npm, "ci", "--prefix", str(JS), "--no-audit", "--no-fund", "--loglevel=error"],
            check=True,
            timeout=600,
        )
    return modules


@pytest.fixture(scope="session")
def axe(js_clients: Path) -> Path:
    """axe-core's script, to check a page against WCAG 2.1 AA."""
    return js_clients / "axe-core" / "axe.min.js"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI (`CI` set, as `.ci/run` does) a skipped test is a failure: there every client
    the tests use is installed, so a skip means an install step is missing."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("CI") and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where nothing may be: {report.longrepr}"


@contextmanager
def studio_client(project: Path):
    """The studio's app on `project`, as a page talks to it (its token sent), stopped after."""
    from starlette.testclient import TestClient

    from breathcast.studio.app import create_app

    app = create_app(project, {"testserver"}, {"http://testserver"})
    with TestClient(app, base_url="http://testserver") as client:  # one event loop, as uvicorn
        client.headers["x-studio-token"] = app.app.state.studio.token
        client.project = project
        client.studio = app.app.state.studio
        yield client
        client.studio.runner.stop()
        client.studio.runner.join(30)
