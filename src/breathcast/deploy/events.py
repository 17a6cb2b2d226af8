"""What a deploy tells whoever runs it: typed events (the CLI draws a bar, the studio shows
them live), and the report it ends with."""

from __future__ import annotations

from dataclasses import dataclass

from breathcast.errors import BreathcastError
from breathcast.events import Event
from breathcast.words import Said


@dataclass(frozen=True)
class DeployPlanned(Event):
    target: str
    sends: tuple[str, ...]
    bytes: int
    removals: tuple[str, ...]
    waiting: tuple[str, ...]
    kind = "deploy_planned"


@dataclass(frozen=True)
class FileSent(Event):
    name: str
    bytes: int
    done: int  # bytes sent so far, of `total`
    total: int
    kind = "file_sent"


@dataclass(frozen=True)
class DeployReport:
    target: str
    address: str  # the public address the feed names
    sent: tuple[str, ...] = ()
    bytes_sent: int = 0
    replaced: tuple[str, ...] = ()  # pages sent over their earlier version
    removed: tuple[str, ...] = ()
    waiting: tuple[str, ...] = ()  # unused audio kept for the grace period
    not_sent: tuple[str, ...] = ()  # what a failed or stopped run did not get to
    dry_run: bool = False
    cancelled: bool = False
    failed: Said | None = None
    verified: tuple[Said, ...] | None = None  # --verify's problems (empty: all well)

    @property
    def ok(self) -> bool:
        return self.failed is None and not self.cancelled and not self.verified


@dataclass(frozen=True)
class DeployRefused(Event):
    """Nothing was sent: a check refused (not published, previews, the wrong address, the
    host said no)."""

    message: Said
    kind = "deploy_refused"

    @classmethod
    def of(cls, error: BreathcastError) -> DeployRefused:
        return cls(error.said)


@dataclass(frozen=True)
class DeployFinished(Event):
    report: DeployReport
    kind = "deploy_finished"
