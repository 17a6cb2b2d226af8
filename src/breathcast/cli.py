"""The `breathcast` command: parses options, calls one library function, reports errors cleanly."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from breathcast import __version__
from breathcast.breath import BreathPattern
from breathcast.build import BuildOptions
from breathcast.build import build as build_episodes
from breathcast.config import ENGINE_CHOICES, Config, load_config
from breathcast.engines import FILL_ENGINES, engine_statuses
from breathcast.episode import clock
from breathcast.errors import BreathcastError, PatternError
from breathcast.feedcheck import check_site
from breathcast.housekeeping import clean_outputs
from breathcast.housekeeping import watch as watch_scripts
from breathcast.project import check_project, check_scripts, find_scripts, locate
from breathcast.publish import publish as publish_site
from breathcast.script import read_script
from breathcast.serve import make_server
from breathcast.terminal import BuildView, show_report, warn


class _Ratio(click.ParamType):
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
jobs_option = click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, 64),
    default=max(1, (os.cpu_count() or 1) // 2),  # one episode keeps about two cores busy
    show_default=True,
    help="Episodes made at once, each in its own process (each uses about two cores).",
)


@contextmanager
def library_errors() -> Iterator[None]:
    """The one place where a library error becomes a clean exit, without a traceback."""
    try:
        yield
    except BreathcastError as exc:
        raise click.ClickException(str(exc)) from exc


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


@cli.command()
@click.argument("scripts", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--ratio",
    "ratios",
    multiple=True,
    type=_Ratio(),
    help="Inhale:exhale ratio such as 4:6, 4:7:8 or 4-4-4-4. Repeat for several; "
    "overrides the configured ratios.",
)
@engine_option
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output folder.  [default: build/]",
)
@click.option(
    "--tts-jobs",
    type=click.IntRange(1, 32),
    default=None,
    help="Lines synthesized at once.  [default: from breathcast.toml, else 4]",
)
@click.pass_obj
@jobs_option
@click.option("--force", is_flag=True, help="Rebuild every episode, changed or not.")
@click.option(
    "--dry-run",
    is_flag=True,
    help="Only show what would be rebuilt and why, and how long each episode gets.",
)
@fill_option
@click.option("-q", "--quiet", is_flag=True, help="Print only the summary and errors.")
@click.option("-v", "--verbose", is_flag=True, help="Also print every skipped episode.")
def build(
    project: Path,
    scripts,
    ratios,
    engine,
    out,
    tts_jobs,
    jobs,
    force,
    dry_run,
    fill,
    quiet,
    verbose,
) -> None:
    """Build every script (or the SCRIPTS given) at every ratio into MP3s.

    Only episodes whose script, ratio, voice, sound settings or music changed are rebuilt.
    """
    with library_errors():
        config = load_config(project)
        options = BuildOptions.resolve(
            config,
            patterns=tuple(ratios),
            engine=engine,
            out=out,
            tts_jobs=tts_jobs,
            jobs=jobs,
            force=force,
            dry_run=dry_run,
            fill=fill,
        )
        view = BuildView(options.out, quiet, verbose, bar=not quiet and sys.stdout.isatty())
        try:
            report = build_episodes(config, scripts, options, on_event=view)
        finally:
            view.bar.clear()
    show_report(report)
    if report.failures:
        sys.exit(1)


@cli.command()
@click.argument("scripts", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--feed",
    is_flag=True,
    help="Check the published feed (build/site) against the rules podcast apps enforce.",
)
@click.option(
    "--site",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="With --feed: the published site folder.  [default: build/site]",
)
@click.pass_obj
def check(project: Path, scripts, feed, site) -> None:
    """Validate every script (or the SCRIPTS given); exit 1 on any error."""
    if feed:
        with library_errors():
            problems = check_site(site or load_config(project).path("build") / "site")
        for problem in problems:
            click.secho(f"error   {problem}", fg="red", err=True)
        if problems:
            sys.exit(1)
        click.echo("ok      the feed keeps every rule")
        return
    with library_errors():
        result = check_project(load_config(project), scripts)
    for script in result.scripts:
        click.echo(f"ok      {script.path}  ({len(script.speech)} lines, {script.title})")
    for note in result.advice:
        click.secho(f"warning {note}", fg="yellow", err=True)
    for error in result.errors:
        click.secho(f"error   {error}", fg="red", err=True)
    if result.errors:
        sys.exit(1)


@cli.command()
@click.argument("script", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--ratio", type=_Ratio(), default="4:6", show_default=True, help="The breath pattern to draw."
)
@engine_option
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default="timeline.png",
    show_default=True,
    help="The PNG to write.",
)
@click.pass_obj
def plot(project: Path, script, ratio, engine, output) -> None:
    """Draw one episode's timeline: chapters, lines, breath phases, bed and loudness."""
    from breathcast.plot import plot_script  # matplotlib is slow to import: only here

    with library_errors():
        config = load_config(project)
        written, warnings = plot_script(config, script, ratio, engine, output)
    for note in warnings:
        warn(str(note))
    click.echo(f"wrote   {written}")


