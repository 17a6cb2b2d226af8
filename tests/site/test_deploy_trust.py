"""A deploy she can trust with the website that also carries her practice's pages: breathcast
touches only what it sent, never interleaves with a build or publish, sends exactly what it
planned, keeps its secrets off the command line, and keeps each project's host its own.
Against rclone's real servers on 127.0.0.1, with the clock moved where time matters."""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from conftest import closed_port
from hosts import PASSWORD, Host, Online, Watcher, broken, run

from breathcast.core import DeployError, DeploySettings, Job, load_config, project_lock
from breathcast.site.deploy import (
    DeployOptions,
    FileSent,
    deploy,
    deployed,
    set_up,
)
from breathcast.site.deploy import test_connection as reach  # not a test of its own
from breathcast.site.deploy.plan import STATE_NAME, site_files
from breathcast.site.deploy.rclone import Rclone, rclone_exe
from breathcast.site.deploy.target import described, target_of
from breathcast.site.deploy.verify import verify

pytestmark = pytest.mark.slow
START = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)

# Hers, on the host before breathcast's first deploy, under the names breathcast uses too.
HERS = {
    "audio/jingle-radio-interview.mp3": b"ID3 her jingle",
    "covers/logo.png": b"\x89PNG her logo",
    "embed/youtube.html": b"<iframe>her video</iframe>",
    "backups/db-dump.20240101.partial": b"her database, half-copied",
    "audio/interview.0123abcd.partial": b"her upload, stopped halfway",
    "praktijk/contact.html": b"<h1>Contact</h1>",
}


def put_hers(folder: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)


def deploy_at(online: Online, when: datetime, **given):
    config = load_config(online.project)
    options = DeployOptions.resolve(config, allow_offline=True, now=lambda: when, **given)
    return deploy(config, options)


@pytest.mark.parametrize("kind", ["sftp", "ftp"])
def test_her_own_files_beside_the_site_are_never_touched(kind, tmp_path, voices):
    online = Online(tmp_path, voices, kind)
    try:
        online.publish()
        put_hers(online.remote, HERS)
        first = deploy_at(online, START)
        assert first.ok and first.first and set(HERS) <= set(first.foreign)  # listed: they stay
        ours = {p.name for p in (online.remote / "audio").glob("kort-*")}
        online.edit()
        deploy_at(online, START + timedelta(hours=1))
        deploy_at(online, START + timedelta(days=8))  # past the grace period: ours go, hers stay
        last = deploy_at(online, START + timedelta(days=30))
        for name, data in HERS.items():
            assert (online.remote / name).read_bytes() == data, name
        assert not ours & {p.name for p in (online.remote / "audio").iterdir()}  # ours went
        assert last.removed == () and broken(online.remote, {}) == []
    finally:
        online.close()


def test_the_record_on_the_host_names_nothing_the_feed_does_not(sftp):
    deploy_at(sftp, START)
    retired = sorted(p.relative_to(sftp.remote).as_posix() for p in sftp.remote.rglob("*.mp3"))
    sftp.edit()
    second = deploy_at(sftp, START + timedelta(hours=1))
    assert set(retired) <= set(second.waiting)  # still online for apps, and in the record
    record = (sftp.remote / STATE_NAME).read_text()
    assert "audio/" not in record and "kort" not in record and "feed.xml" not in record
    assert len(json.loads(record)["unused"]) == len(second.waiting)


def test_her_own_page_is_replaced_only_when_she_says_so(sftp):
    put_hers(sftp.remote, {"index.html": b"<h1>Praktijk Anna</h1>"})
    refused = run(sftp.project, "deploy", "--allow-offline-voice", code=1)
    assert "the host already has index.html, which breathcast did not put there" in refused.output
    assert "--force" in refused.output
    assert sorted(p.name for p in sftp.remote.rglob("*") if p.is_file()) == ["index.html"]
    looked = run(sftp.project, "deploy", "--allow-offline-voice", "--dry-run")
    assert re.search(r"^would send index\.html  \(replaces a file breathcast did not put there: "
                     r"needs --force\)$", looked.output, re.M)  # fmt: skip
    assert (sftp.remote / "index.html").read_bytes() == b"<h1>Praktijk Anna</h1>"
    run(sftp.project, "deploy", "--allow-offline-voice", "--force")
    site = sftp.project / "build" / "site"
    assert (sftp.remote / "index.html").read_bytes() == (site / "index.html").read_bytes()
    again = run(sftp.project, "deploy", "--allow-offline-voice")  # breathcast's now
    assert "nothing changed" in again.output


