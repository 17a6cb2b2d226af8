"""How a build talks to whoever runs it: what it plans, voices, builds, skips and fails, its
warnings, why it could not start, and the report it ends with (report.json)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from breathcast import RENDER_VERSION
from breathcast.core import BreathcastError, ConfigError, Event, ProjectLockedError, Said
from breathcast.script import Episode, Failure


@dataclass(frozen=True)
class BuildReport:
    """What one build did: report.json, and the last event of every build."""

    engine: str | None = None
    episodes: tuple[Episode, ...] = ()
    failures: tuple[Failure, ...] = ()
    warnings: tuple[Said, ...] = ()
    cancelled: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"render_version": RENDER_VERSION, **asdict(self)}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"


@dataclass(frozen=True)
class PlannedEpisode:
    script: str
    ratio: str
    path: str
    reason: str  # empty: up to date, it will be skipped
    length: str | None = None  # one of the script's lengths, as written


@dataclass(frozen=True)
class BuildPlanned(Event):
    """The engine is chosen and it is known what will be built and why."""

    engine: str
    episodes: tuple[PlannedEpisode, ...]
    kind = "build_planned"

    @property
    def todo(self) -> int:
        return sum(bool(e.reason) for e in self.episodes)


@dataclass(frozen=True)
class ClipVoiced(Event):
    """One more of a script's lines is ready (from the cache or the engine)."""

    script: str
    done: int
    total: int
    kind = "clip_voiced"


@dataclass(frozen=True)
class EpisodeStarted(Event):
    script: str
    ratio: str
    path: str
    length: str | None = None
    kind = "episode_started"


@dataclass(frozen=True)
class EpisodeBuilt(Event):
    episode: Episode
    kind = "episode_built"


@dataclass(frozen=True)
class EpisodeSkipped(Event):
    episode: Episode
    kind = "episode_skipped"


@dataclass(frozen=True)
class EpisodeEstimated(Event):
    """A dry run's guess: what would be built (status "planned") or skipped, and how long."""

    episode: Episode
    kind = "episode_estimated"


@dataclass(frozen=True)
class EpisodeFailed(Event):
    failure: Failure
    kind = "episode_failed"


@dataclass(frozen=True)
class Warned(Event):
    """Advice that does not stop the build: a pattern that is less calming, a cue left out."""

    message: Said
    kind = "warning"


class Refusal(StrEnum):
    """Why a build did not start: a code the studio's page knows, not English to match."""

    LOCKED = "locked"  # another build, publish or deploy of the project is running
    SETTINGS = "settings"  # breathcast.toml cannot be used
    OTHER = "other"


@dataclass(frozen=True)
class BuildRefused(Event):
    """The build could not start at all (another build holds the folder, a broken setting)."""

    reason: Refusal
    message: Said
    kind = "build_refused"

    @classmethod
    def of(cls, error: BreathcastError) -> BuildRefused:
        reason = (
            Refusal.LOCKED
            if isinstance(error, ProjectLockedError)
            else Refusal.SETTINGS
            if isinstance(error, ConfigError)
            else Refusal.OTHER
        )
        return cls(reason, error.said)


@dataclass(frozen=True)
class BuildFinished(Event):
    report: BuildReport
    kind = "build_finished"


@dataclass
class ReportCollector:
    """Gathers a build's events into its report, as they pass."""

    engine: str | None = None
    episodes: list[Episode] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    warnings: list[Said] = field(default_factory=list)

    def see(self, event: Event) -> None:
        if isinstance(event, BuildPlanned):
            self.engine = event.engine
        elif isinstance(event, EpisodeBuilt | EpisodeSkipped | EpisodeEstimated):
            self.episodes.append(event.episode)
        elif isinstance(event, EpisodeFailed):
            failure = event.failure  # each error once (a voice that failed fails every ratio)
            if all((f.script, f.error) != (failure.script, failure.error) for f in self.failures):
                self.failures.append(failure)
        elif isinstance(event, Warned):
            self.warnings.append(event.message)

    def report(self, cancelled: bool = False) -> BuildReport:
        return BuildReport(
            self.engine, tuple(self.episodes), tuple(self.failures), tuple(self.warnings), cancelled
        )


@dataclass
class Underway:
    """Which scripts a running build works on right now, from its events as they pass: the
    one whose lines are being voiced, and those with an episode started and not yet ended."""

    voicing: str | None = None
    making: Counter[str] = field(default_factory=Counter)

    def see(self, event: Event) -> None:
        if isinstance(event, ClipVoiced):
            self.voicing = event.script if event.done < event.total else None
        elif isinstance(event, EpisodeStarted):
            self.voicing = None  # voicing is done before the first episode starts
            self.making[event.script] += 1
        elif isinstance(event, EpisodeBuilt):
            self._ended(event.episode.script)
        elif isinstance(event, EpisodeFailed):
            if event.failure.ratio:
                self._ended(event.failure.script)
            else:  # the whole script failed
                self.making.pop(event.failure.script, None)
                self.voicing = None if self.voicing == event.failure.script else self.voicing
        elif isinstance(event, BuildFinished | BuildRefused):
            self.voicing, self.making = None, Counter()

    def _ended(self, script: str) -> None:
        self.making[script] -= 1
        if self.making[script] <= 0:
            del self.making[script]

    @property
    def scripts(self) -> frozenset[str]:
        """The scripts (their paths, as the events name them) being worked on now."""
        return frozenset(self.making) | ({self.voicing} if self.voicing else frozenset())
