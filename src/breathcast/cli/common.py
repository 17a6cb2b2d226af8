"""What every command shares: the group, its options, and the one place where a library
error becomes a clean exit."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from breathcast import __version__
from breathcast.cli.terminal import warn
from breathcast.core import ENGINE_CHOICES, BreathcastError, BreathPattern, PatternError
from breathcast.voice import FILL_ENGINES


class RatioParam(click.ParamType):
    name = "ratio"

    def convert(self, value, param, ctx):
        if isinstance(value, BreathPattern):
            return value
        try:
            return BreathPattern.parse(value)
        except PatternError as exc:
            self.fail(str(exc), param, ctx)


class _WarningHandler(logging.Handler):
    """Warnings from deep in the library (a damaged cache clip, a stale lock taken over)."""

    def emit(self, record: logging.LogRecord) -> None:
        warn(record.getMessage())


def _setup_logging() -> None:
    logger = logging.getLogger("breathcast")
    if not any(isinstance(h, _WarningHandler) for h in logger.handlers):
        logger.addHandler(_WarningHandler(logging.WARNING))
    logger.propagate = False


engine_option = click.option(
    "--engine",
    type=click.Choice(ENGINE_CHOICES),
    default=None,
    help="Speech engine: auto uses gTTS when Google answers, otherwise espeak; opname is "
    "your own recorded voice.  [default: a script's engine:, then breathcast.toml, else auto]",
)
fill_option = click.option(
    "--fill",
    type=click.Choice(FILL_ENGINES),
    default=None,
    help="With your own voice (opname): voice the lines you have not recorded yet with this "
    "engine. The episodes are then previews, and publish refuses them.",
)


class JobsParam(click.ParamType):
    """`auto` (None), or a number of episodes at once."""

    name = "auto|N"

    def convert(self, value, param, ctx):
        if value is None or str(value).strip().lower() == "auto":
            return None
        try:
            number = int(value)
        except ValueError:
            number = 0
        if not 1 <= number <= 64:
            self.fail(f"{value!r}: write auto, or a number from 1 to 64", param, ctx)
        return number


jobs_option = click.option(
    "-j",
    "--jobs",
    type=JobsParam(),
    default="auto",
    show_default=True,
    help="Episodes made at once, each in its own process. auto: as many as the cores can "
    "feed (one episode keeps about two busy); a larger number is lowered to that.",
)


@contextmanager
def library_errors(dutch_too: bool = False) -> Iterator[None]:
    """The one place where a library error becomes a clean exit, without a traceback; with
    `dutch_too` (her first commands) its Dutch words come first."""
    try:
        yield
    except BreathcastError as exc:
        message = f"{exc.said.nl}\n{exc.said.en}" if dutch_too else str(exc)
        raise click.ClickException(message) from exc


@click.group()
@click.version_option(__version__, prog_name="breathcast")
@click.option(
    "--project",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="Project folder holding breathcast.toml and scripts/.",
)
@click.pass_context
def cli(ctx: click.Context, project: Path) -> None:
    """Turn Dutch guided-meditation scripts into finished MP3s."""
    _setup_logging()
    ctx.obj = project
