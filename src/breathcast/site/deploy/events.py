"""What a deploy tells whoever runs it: typed events (the CLI draws a bar, the studio shows
them live), and the report it ends with."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from breathcast.core import BreathcastError, Event, ForceNeededError, Said


@dataclass(frozen=True)
class DeployPlanned(Event):
    target: str
    sends: tuple[str, ...]
    bytes: int
    removals: tuple[str, ...]
    waiting: tuple[str, ...]
    foreign: tuple[str, ...]  # on the host, not breathcast's: they stay as they are
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
    clashes: tuple[str, ...] = ()  # of those, files breathcast had not put there (--force)
    over_limit: bool = False  # more removals than max_deletes (--force)
    removed: tuple[str, ...] = ()  # leftovers of an interrupted deploy, then unused files
    waiting: tuple[str, ...] = ()  # unused audio kept for the grace period
    foreign: tuple[str, ...] = ()  # on the host, not breathcast's: never touched
    not_sent: tuple[str, ...] = ()  # what a failed or stopped run did not get to
    first: bool = False  # the host had no record of breathcast's yet
    dry_run: bool = False
    cancelled: bool = False
    failed: Said | None = None
    verified: tuple[Said, ...] | None = None  # --verify's problems (empty: all well)

    @property
    def ok(self) -> bool:
        return self.failed is None and not self.cancelled and not self.verified


class DeployRefusal(StrEnum):
    """Why a deploy sent nothing: a code the studio's page knows."""

    NEEDS_FORCE = "needs_force"  # files of hers would be replaced, or many removed: ask her
    OTHER = "other"


@dataclass(frozen=True)
class DeployRefused(Event):
    """Nothing was sent: a check refused (not published, previews, the wrong address, the
    host said no, another job holds the project), or it waits for her say."""

    reason: DeployRefusal
    message: Said
    kind = "deploy_refused"

    @classmethod
    def of(cls, error: BreathcastError) -> DeployRefused:
        forced = isinstance(error, ForceNeededError)
        return cls(DeployRefusal.NEEDS_FORCE if forced else DeployRefusal.OTHER, error.said)


@dataclass(frozen=True)
class DeployFinished(Event):
    report: DeployReport
    kind = "deploy_finished"