def test_every_removal_is_listed_and_counted_leftovers_too(sftp):
    run(sftp.project, "deploy", "--allow-offline-voice")
    leftover = "feed.xml.0badcafe.partial"  # rclone's half of breathcast's feed, interrupted
    put_hers(sftp.remote, {leftover: b"<rss"})
    sftp.host.restart()
    sftp.write_settings(max_deletes=0)
    looked = run(sftp.project, "deploy", "--allow-offline-voice", "--dry-run")
    assert f"would remove {leftover}" in looked.output
    assert "1 removals are more than [deploy] max_deletes: the deploy needs" in looked.output
    refused = run(sftp.project, "deploy", "--allow-offline-voice", code=1)
    assert "would remove 1 files from the host" in refused.output
    assert (sftp.remote / leftover).is_file()
    done = run(sftp.project, "deploy", "--allow-offline-voice", "--force")
    assert f"removed    {leftover}" in done.output and not (sftp.remote / leftover).exists()


def test_build_and_publish_wait_while_a_deploy_runs_and_the_feed_stays_whole(sftp):
    run(sftp.project, "deploy", "--allow-offline-voice")
    sftp.edit()
    sftp.write_settings(bandwidth="256k")  # the new audio takes seconds: time to try both
    site = sftp.project / "build" / "site"
    published = (site / "feed.xml").read_bytes()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "breathcast", "--project", str(sftp.project), "deploy",
               "--allow-offline-voice"]  # fmt: skip
    with Watcher(sftp.remote, site) as watcher:
        deploying = subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)  # fmt: skip
        try:
            wait_for_new_audio(sftp, site)
            script = sftp.project / "scripts" / "kort.md"
            script.write_text(script.read_text().replace("Adem rustig in.", "Adem zacht in."))
            built = run(sftp.project, "build", code=1)
            assert "another breathcast deploy (pid" in built.output
            again = run(sftp.project, "publish", "--allow-offline-voice", code=1)
            assert "another breathcast deploy (pid" in again.output
            assert deploying.poll() is None  # both asked while the deploy was still sending
            output, _ = deploying.communicate(timeout=120)
        finally:
            deploying.kill()
    assert deploying.returncode == 0, output
    assert watcher.problems == [] and (sftp.remote / "feed.xml").read_bytes() == published
    assert (site / "feed.xml").read_bytes() == published  # publish changed nothing
    assert broken(sftp.remote, watcher.sizes) == []


def wait_for_new_audio(online: Online, site: Path) -> None:
    new = {p.name for p in (site / "audio").iterdir()} - {
        p.name for p in (online.remote / "audio").iterdir()}  # fmt: skip
    deadline = time.monotonic() + 60
    while not new & {p.name for p in (online.remote / "audio").iterdir()}:
        assert time.monotonic() < deadline, "the deploy sent no new audio in 60 s"
        time.sleep(0.01)


def test_what_is_sent_is_the_site_as_planned_even_if_it_changes_meanwhile(sftp):
    deploy_at(sftp, START)
    sftp.edit()
    site = sftp.project / "build" / "site"
    planned = {n: (site / n).read_bytes() for n in ("feed.xml", "index.html")}
    config = load_config(sftp.project)
    changed = threading.Event()

    def change_the_site(event) -> None:  # as a hand or another program could, mid-deploy
        if isinstance(event, FileSent) and not changed.is_set():
            changed.set()
            for name in planned:
                (site / name).write_bytes(b"<changed under the deploy/>")

    options = DeployOptions.resolve(config, allow_offline=True)
    report = deploy(config, options, on_event=change_the_site)
    assert changed.is_set() and report.ok
    for name, data in planned.items():
        assert (sftp.remote / name).read_bytes() == data, name


