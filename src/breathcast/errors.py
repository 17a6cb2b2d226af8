"""The one error tree. Every message says what went wrong and what to do next.

Every error breathcast raises on purpose is a `BreathcastError`, and every class of it lives
here, so the CLI (and the studio) can turn any of them into a clean message without a traceback.
"""

from __future__ import annotations

from pathlib import Path


class BreathcastError(Exception):
    """Root of every error breathcast raises on purpose."""


class ScriptError(BreathcastError):
    """A script cannot be read or parsed; points at `file:line`."""

    def __init__(self, path: str | Path, line: int, message: str):
        self.path = str(path)
        self.line = line
        self.message = message
        super().__init__(f"{self.path}:{line}: {message}")


class PatternError(BreathcastError, ValueError):
    """A breath pattern such as `4:6` is malformed or out of range."""


class ConfigError(BreathcastError):
    """`breathcast.toml` or `[tool.breathcast]` holds a bad value."""


class EngineError(BreathcastError):
    """A speech engine is unusable or failed to voice a line.

    `retryable` says a later try may work (a timeout, HTTP 429 or 5xx, a dropped connection);
    `retry_after` is the server's own advice in seconds, when it gave one.
    """

    def __init__(self, message: str, *, retryable: bool = False, retry_after: float | None = None):
        super().__init__(message)
        self.retryable = retryable
        self.retry_after = retry_after


class AudioError(BreathcastError):
    """ffmpeg failed to decode or encode audio."""


class OutputError(BreathcastError):
    """An output cannot be written (a full disk, a read-only folder)."""


class BuildLockedError(BreathcastError):
    """Another build is writing the same output folder."""


class BuildCancelled(BreathcastError):
    """The build was cancelled before it finished; what it finished is kept."""


class PublishError(BreathcastError):
    """The site cannot be published as asked."""


class ServeError(BreathcastError):
    """A local server (`serve`, `studio`) cannot start, e.g. its port is taken."""
