"""Real hosts for the deploy tests, on 127.0.0.1 only: rclone's own servers (`rclone serve
sftp|webdav|s3|ftp`), each with a password, over a folder of the test's. Nothing is mocked:
breathcast talks to them as it would talk to her web host. With them: a published project
that deploys to one (`Online`), and a `Watcher` that reads the host during a deploy."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

from browser import Served
from conftest import SMALL_SCRIPT, run_cli

from breathcast.core import DeploySettings
from breathcast.site.deploy.rclone import rclone_exe
from breathcast.site.deploy.target import PASSWORD_ENV

USER, PASSWORD = "anna", "geheim-wachtwoord-42"
S3_BUCKET = "podcast"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Host:
    kind: str  # sftp, webdav, s3, ftp, or folder (no server)
    root: Path  # the folder the server serves
    port: int = 0
    process: subprocess.Popen | None = None

    def start(self) -> Host:
        self.root.mkdir(parents=True, exist_ok=True)
        if self.kind == "folder":  # a folder on this computer (a mounted drive, say)
            return self
        self.port = self.port or free_port()
        args = self._pyftpdlib() if self.kind == "pyftpdlib" else [
            rclone_exe(),
            "serve",
            self.kind,
            str(self.root),
            "--addr",
            f"127.0.0.1:{self.port}",
        ]
        if self.kind == "s3":
            (self.root / S3_BUCKET).mkdir(parents=True, exist_ok=True)
            args += ["--auth-key", f"{USER},{PASSWORD}"]
        elif self.kind != "pyftpdlib":
            args += ["--user", USER, "--pass", PASSWORD]
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while True:  # listening: it accepts a connection
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                assert self.process.poll() is None, f"rclone serve {self.kind} stopped"
                assert time.monotonic() < deadline, f"rclone serve {self.kind} never listened"
                time.sleep(0.05)

    def _pyftpdlib(self) -> list[str]:
        """An FTP server that renames as vsftpd, ProFTPD and Pure-FTPd do, with rename(2):
        a file renamed over another replaces it at once. (`rclone serve ftp` removes the old
        file a moment first.)"""
        return [sys.executable, "-m", "pyftpdlib", "-i", "127.0.0.1", "-p", str(self.port),
                "-w", "-d", str(self.root), "-u", USER, "-P", PASSWORD]  # fmt: skip

    def restart(self) -> None:
        """Stop and start at the same address: rclone's servers read their disk afresh (they
        keep a listing for minutes), after a test changed files there by hand."""
        self.stop()
        self.start()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def settings(self, folder: str = "rust") -> DeploySettings:
        """`[deploy]` for this host: what `breathcast deploy --setup` would write."""
        if self.kind == "folder":
            return DeploySettings(kind="folder", path=str(self.root / folder))
        kind = "ftp" if self.kind == "pyftpdlib" else self.kind
        base = DeploySettings(kind=kind, user=USER, path=folder)
        if kind in ("sftp", "ftp"):
            return replace(base, host="127.0.0.1", port=self.port)
        if self.kind == "s3":
            return replace(base, host=f"http://127.0.0.1:{self.port}", path=f"{S3_BUCKET}/{folder}")
        return replace(base, host=f"http://127.0.0.1:{self.port}")

    def folder(self, folder: str = "rust") -> Path:
        """Where the files deployed into `folder` land on the host's disk."""
        return self.root / (f"{S3_BUCKET}/{folder}" if self.kind == "s3" else folder)

    def __enter__(self) -> Host:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def run(project: Path, *args: str, code: int = 0):
    result = run_cli(project, *args)
    assert result.exit_code == code, result.output
    return result


