"""The one error tree. Every message says what went wrong and what to do next.

Every error breathcast raises on purpose is a `BreathcastError`, and every class of it lives
here, so the CLI (and the studio) can turn any of them into a clean message without a traceback.
"""

from __future__ import annotations

from pathlib import Path


class BreathcastError(Exception):
    """Root of every error breathcast raises on purpose. `nl` says it in Dutch, where the
    studio shows it to the therapist (empty: only the English message)."""

    def __init__(self, *args, nl: str = ""):
        super().__init__(*args)
        self.nl = nl


class ScriptError(BreathcastError):
    """A script cannot be read or parsed; points at `file:line`. `nl` says it in Dutch, in the
    words the studio shows the therapist."""

    def __init__(self, path: str | Path, line: int, message: str, nl: str = ""):
        self.path = str(path)
        self.line = line
        self.message = message
        super().__init__(f"{self.path}:{line}: {message}", nl=nl or message)


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


class WorkspaceError(BreathcastError):
    """A file the studio was asked for is not one of the project's scripts."""


class ConflictError(BreathcastError):
    """A save would overwrite a newer version on disk; carries that version, so both can be
    shown and nothing is lost."""

    def __init__(self, message: str, disk_text: str = "", disk_version: str = ""):
        super().__init__(message)
        self.disk_text = disk_text
        self.disk_version = disk_version


class RecordingError(BreathcastError):
    """A recording cannot be used as her voice: no audio, no sound, or no such line."""
