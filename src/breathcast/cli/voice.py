"""Voices and her own voice: voices, record, takes."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from breathcast.build import check_scripts, find_scripts, locate
from breathcast.cli.common import cli, library_errors
from breathcast.core import load_config
from breathcast.script import clock, read_script
from breathcast.voice import engine_statuses


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
    from breathcast.voice import import_reading

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
    from breathcast.voice import record_line as keep_take

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
    from breathcast.voice import checklist

    with library_errors():
        lines = checklist(read_script(locate(load_config(project), script)))
    for number, speech in enumerate(lines, start=1):
        click.echo(f"{number:3}. {speech.text}    ({script.name}:{speech.line})")


@cli.command()
@click.argument("scripts", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def takes(project: Path, scripts) -> None:
    """Show each line's take: ok, check (placed without confidence), stale, or missing."""
    from breathcast.voice import TakeState, TakeStore

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