class Online:
    """A built and published project, the host it deploys to, and the host's folder served
    at the public address the feed names."""

    def __init__(self, root: Path, voices: Path, kind: str):
        self.project = root / "project"
        (self.project / "scripts").mkdir(parents=True)
        (self.project / "scripts" / "kort.md").write_text(SMALL_SCRIPT, encoding="utf-8")
        shutil.copytree(voices, self.project / "voice")
        self.host = Host(kind, root / "host").start()
        self.served = Served(self.host.root)
        folder = self.host.folder().relative_to(self.host.root).as_posix()
        self.address = f"{self.served.url}{folder}"
        self.write_settings()
        os.environ[PASSWORD_ENV] = PASSWORD

    def write_settings(self, **deploy) -> None:
        settings = {**vars(self.host.settings()), **deploy}
        lines = [f"{k} = {json.dumps(v)}" for k, v in settings.items() if v != "" and k != "port"]
        lines += [f"port = {self.host.port}"] if self.host.port else []
        (self.project / "breathcast.toml").write_text(
            'ratios = ["4:6", "3:6"]\nengine = "espeak"\n'
            f'[podcast]\nowner_email = "anna@example.nl"\nsite_url = "{self.address}"\n'
            "every_ratio = true\n"
            "[deploy]\n" + "\n".join(lines) + "\n"
        )

    def publish(self) -> None:
        run(self.project, "build")
        run(self.project, "publish", "--allow-offline-voice")

    def edit(self, old: str = "Dank je wel.", new: str = "Dank je wel, tot morgen.") -> None:
        script = self.project / "scripts" / "kort.md"
        script.write_text(script.read_text().replace(old, new))
        time.sleep(0.01)  # a build after the publish has a later time
        self.publish()

    @property
    def remote(self) -> Path:
        return self.host.folder()

    def close(self) -> None:
        self.served.stop()
        self.host.stop()
        os.environ.pop(PASSWORD_ENV, None)


def named(folder: Path) -> dict[str, int | None]:
    """Every file the remote's feed and page point to: name -> size the feed states (None
    where it states none)."""
    feed = (folder / "feed.xml").read_text(encoding="utf-8")
    names: dict[str, int | None] = {}
    for url, length in re.findall(r'<enclosure url="[^"]*?/(audio/[^"]+)" length="(\d+)"', feed):
        names[url] = int(length)
    for alternate, url in re.findall(
        r'alternateEnclosure[^>]*length="(\d+)"[^>]*>\s*<podcast:source uri="[^"]*?/(audio/[^"]+)"',
        feed,
    ):
        names[url] = int(alternate)
    for url in re.findall(r'(?:url|href)="http[^"]*?/((?:audio|covers)/[^"]+)"', feed):
        names.setdefault(url, None)
    page = (folder / "index.html").read_text(encoding="utf-8")
    for url in re.findall(r'(?:src|href)="((?:audio|covers|embed)/[^"#]+|[a-z]+\.js)"', page):
        names.setdefault(url, None)
    return names


def broken(folder: Path, sizes: dict[str, int]) -> list[str]:
    """What the remote's feed and page name that is missing there, or there but not whole."""
    wanted = named(folder)
    problems = []
    for name, size in wanted.items():
        path = folder / name
        expected = size if size is not None else sizes.get(name)
        if not path.is_file():
            problems.append(f"{name} is missing")
        elif expected is not None and path.stat().st_size != expected:
            problems.append(f"{name} has {path.stat().st_size} bytes, not {expected}")
    return problems


class Watcher(threading.Thread):
    """Polls the host's folder while a deploy runs: at every feed it sees, every file the feed
    and the page name must be there, whole; and no file may be seen half-written under its
    own name."""

    def __init__(self, folder: Path, site: Path):
        super().__init__(daemon=True)
        self.folder, self.stop = folder, threading.Event()
        self.sizes = {
            p.relative_to(site).as_posix(): p.stat().st_size for p in site.rglob("*") if p.is_file()
        }
        self.problems: list[str] = []
        self.feeds: set[bytes] = set()
        self.looks = 0
        self.gaps = 0  # looks that found the feed or the page away while it was replaced

    def run(self) -> None:
        while not self.stop.is_set():
            self.look()
            time.sleep(0.002)
        self.look()  # and once more when the deploy has ended: the new feed

    def look(self) -> None:
        self.looks += 1
        with contextlib.suppress(OSError):
            feed = (self.folder / "feed.xml").read_bytes()
            self.feeds.add(feed)
            if not feed.rstrip().endswith(b"</rss>"):
                self.problems.append(f"a partial feed ({len(feed)} bytes)")
        try:
            self.problems += broken(self.folder, self.sizes)
        except FileNotFoundError:
            self.gaps += 1
        for path in list(self.folder.rglob("*")) if self.folder.is_dir() else []:
            name = path.relative_to(self.folder).as_posix()
            if name in self.sizes and name.startswith(("audio/", "covers/")):
                with contextlib.suppress(FileNotFoundError):  # gone since: pruned
                    if (size := path.stat().st_size) != self.sizes[name]:
                        self.problems.append(f"{name} seen half-written ({size} bytes)")

    def __enter__(self) -> Watcher:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.join(10)
