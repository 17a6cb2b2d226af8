"""One job at a time per project: a build, a publish, a deploy or a clean-up holds the lock
file in the build folder, and names itself in it, so the command line and the studio never
interleave (a publish during a deploy would put a feed online that names files never sent)."""

from __future__ import annotations

import json
import logging
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path

import psutil

from breathcast.core.errors import ProjectLockedError
from breathcast.core.said import Said

LOCK_NAME = ".breathcast.lock"
log = logging.getLogger("breathcast")


def _alive(pid: int) -> bool:
    """Whether a process runs: psutil asks the system. (`os.kill(pid, 0)`, the POSIX idiom,
    terminates the process on Windows.)"""
    return psutil.pid_exists(pid)


class Job(StrEnum):
    """What holds the lock: a code the studio shows in its own words."""

    BUILD = "build"
    PUBLISH = "publish"
    DEPLOY = "deploy"
    CLEAN = "clean"


JOB_WORDS = {  # (what the command line says, what the studio says: "Er wordt al …")
    Job.BUILD: ("build", "gebouwd"),
    Job.PUBLISH: ("publish", "gepubliceerd"),
    Job.DEPLOY: ("deploy", "online gezet"),
    Job.CLEAN: ("clean-up", "opgeruimd"),
}


def holder(folder: str | Path) -> dict | None:
    """The job that holds `folder`'s lock right now (pid, host, started, job), or None."""
    path = Path(folder) / LOCK_NAME
    try:
        other = json.loads(path.read_text(encoding="utf-8"))
        pid, host = int(other["pid"]), other.get("host")
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if host == socket.gethostname() and not _alive(pid):
        return None  # a build that was killed: its lock is stale
    return other


@contextmanager
def project_lock(folder: str | Path, job: Job) -> Iterator[None]:
    """Hold the project's lock (in its build folder `folder`) while `job` runs; a
    `ProjectLockedError` that names the holder when another job has it."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_NAME
    mine = {"pid": os.getpid(), "host": socket.gethostname(),
            "started": time.strftime("%H:%M:%S"), "job": str(job)}  # fmt: skip
    for _ in range(2):
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            try:
                other = json.loads(path.read_text(encoding="utf-8"))
                pid, host = int(other["pid"]), other.get("host")
            except (OSError, ValueError, KeyError, TypeError):
                other, pid, host = {}, None, None  # half-written by a killed build: stale
            if pid is not None and (host != mine["host"] or _alive(pid)):
                raise ProjectLockedError(_busy(other, path)) from None
            log.warning("took over the lock of an earlier build (pid %s) that was killed", pid)
            path.unlink(missing_ok=True)
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(mine, handle)
        break
    try:
        yield
    finally:
        path.unlink(missing_ok=True)


def _busy(other: dict, path: Path) -> Said:
    en, nl = JOB_WORDS.get(other.get("job", Job.BUILD), JOB_WORDS[Job.BUILD])
    started = other.get("started", "?")
    return Said(
        f"another breathcast {en} (pid {other['pid']} on {other.get('host')}, started {started}) "
        f"is using {path.parent}/; wait for it to finish, then try again. If it is not running "
        f"any more, delete {path}.",
        f"Er wordt al {nl} (sinds {started}, in een terminal of een ander venster). Probeer het "
        "zo nog eens.",
    )