@cli.command()
@engine_option
@jobs_option
@fill_option
@click.pass_obj
def watch(project: Path, engine, jobs, fill) -> None:
    """Rebuild a script's episodes every time it is saved in scripts/ (Ctrl-C stops)."""
    with library_errors():
        config = load_config(project)

    def options(fresh: Config) -> BuildOptions:
        return BuildOptions.resolve(fresh, engine=engine, jobs=jobs, fill=fill)

    click.echo(f"watching {config.path('scripts')}/ (Ctrl-C stops)")
    view = BuildView(config.path("build"), quiet=False, verbose=False, bar=False)
    for report in watch_scripts(config, options, view):
        show_report(report)
        click.echo("watching …")


@cli.command()
@click.option("--voice", "voice_too", is_flag=True, help="Also empty the voice cache.")
@click.pass_obj
def clean(project: Path, voice_too: bool) -> None:
    """Remove the build outputs (and with --voice, the voice cache)."""
    with library_errors():
        removed = clean_outputs(load_config(project), voice_too)
    for folder in removed:
        click.echo(f"removed {folder}")


@cli.command()
@click.option(
    "--base-url",
    default=None,
    help="Where the site will live, e.g. https://example.nl/rust  [default: [podcast] site_url]",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The site folder.  [default: build/site]",
)
@click.option(
    "--allow-offline-voice",
    is_flag=True,
    help="Publish episodes voiced by espeak too (they are previews).",
)
@click.pass_obj
def publish(project: Path, base_url, out, allow_offline_voice) -> None:
    """Write the download page and the podcast feed for every built episode."""
    with library_errors():
        site = publish_site(load_config(project), base_url, out, allow_offline_voice)
    click.echo(f"published {site}/index.html and {site}/feed.xml")


@cli.command()
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option(
    "--dir",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The folder to serve.  [default: build/site]",
)
@click.pass_obj
def serve(project: Path, port, folder) -> None:
    """Serve the site on 127.0.0.1, with HEAD and byte ranges (Ctrl-C stops)."""
    with library_errors():
        folder = folder or load_config(project).path("build") / "site"
        server = make_server(folder, port)
    click.echo(f"serving {folder}/ on http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@cli.command()
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8765, show_default=True, help="The port."
)
@click.option("--no-browser", is_flag=True, help="Only print the address; open no browser.")
@click.pass_obj
def studio(project: Path, port, no_browser) -> None:
    """Open the studio in the browser: edit, hear, build and publish (Ctrl-C stops)."""
    from breathcast.studio.server import serve_studio  # the web stack: only for the studio

    with library_errors():
        serve_studio(project, port, open_browser=not no_browser, echo=click.echo)


