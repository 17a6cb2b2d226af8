"""Her project, apart from the program: init, shortcut, and which project the studio opens."""

from __future__ import annotations

from pathlib import Path

import click

from breathcast.cli.common import cli, library_errors
from breathcast.core import Said, default_project, is_project, last_project


def say(said: Said) -> None:
    """Her first commands speak Dutch first, then English."""
    click.echo(said.nl)
    click.echo(said.en)


def _refuse(said: Said) -> None:
    """A clean exit with both languages, for what stops her first commands."""
    raise click.ClickException(f"{said.en}\n{said.nl}")


@cli.command()
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def init(ctx: click.Context, folder: Path | None) -> None:
    """Make a project in FOLDER: the six exercises as starters, every setting explained in
    breathcast.toml, and music/ for your own music.  [default: --project when given, else
    Ademstudio in your documents folder]

    A folder that already holds a project is left as it is."""
    from breathcast.build import init_project

    if folder is None and _given(ctx):
        folder = ctx.obj
    with library_errors(dutch_too=True):
        made = init_project(folder or default_project())
    say(made.said)


def _given(ctx: click.Context) -> bool:
    """Whether `--project` was given, not left at its default (the current folder)."""
    source = ctx.find_root().get_parameter_source("project")
    return source is not click.core.ParameterSource.DEFAULT


@cli.command()
@click.pass_context
def shortcut(ctx: click.Context) -> None:
    """Put an "Ademstudio" launcher on the desktop and in the Start menu (macOS: in
    Applications) that opens the studio on your project in the browser."""
    from breathcast.cli.launcher import make_launchers

    project = project_for(ctx, ctx.obj)
    if project is None:
        _refuse(
            Said(
                "no project yet: make one with `breathcast init`, then run `breathcast shortcut`",
                "Er is nog geen project: maak er eerst een met `breathcast init`.",
            )
        )
    with library_errors(dutch_too=True):
        made = make_launchers(project)
    say(made.said)


def project_for(ctx: click.Context, project: Path) -> Path | None:
    """The project to open: `--project` when given (or the current folder when it is a
    project), else the one she used last, else her documents' Ademstudio if it is one."""
    if _given(ctx) or is_project(project):
        return project
    for candidate in (last_project(), default_project()):
        if candidate is not None and is_project(candidate):
            return candidate
    return None


def studio_project(ctx: click.Context, project: Path) -> Path:
    """The folder `breathcast studio` works in. Outside a project it opens the one she used
    last, or offers to make one (her documents' Ademstudio) and opens that."""
    found = project_for(ctx, project)
    if found is not None:
        if found != project:
            say(
                Said(
                    f"opening the project you used last: {found}",
                    f"Ik open het project dat je het laatst gebruikte: {found}",
                )
            )
        return found
    folder = default_project()
    say(
        Said(
            f"There is no project here yet. Make one in {folder}, with your six exercises "
            "to start from?",
            f"Hier staat nog geen project. Zal ik er een maken in {folder}, met je zes "
            "oefeningen om mee te beginnen?",
        )
    )
    if not click.confirm("Ja / yes?", default=True):
        _refuse(
            Said(
                "nothing was made; make a project with `breathcast init FOLDER`",
                "Er is niets gemaakt. Een project maak je met `breathcast init MAP`.",
            )
        )
    from breathcast.build import init_project

    with library_errors(dutch_too=True):
        made = init_project(folder)
    say(made.said)
    return made.folder
