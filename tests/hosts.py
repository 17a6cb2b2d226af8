"""Real hosts for the deploy tests, on 127.0.0.1 only: rclone's own servers (`rclone serve
sftp|webdav|s3|ftp`), each with a password, over a folder of the test's. Nothing is mocked:
breathcast talks to them as it would talk to her web host."""

from __future__ import annotations

import socket
import subprocess
import time
from dataclasses import dataclass, replace
from pathlib import Path

from breathcast.config import DeploySettings
from breathcast.deploy.rclone import rclone_exe

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
        args = [
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
        else:
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

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def settings(self, folder: str = "rust") -> DeploySettings:
        """`[deploy]` for this host: what `breathcast deploy --setup` would write."""
        if self.kind == "folder":
            return DeploySettings(kind="folder", path=str(self.root / folder))
        base = DeploySettings(kind=self.kind, user=USER, path=folder)
        if self.kind in ("sftp", "ftp"):
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
