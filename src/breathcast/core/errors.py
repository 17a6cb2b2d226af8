"""The one error tree. Every message says what went wrong and what to do next.

Every error breathcast raises on purpose is a `BreathcastError`, and every class of it lives
here, so the CLI (and the studio) can turn any of them into a clean message without a traceback.
Each carries its message as a `Said`: English for the command line, Dutch for the studio.
"""

from __future__ import annotations

from pathlib import Path

from breathcast.core.said import Said, at_line, together


class BreathcastError(Exception):
    """Root of every error breathcast raises on purpose; `said` is its message."""

    def __init__(self, message: str | Said):
        self.said = message if isinstance(message, Said) else Said(message)
        super().__init__(self.said.en)


class ScriptError(BreathcastError):
    """A script (or the pronunciation list) cannot be read or parsed at `path:line`;
    `detail` says what, without the place."""

    def __init__(self, path: str | Path, line: int, detail: Said):
        self.path = str(path)
        self.line = line
        self.detail = detail
        super().__init__(at_line(path, line, detail))

    def each(self) -> list[ScriptError]:
        """Every error this one carries, each at its line: itself."""
        return [self]


class ScriptErrors(ScriptError):
    """Every error in one script, one per line, in the order of its lines (the parser does
    not stop at the first). It is the first one (its `path`, `line`, `detail`); its message
    says them all, a line each; `each()` gives them one by one."""

    def __init__(self, errors: list[ScriptError]):
        self.errors = errors
        first = errors[0]
        self.path, self.line, self.detail = first.path, first.line, first.detail
        BreathcastError.__init__(self, together(e.said for e in errors))

    def each(self) -> list[ScriptError]:
        return list(self.errors)


def script_errors(errors: list[ScriptError]) -> ScriptError | None:
    """The errors found in one script as one: None for none, itself for one, else a
    `ScriptErrors` with the first of each line, in the order of the lines."""
    by_line: dict[int, ScriptError] = {}
    for error in sorted((e for found in errors for e in found.each()), key=lambda e: e.line):
        by_line.setdefault(error.line, error)
    found = list(by_line.values())
    if len(found) <= 1:
        return found[0] if found else None
    return ScriptErrors(found)


class PatternError(BreathcastError, ValueError):
    """A breath pattern such as `4:6` is malformed or out of range."""


class ConfigError(BreathcastError):
    """`breathcast.toml` or `[tool.breathcast]` holds a bad value."""


class SettingsError(ConfigError):
    """Settings the studio was given cannot be used, so nothing was written: `fields` says
    what is wrong at each field (the studio's name of it), in both languages."""

    def __init__(self, message: str | Said, fields: dict[str, Said]):
        super().__init__(message)
        self.fields = fields


class EngineError(BreathcastError):
    """A speech engine is unusable or failed to voice a line.

    `retryable` says a later try may work (a timeout, HTTP 429 or 5xx, a dropped connection);
    `retry_after` is the server's own advice in seconds, when it gave one.
    """

    def __init__(
        self, message: str | Said, *, retryable: bool = False, retry_after: float | None = None
    ):
        super().__init__(message)
        self.retryable = retryable
        self.retry_after = retry_after


class AudioError(BreathcastError):
    """ffmpeg failed to decode or encode audio."""


class OutputError(BreathcastError):
    """An output cannot be written (a full disk, a read-only folder)."""


class ProjectExistsError(BreathcastError):
    """`init` was asked for a folder that already holds a project: nothing of hers is ever
    overwritten."""


class ProjectLockedError(BreathcastError):
    """Another build, publish, deploy or clean-up of the same project is running."""


class BuildCancelled(BreathcastError):
    """The build was cancelled before it finished; what it finished is kept."""


class PublishError(BreathcastError):
    """The site cannot be published as asked. `needs` names what she can give right where
    she publishes (`site_url`, `owner_email`, `previews`), all of it at once."""

    def __init__(self, message: str | Said, needs: tuple[str, ...] = ()):
        super().__init__(message)
        self.needs = tuple(needs)


class DeployError(BreathcastError):
    """The site cannot be put online as asked: not published, a check refused it, or the
    host refused (a wrong password, an unknown host, a full disk)."""


class ForceNeededError(DeployError):
    """A deploy would replace files on the host that breathcast did not put there, or remove
    more than she allows at once: it waits for her say (`--force`, or her yes in the studio)."""


class ServeError(BreathcastError):
    """A local server (`serve`, `studio`) cannot start, e.g. its port is taken."""


class WorkspaceError(BreathcastError):
    """A file the studio was asked for is not one of the project's scripts."""


class RequestError(BreathcastError):
    """A request to the studio that it cannot read: not JSON, or a field missing."""


class ConflictError(BreathcastError):
    """A save would overwrite a newer version on disk; carries that version, so both can be
    shown and nothing is lost."""

    def __init__(self, message: str | Said, disk_text: str = "", disk_version: str = ""):
        super().__init__(message)
        self.disk_text = disk_text
        self.disk_version = disk_version


class RecordingError(BreathcastError):
    """A recording cannot be used as her voice: no audio, no sound, or no such line."""
