"""One build at a time per output folder: a lock file naming the build that holds it."""

from __future__ import annotations

import json
import logging
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from breathcast.errors import BuildLockedError
from breathcast.words import Said

LOCK_NAME = ".breathcast.lock"
log = logging.getLogger("breathcast")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def holder(folder: str | Path) -> dict | None:
    """The build that holds `folder`'s lock right now (pid, host, started), or None."""
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
def build_lock(folder: str | Path) -> Iterator[None]:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_NAME
    mine = {"pid": os.getpid(), "host": socket.gethostname(), "started": time.strftime("%H:%M:%S")}
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
                raise BuildLockedError(
                    Said(
                        f"another breathcast build (pid {pid} on {host}, started "
                        f"{other.get('started', '?')}) is writing {folder}/; wait for it to "
                        f"finish. If it is not running any more, delete {path}.",
                        f"Er wordt al gebouwd (sinds {other.get('started', '?')}, in een terminal "
                        "of een ander venster). Probeer het zo nog eens.",
                    )
                ) from None
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
