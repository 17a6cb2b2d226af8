"""Atomic file writes: a reader only ever sees the old file or the complete new one."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from breathcast.core.errors import OutputError

# mkstemp makes files only their owner can read; outputs get the usual mode, as `open` would
# give them, so a web server (or a listener's download) can read what is published.
_UMASK = os.umask(0o022)
os.umask(_UMASK)


@contextmanager
def atomic_path(dest: str | Path) -> Iterator[Path]:
    """Yield a temp path beside `dest`; rename it over `dest` only if the block succeeds.

    A write that fails (a full disk, a read-only folder) becomes an `OutputError` that names
    the file; whatever was at `dest` before is left as it was.
    """
    dest = Path(dest)
    tmp = None
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
        os.close(fd)
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp's 0600 would hide it; os.chmod: Windows too
        yield Path(tmp)
        os.replace(tmp, dest)
    except OSError as exc:
        raise OutputError(
            f"cannot write {dest}: {exc.strerror or exc}; check the free disk space and that "
            f"{dest.parent} is writable (the previous file, if any, is untouched)"
        ) from exc
    finally:
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)


def atomic_write(dest: str | Path, data: bytes) -> None:
    with atomic_path(dest) as tmp:
        tmp.write_bytes(data)