def test_the_studio_refuses_to_publish_while_a_deploy_holds_the_project(sftp):
    from starlette.testclient import TestClient

    from breathcast.studio.app import create_app

    app = create_app(sftp.project, {"testserver"}, {"http://testserver"})
    with TestClient(app, base_url="http://testserver") as client:
        client.headers["x-studio-token"] = app.app.state.studio.token
        with project_lock(sftp.project / "build", Job.DEPLOY):
            answer = client.post("/api/publish", json={"allow_preview": True})
        assert answer.status_code == 409
        assert answer.json()["error"].startswith("Er wordt al online gezet")
        assert client.post("/api/publish", json={"allow_preview": True}).status_code == 200


def test_rclones_remote_control_password_is_not_on_its_command_line():
    with Rclone() as rclone:
        command_line = Path(f"/proc/{rclone.process.pid}/cmdline").read_bytes()
        assert rclone.password.encode() not in command_line
        assert b"--rc-pass" not in command_line and b"--rc-user" not in command_line
        assert requests.post(rclone.url + "core/version", timeout=5).status_code == 401
        assert rclone.call("core/version")["version"].startswith("v")


def test_two_projects_of_the_same_name_keep_their_own_hosts(tmp_path, monkeypatch):
    monkeypatch.setenv("RCLONE_CONFIG", str(tmp_path / "rclone.conf"))
    with Host("sftp", tmp_path / "a-host") as a_host, Host("webdav", tmp_path / "b-host") as b_host:
        projects = []
        for parent, host in (("praktijk", a_host), ("thuis", b_host)):
            root = tmp_path / parent / "project"
            root.mkdir(parents=True)
            config = set_up(load_config(root), host.settings(), PASSWORD, "https://example.nl/rust")
            projects.append(config)
        a, b = projects
        assert a.deploy.remote != b.deploy.remote
        with Rclone() as rclone:
            a_target, b_target = target_of(a, rclone), target_of(b, rclone)
            assert rclone.call("config/get", name=a.deploy.remote)["type"] == "sftp"
        assert a_target.label == f"sftp://anna@127.0.0.1:{a_host.port}/rust"
        assert b_target.label == f"http://127.0.0.1:{b_host.port}/rust"
        # A remote of that name that this project does not name is never overwritten.
        again = set_up(load_config(a.root), b_host.settings(), PASSWORD, "https://example.nl/r")
        assert again.deploy.remote == a.deploy.remote  # her own project: her own remote, again
        with Rclone() as rclone:
            assert target_of(again, rclone).label.startswith("http://127.0.0.1")
        fresh = tmp_path / "elders" / "project"
        fresh.mkdir(parents=True)
        (fresh / "breathcast.toml").write_text("")
        with Rclone() as rclone:
            taken = rclone.call("config/get", name=b.deploy.remote)
            from breathcast.site.deploy.target import remote_name

            other = remote_name(load_config(fresh), rclone)
            assert other not in (a.deploy.remote, b.deploy.remote)
            assert rclone.call("config/get", name=b.deploy.remote) == taken


def test_the_connection_test_and_the_deploy_look_at_the_same_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("RCLONE_CONFIG", str(tmp_path / "rclone.conf"))
    settings = DeploySettings(kind="sftp", host="127.0.0.1", port=2222, user="anna",
                              path="/public_html/rust/")  # fmt: skip
    with Rclone() as rclone:
        tested = described(settings, PASSWORD, rclone).fs
        from breathcast.site.deploy.target import store

        store(settings, PASSWORD, "hers", rclone)
        (tmp_path / "breathcast.toml").write_text(
            '[deploy]\nremote = "hers"\nkind = "sftp"\npath = "/public_html/rust/"\n'
        )
        deployed_to = target_of(load_config(tmp_path), rclone).fs
    assert tested.endswith(":/public_html/rust") and deployed_to == "hers:/public_html/rust"


