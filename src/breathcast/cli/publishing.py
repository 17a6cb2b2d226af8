"""Putting them out: publish, serve, the studio."""

from __future__ import annotations

from pathlib import Path

import click

from breathcast.cli.common import cli, library_errors
from breathcast.config import load_config
from breathcast.publish import publish as publish_site
from breathcast.serve import make_server


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
