"""What the host holds: its listing, and breathcast's record there."""

from __future__ import annotations

import tempfile
from pathlib import Path

from breathcast.site.deploy.plan import STATE_NAME, State
from breathcast.site.deploy.rclone import Rclone
from breathcast.site.deploy.target import Target


def remote_state(rclone: Rclone, target: Target) -> tuple[dict[str, int], State]:
    """What the remote lists (name -> size), and breathcast's record there. The first call
    that reaches the host: what is wrong with it is said here, within seconds."""
    remote = rclone.listing(target.fs)
    data = None
    if STATE_NAME in remote:
        with tempfile.TemporaryDirectory() as folder:
            rclone.call("operations/copyfile", srcFs=target.fs, srcRemote=STATE_NAME,
                        dstFs=folder, dstRemote=STATE_NAME)  # fmt: skip
            data = (Path(folder) / STATE_NAME).read_bytes()
    return remote, State.from_json(data)