@cli.command()
@click.pass_obj
def voices(project: Path) -> None:
    """List the speech engines, their options, and whether each works right now."""
    with library_errors():
        statuses = engine_statuses(load_config(project))
    for status in statuses:
        mark = (
            click.style("usable", fg="green")
            if status.usable
            else click.style("not usable", fg="red")
        )
        click.echo(f"{status.name:8}{mark}: {status.detail}")
        click.echo(f"        {status.description}")
        options = ", ".join(f"{key}={value}" for key, value in status.options.items())
        click.echo(f"        options: {options or '-'}")


@cli.group()
def record() -> None:
    """Bring in your own voice: a whole reading of a script, or one line."""


@record.command("import")
@click.argument("script", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("reading", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def record_import(project: Path, script: Path, reading: Path) -> None:
    """Cut READING (the whole SCRIPT read aloud once) into a take per line."""
    from breathcast.recording import import_reading

    with library_errors():
        config = load_config(project)
        report = import_reading(
            config, locate(config, script), reading, on_step=lambda what: click.echo(f"{what}…")
        )
    kept = sum(line.take is not None for line in report.lines)
    click.echo(
        f"{kept} takes from {report.reading.name}: {report.new_takes} new, "
        f"{kept - report.new_takes} already there"
    )
    for line in report.repeats:
        click.secho(
            f"note    {report.place(line)}: read twice; the last reading is used (a false "
            f"start at {clock(line.placed.repeated_at_s)} is left out)",
            fg="yellow",
        )
    for line in report.unsure:
        click.secho(
            f"check   {report.place(line)}: placed at {clock(line.placed.start_s)}-"
            f"{clock(line.placed.end_s)} without confidence; listen to it, and record it "
            f"again if it is not {line.speech.text!r}",
            fg="yellow",
        )


@record.command("line")
@click.argument("target", metavar="SCRIPT:LINE")
@click.argument("audio", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--text", default=None, help="Which cue, on a breathing block with several.")
@click.pass_obj
def record_line(project: Path, target: str, audio: Path, text) -> None:
    """Keep AUDIO as the take of one line, e.g. scripts/water-en-rust.md:42."""
    from breathcast.recording import record_line as keep_take

    script, _, line = target.rpartition(":")
    if not script or not line.isdigit():
        raise click.BadParameter("write the script and the line number: scripts/x.md:42")
    with library_errors():
        config = load_config(project)
        take = keep_take(config, locate(config, script), int(line), audio, text)
    click.echo(f"kept {take.seconds:.1f} s as the take of {take.script}:{take.line}: {take.text!r}")


@record.command("list")
@click.argument("script", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def record_list(project: Path, script: Path) -> None:
    """What to read aloud, in order: every line of SCRIPT, then each breathing cue once."""
    from breathcast.recording import checklist

    with library_errors():
        lines = checklist(read_script(locate(load_config(project), script)))
    for number, speech in enumerate(lines, start=1):
        click.echo(f"{number:3}. {speech.text}    ({script.name}:{speech.line})")


@cli.command()
@click.argument("scripts", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def takes(project: Path, scripts) -> None:
    """Show each line's take: ok, check (placed without confidence), stale, or missing."""
    from breathcast.takes import TakeState, TakeStore

    with library_errors():
        config = load_config(project)
        found, errors = check_scripts(find_scripts(config, scripts))
        store = TakeStore.of(config)
        states = {script.path: store.lines(script) for script in found}
    for error in errors:
        click.secho(f"error   {error}", fg="red", err=True)
    colours = {TakeState.OK: "green", TakeState.CHECK: "yellow", TakeState.STALE: "yellow"}
    for path, lines in states.items():
        for line in lines:
            place = f"{Path(path).name}:{line.speech.line}"
            click.echo(
                click.style(f"{line.state:8}", fg=colours.get(line.state, "red"))
                + f"{place:24} {line.speech.text}"
            )
        done = sum(line.state == TakeState.OK for line in lines)
        click.echo(f"{Path(path).name}: {done} of {len(lines)} lines recorded and sure")
    if errors:
        sys.exit(1)


def main() -> None:
    cli(prog_name="breathcast")
