"""`breathcast deploy` against real hosts (rclone's own SFTP, WebDAV, S3 and FTP servers on
127.0.0.1), read back the way podcast apps read them: gPodder subscribes, podcastparser
reads every enclosure, and a watcher checks the remote at every moment of a deploy."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import threading
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import podcastparser
import pytest
from hosts import PASSWORD, Online, Watcher, broken, run

from breathcast.core import load_config
from breathcast.site.deploy import DeployOptions, deploy
from breathcast.site.deploy.plan import STATE_NAME
from breathcast.site.deploy.target import PASSWORD_ENV

pytestmark = pytest.mark.slow
KINDS = ["sftp", "webdav", "s3", "ftp"]


@pytest.fixture(params=KINDS)
def online(request, tmp_path, voices):
    made = Online(tmp_path, voices, request.param)
    made.publish()
    yield made
    made.close()


def test_a_deploy_reaches_podcast_apps_on_every_kind_of_host(online, tmp_path):
    if online.host.kind != "ftp" and not shutil.which("gpo"):
        pytest.skip("gPodder's gpo is not installed (apt-get install gpodder)")
    result = run(online.project, "deploy", "--allow-offline-voice", "--verify")
    assert f"verified: {online.address}/feed.xml" in result.output
    assert f"online: {online.address}/" in result.output
    site = online.project / "build" / "site"
    for path in site.rglob("*"):
        if path.is_file() and path.name != "published.json":
            relative = path.relative_to(site)
            assert (online.remote / relative).read_bytes() == path.read_bytes(), relative
    assert not list(online.remote.rglob("*.tmp"))  # every file renamed into place
    with urllib.request.urlopen(f"{online.address}/feed.xml") as response:
        podcast = podcastparser.parse(f"{online.address}/feed.xml", response)
    assert len(podcast["episodes"]) == 2
    for episode in podcast["episodes"]:
        for enclosure in episode["enclosures"]:
            request = urllib.request.Request(enclosure["url"], method="HEAD")
            with urllib.request.urlopen(request) as head:
                assert int(head.headers["Content-Length"]) == enclosure["file_size"]
    if online.host.kind != "ftp":  # gPodder, too, on SFTP, WebDAV and S3
        downloaded = gpodder(tmp_path, f"{online.address}/feed.xml")
        assert downloaded and all(p.read_bytes() == (site / "audio" / p.name).read_bytes()
                                  for p in downloaded)  # fmt: skip


def gpodder(tmp_path: Path, feed: str) -> list[Path]:
    """gPodder subscribes to `feed`, updates and downloads every episode."""
    env = {**os.environ, "GPODDER_HOME": str(tmp_path / "gpo"),
           "GPODDER_DOWNLOAD_DIR": str(tmp_path / "downloads")}  # fmt: skip
    for args in (["subscribe", feed], ["update"], ["download"]):
        done = subprocess.run(["gpo", *args], env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
    with sqlite3.connect(tmp_path / "gpo" / "Database") as db:
        guids = sorted(guid for (guid,) in db.execute("SELECT guid FROM episode"))
    assert guids == ["breathcast:kort:3-6", "breathcast:kort:4-6"]
    return sorted((tmp_path / "downloads").rglob("*.mp3"))


@pytest.mark.parametrize("kind", [*KINDS, "folder", "pyftpdlib"])
def test_at_every_moment_the_remote_feed_names_only_whole_files(kind, tmp_path, voices):
    online = Online(tmp_path, voices, kind)
    try:
        online.publish()
        run(online.project, "deploy", "--allow-offline-voice")
        online.edit()
        online.write_settings(bandwidth="4M")  # slow enough to be seen at every step
        site = online.project / "build" / "site"
        with Watcher(online.remote, site) as watcher:
            result = run(online.project, "deploy", "--allow-offline-voice")
        assert watcher.problems == []
        assert len(watcher.feeds) == 2 and watcher.looks > 50  # it saw the old feed, then the new
        # A page is renamed into place: rclone uploads `name.<hex>.partial` and renames it
        # over the old page, never removing it first. A host whose rename replaces a file at
        # once (a folder; FTP servers that rename with rename(2), as vsftpd, ProFTPD,
        # Pure-FTPd and pyftpdlib do; OpenSSH's SFTP with posix-rename) never shows a gap.
        # rclone's own test servers do (`serve ftp` and `serve sftp` remove the old file, then
        # rename, under 2 ms), and so do SFTP servers without posix-rename, WebDAV's MOVE on
        # some servers and S3 while it swaps an object: the page can be away for that moment,
        # never half there. The feed is whole whenever it is read.
        if kind in ("folder", "pyftpdlib"):
            assert watcher.gaps == 0
        assert "(replaced)" in result.output and broken(online.remote, watcher.sizes) == []
    finally:
        online.close()


def test_nothing_changed_sends_nothing_and_one_edit_sends_only_that(sftp):
    first = run(sftp.project, "deploy", "--allow-offline-voice")
    assert "15 file(s)" not in first.output and "file(s)" in first.output
    again = run(sftp.project, "deploy", "--allow-offline-voice")
    assert "nothing changed: 0 bytes sent" in again.output
    before = {p.name for p in (sftp.remote / "audio").iterdir()}
    sftp.edit()
    edited = run(sftp.project, "deploy", "--allow-offline-voice")
    sent = re.findall(r"^sent\s+(\S+)", edited.output, re.M)
    new_audio = {Path(s).name for s in sent if s.startswith("audio/")}
    assert new_audio and not new_audio & before
    # Both ratios' episodes changed (the line is in both): their MP3, Opus, transcript and
    # chapters, then the pages; nothing else.
    assert len(new_audio) == 8
    pages = {"feed.xml", "index.html", "embed/kort.html", "sw.js"}  # sw.js: its cache's version
    assert {s for s in sent if not s.startswith("audio/")} == pages
    local = sum((sftp.project / "build" / "site" / s).stat().st_size for s in sent)
    assert f"{local / 1e6:.1f} MB sent" in edited.output


def test_unused_audio_stays_for_the_grace_period_then_goes(sftp):
    config = load_config(sftp.project)
    start = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)

    def deploy_at(when: datetime):
        options = DeployOptions.resolve(config, allow_offline=True, now=lambda: when)
        return deploy(config, options)

    deploy_at(start)
    old = {p.name for p in (sftp.remote / "audio").iterdir()}
    sftp.edit()
    second = deploy_at(start + timedelta(hours=1))
    assert old <= {p.name for p in (sftp.remote / "audio").iterdir()}  # still there for apps
    assert {Path(n).name for n in second.waiting} == old and second.removed == ()
    state = json.loads((sftp.remote / STATE_NAME).read_text())
    assert set(state["unused"].values()) == {"2026-11-30T13:00:00+00:00"}
    deploy_at(start + timedelta(days=5))  # not yet
    assert old <= {p.name for p in (sftp.remote / "audio").iterdir()}
    last = deploy_at(start + timedelta(days=7, hours=2))
    assert {Path(n).name for n in last.removed} == old
    assert not old & {p.name for p in (sftp.remote / "audio").iterdir()}
    assert broken(sftp.remote, {}) == []


def test_more_removals_than_allowed_need_force(sftp):
    run(sftp.project, "deploy", "--allow-offline-voice")
    sftp.edit()
    sftp.write_settings(grace_days=0, max_deletes=3)
    looked = run(sftp.project, "deploy", "--allow-offline-voice", "--dry-run")  # never refused
    assert len(re.findall(r"^would remove audio/kort-", looked.output, re.M)) == 8
    assert "8 removals are more than [deploy] max_deletes: the deploy needs" in looked.output
    refused = run(sftp.project, "deploy", "--allow-offline-voice", code=1)
    assert (
        "would remove 8 files from the host, more than [deploy] max_deletes = 3" in refused.output
    )
    assert "--force" in refused.output
    assert "kort, regel" not in refused.output  # English on the command line
    run(sftp.project, "deploy", "--allow-offline-voice", "--force")
    assert len(list((sftp.remote / "audio").iterdir())) == 8


def test_dry_run_lists_everything_and_sends_nothing(sftp):
    result = run(sftp.project, "deploy", "--allow-offline-voice", "--dry-run")
    assert "would send audio/kort-4-6-" in result.output and "would send feed.xml" in result.output
    assert not sftp.remote.exists() or not any(sftp.remote.rglob("*"))


@pytest.mark.parametrize(
    ("spoil", "said"),
    [
        ("password", "the host refused the user name or password"),
        ("address", "the site was published for http://127.0.0.1"),
        ("unpublished", "holds no published site; run `breathcast publish` first"),
        ("stale", "the build is newer than the published site"),
        ("preview", "these episodes are previews"),
    ],
)
def test_a_deploy_that_cannot_be_right_is_refused_and_sends_nothing(sftp, spoil, said):
    flags = ["--allow-offline-voice"]
    if spoil == "password":
        os.environ[PASSWORD_ENV] = "fout"
    elif spoil == "address":
        toml = sftp.project / "breathcast.toml"
        toml.write_text(toml.read_text().replace(sftp.address, "https://elders.example.nl/rust"))
    elif spoil == "unpublished":
        shutil.rmtree(sftp.project / "build" / "site")
    elif spoil == "stale":
        script = sftp.project / "scripts" / "kort.md"
        script.write_text(script.read_text().replace("Dank je wel.", "Tot ziens."))
        run(sftp.project, "build")
    else:
        flags = []
    started = time.monotonic()
    result = run(sftp.project, "deploy", *flags, code=1)
    assert said in result.output and "Traceback" not in result.output
    assert time.monotonic() - started < 20  # a clear answer, soon
    assert not sftp.remote.exists() or not any(sftp.remote.rglob("*"))


def test_a_dropped_connection_stops_cleanly_and_the_next_deploy_finishes(sftp):
    run(sftp.project, "deploy", "--allow-offline-voice")
    sftp.edit()
    sftp.write_settings(bandwidth="1M")
    site = sftp.project / "build" / "site"
    with Watcher(sftp.remote, site) as watcher:
        cut = threading.Thread(target=kill_after_first_new_audio, args=(sftp, site), daemon=True)
        cut.start()
        failed = run(sftp.project, "deploy", "--allow-offline-voice", code=1)
        cut.join(30)
        assert "stopped after" in failed.output and "deploy again to finish" in failed.output
        sftp.host.start()  # the host is back, at the same address
        sftp.write_settings()
        run(sftp.project, "deploy", "--allow-offline-voice")
    assert watcher.problems == []
    assert not [p for p in sftp.remote.rglob("*") if p.suffix in (".tmp", ".partial")]  # cleaned
    for path in site.rglob("*"):
        if path.is_file() and path.name != "published.json":
            assert (sftp.remote / path.relative_to(site)).read_bytes() == path.read_bytes()


def kill_after_first_new_audio(online: Online, site: Path) -> None:
    """Kill the host the moment the first new audio file is complete there: halfway."""
    new = {p.name for p in (site / "audio").iterdir()} - {
        p.name for p in (online.remote / "audio").iterdir()}  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        there = {p.name for p in (online.remote / "audio").iterdir()}
        if new & there:
            online.host.stop()
            return
        time.sleep(0.005)


def test_s3_files_carry_their_type_and_how_long_to_cache_them(tmp_path, voices):
    from breathcast.site.deploy.rclone import Rclone
    from breathcast.site.deploy.target import described

    online = Online(tmp_path, voices, "s3")
    try:
        online.publish()
        run(online.project, "deploy", "--allow-offline-voice")
        with Rclone() as rclone:
            target = described(online.host.settings(), PASSWORD, rclone)

            def meta(name: str) -> dict:
                item = rclone.call("operations/stat", fs=target.fs, remote=name,
                                   opt={"metadata": True})["item"]  # fmt: skip
                return item["Metadata"]

            feed, page = meta("feed.xml"), meta("index.html")
            mp3 = meta(
                next(n.name for n in (online.remote / "audio").glob("*.mp3")).join(("audio/", ""))
            )
    finally:
        online.close()
    assert (feed["content-type"], feed["cache-control"]) == ("application/rss+xml", "no-cache")
    assert page["content-type"].startswith("text/html") and page["cache-control"] == "no-cache"
    assert mp3["content-type"] == "audio/mpeg"
    assert mp3["cache-control"] == "public, max-age=31536000, immutable"


def test_setup_keeps_the_password_out_of_the_project(sftp, tmp_path, monkeypatch):
    monkeypatch.setenv("RCLONE_CONFIG", str(tmp_path / "rclone" / "rclone.conf"))
    monkeypatch.delenv(PASSWORD_ENV)
    (sftp.project / "breathcast.toml").write_text(
        (sftp.project / "breathcast.toml").read_text().split("[deploy]")[0]
    )
    answers = "\n".join(["sftp", "127.0.0.1", str(sftp.host.port), "anna", PASSWORD, "rust",
                         sftp.address]) + "\n"  # fmt: skip
    from click.testing import CliRunner

    from breathcast.cli import cli

    result = CliRunner().invoke(cli, ["--project", str(sftp.project), "deploy", "--setup",
                                      "--allow-offline-voice"], input=answers)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "kept: breathcast-project-" in result.output and (sftp.remote / "feed.xml").is_file()
    settings = (sftp.project / "breathcast.toml").read_text()
    assert re.search(r'remote = "breathcast-project-[0-9a-f]{6}"', settings)
    assert f"port = {sftp.host.port}" in settings
    for path in sftp.project.rglob("*"):
        if path.is_file():
            assert PASSWORD.encode() not in path.read_bytes(), path
    assert (tmp_path / "rclone" / "rclone.conf").is_file()  # kept there, obscured
    again = run(sftp.project, "deploy", "--allow-offline-voice")  # from rclone's config alone
    assert "nothing changed" in again.output
