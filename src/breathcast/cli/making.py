"""Making the episodes: build, check, plot, watch, clean.

The library is imported inside each command: the build's modules (numpy and all) load only
for the commands that need them, so `breathcast deploy` or `--help` start at once."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from breathcast.cli.common import (
    RatioParam,
    cli,
    engine_option,
    fill_option,
    jobs_option,
    library_errors,
)
from breathcast.cli.terminal import BuildView, show_report, warn
from breathcast.core import Config, load_config


@cli.command()
@click.argument("scripts", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--ratio",
    "ratios",
    multiple=True,
    type=RatioParam(),
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
    "--verify",
    is_flag=True,
    help="Also measure every MP3 and Opus file it makes with ffmpeg's ebur128, and warn "
    "where it disagrees with the in-process meter.",
)
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
    verify,
    dry_run,
    fill,
    quiet,
    verbose,
) -> None:
    """Build every script (or the SCRIPTS given) at every ratio into MP3s.

    Only episodes whose script, ratio, voice, sound settings or music changed are rebuilt.
    """
    from breathcast.build import BuildOptions
    from breathcast.build import build as build_episodes

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
            verify=verify,
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
    from breathcast.build import check_project
    from breathcast.site import check_site

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
    failed = {str(error.path) for error in result.errors}
    for script in result.scripts:
        if script.path not in failed:
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
    "--ratio",
    type=RatioParam(),
    default="4:6",
    show_default=True,
    help="The breath pattern to draw.",
)
@click.option(
    "--length",
    "length",
    default=None,
    help="One of the script's `lengths:` (e.g. 3m); default: its first.",
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
def plot(project: Path, script, ratio, length, engine, output) -> None:
    """Draw one episode's timeline: chapters, lines, breath phases, bed and loudness."""
    from breathcast.build.plot import plot_script  # matplotlib is slow to import: only here

    with library_errors():
        config = load_config(project)
        written, warnings = plot_script(config, script, ratio, engine, output, length)
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

    from breathcast.build import BuildOptions
    from breathcast.build import watch as watch_scripts

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
        from breathcast.build import clean_outputs

        removed = clean_outputs(load_config(project), voice_too)
    for folder in removed:
        click.echo(f"removed {folder}")