def test_verify_checks_every_file_the_feed_and_the_page_name(sftp):
    run(sftp.project, "deploy", "--allow-offline-voice")
    site = site_files(sftp.project / "build" / "site")
    assert verify(sftp.address, site) == []
    suffixes = (".vtt", ".chapters.json", ".png", "embed/kort.html", "site.js")
    gone = [next(n for n in site if n.endswith(suffix)) for suffix in suffixes]
    for name in gone:
        (sftp.remote / name).unlink()
    sftp.host.restart()
    problems = " ".join(p.en for p in verify(sftp.address, site))
    for name in gone:
        assert f"{sftp.address}/{name} answers 404" in problems, name
    result = run(sftp.project, "deploy", "--allow-offline-voice", "--verify")
    assert set(gone) <= set(re.findall(r"^sent\s+(\S+)", result.output, re.M))  # sent again
    assert f"verified: {sftp.address}/feed.xml" in result.output


def test_what_is_online_is_kept_per_host(sftp, tmp_path):
    config = load_config(sftp.project)
    run(sftp.project, "deploy", "--allow-offline-voice")
    assert deployed(config)["current"] is True
    sftp.edit()
    assert deployed(config)["current"] is False
    run(sftp.project, "deploy", "--allow-offline-voice", "--to", str(tmp_path / "proef"))
    assert deployed(config)["current"] is False  # a test folder says nothing of her host
    run(sftp.project, "deploy", "--allow-offline-voice")
    assert deployed(config)["current"] is True


class BlackHole:
    """A host that takes every connection and never says a word."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                self.held.append(self.server.accept()[0])

    def close(self) -> None:
        for connection in [*self.held, self.server]:
            connection.close()


def timed_check(config, settings: DeploySettings, password: str = PASSWORD):
    """The connection test she starts in the studio: what it says, and how long it took."""
    started = time.monotonic()
    with pytest.raises(DeployError) as refused:
        reach(config, settings, password)
    return refused.value.said, time.monotonic() - started


def test_a_wrong_s3_secret_is_said_as_such_within_seconds(tmp_path):
    config = load_config(tmp_path)
    with Host("s3", tmp_path / "host") as host:
        said, seconds = timed_check(config, host.settings(), "wrong-secret")
    assert said.en.startswith("wrong key or secret") and "sleutel" in said.nl
    assert seconds < 10


@pytest.mark.parametrize("kind", ["sftp", "webdav", "s3", "ftp"])
def test_a_host_that_refuses_connections_does_not_answer(tmp_path, kind):
    host = Host(kind, tmp_path / "host", port=closed_port())
    said, seconds = timed_check(load_config(tmp_path), host.settings())
    assert said.en.startswith("the host does not answer"), said.en
    assert "antwoordt niet" in said.nl and seconds < 10


def test_a_host_that_never_answers_is_said_within_about_ten_seconds(tmp_path):
    hole = BlackHole()
    config = load_config(tmp_path)
    results = {}

    def check(kind: str) -> None:
        results[kind] = timed_check(config, Host(kind, tmp_path / kind, port=hole.port).settings())

    try:
        kinds = ("sftp", "webdav", "s3", "ftp")
        checks = [threading.Thread(target=check, args=(kind,)) for kind in kinds]
        for thread in checks:
            thread.start()
        for thread in checks:
            thread.join(60)
    finally:
        hole.close()
    for kind, (said, seconds) in results.items():
        assert said.en.startswith("the host does not answer"), (kind, said.en)
        assert seconds < 12, (kind, seconds)  # was 60 s, and 245 s on S3
    assert len(results) == 4


def test_an_encrypted_rclone_config_asks_for_its_password(tmp_path, monkeypatch):
    conf = tmp_path / "rclone.conf"
    monkeypatch.setenv("RCLONE_CONFIG", str(conf))
    conf.write_text("[hers]\ntype = local\n")
    encrypt = [rclone_exe(), "config", "encryption", "set", "--password-command", "echo sesam"]
    subprocess.run(encrypt, check=True, capture_output=True, stdin=subprocess.DEVNULL, timeout=30)
    assert conf.read_text().startswith("# Encrypted rclone configuration File")
    monkeypatch.delenv("RCLONE_CONFIG_PASS", raising=False)
    (tmp_path / "breathcast.toml").write_text('[deploy]\nremote = "hers"\npath = "/tmp/x"\n')
    started = time.monotonic()
    with pytest.raises(DeployError) as refused:
        reach(load_config(tmp_path))
    assert "set RCLONE_CONFIG_PASS to its password" in refused.value.said.en
    assert "panic" not in refused.value.said.en and time.monotonic() - started < 10
