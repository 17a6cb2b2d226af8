"""Putting them out: publish, deploy, serve, the studio."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from breathcast.cli.common import cli, library_errors
from breathcast.core import load_config


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
@click.option(
    "--owner-email",
    default=None,
    help="Your email address, which Apple asks for; remembered as [podcast] owner_email.",
)
@click.pass_obj
def publish(project: Path, base_url, out, allow_offline_voice, owner_email) -> None:
    """Write the download page and the podcast feed for every built episode.

    --base-url and --owner-email are remembered in the settings, so they are given once;
    whatever still stands in the way is said at once."""
    from breathcast.core import save_settings
    from breathcast.site.publish import publish as publish_site

    with library_errors():
        config = load_config(project)
        given = {"site_url": base_url, "owner_email": owner_email}
        given = {name: value for name, value in given.items() if value}
        if given:
            config = save_settings(config, given).config  # checked, then remembered
        site = publish_site(config, None, out, allow_offline_voice)
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
        from breathcast.site.serve import make_server  # http.server: only this command needs it

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
@click.pass_context
def studio(ctx: click.Context, port, no_browser) -> None:
    """Open the studio in the browser: edit, hear, build and publish (Ctrl-C stops).

    Outside a project it opens the project you used last, or offers to make one."""
    from breathcast.cli.project import studio_project
    from breathcast.core import remember_project
    from breathcast.studio.server import serve_studio  # the web stack: only for the studio

    project = studio_project(ctx, ctx.obj)
    remember_project(project)
    with library_errors():
        serve_studio(project, port, open_browser=not no_browser, echo=click.echo)


@cli.command()
@click.option(
    "--to",
    "to",
    default=None,
    metavar="REMOTE:PATH",
    help="Any rclone remote from rclone's own config (or a folder), over [deploy].",
)
@click.option("--dry-run", is_flag=True, help="List what would be sent, replaced and removed.")
@click.option(
    "--verify",
    is_flag=True,
    help="Afterwards, read the feed from the public address and HEAD every file.",
)
@click.option("--force", is_flag=True, help="Remove more files than [deploy] max_deletes.")
@click.option(
    "--allow-offline-voice",
    is_flag=True,
    help="Put previews (espeak, or your voice with gaps filled) online too.",
)
@click.option(
    "--setup",
    is_flag=True,
    help="Say where the site goes; the password is kept in rclone's own config.",
)
@click.pass_obj
def deploy(project: Path, to, dry_run, verify, force, allow_offline_voice, setup) -> None:
    """Put the published site online: media first, the feed after, removals last."""
    from breathcast.cli.terminal import DeployView, show_deploy
    from breathcast.site import deploy as online

    with library_errors():
        config = load_config(project)
        if setup:
            config = _set_up(config)
        options = online.DeployOptions.resolve(
            config, to=to, dry_run=dry_run, verify=verify, force=force,
            allow_offline=allow_offline_voice,
        )  # fmt: skip
        view = DeployView(bar=sys.stdout.isatty())
        try:
            report = online.deploy(config, options, on_event=view)
        finally:
            view.bar.clear()
    show_deploy(report)
    if not report.ok:
        sys.exit(1)


def _set_up(config):
    """Ask where the site goes, once; test it; keep the password in rclone's config."""
    from breathcast.core import DEPLOY_KINDS, DeploySettings
    from breathcast.site import PORTS
    from breathcast.site import deploy as online

    now = config.deploy
    kind = click.prompt("Kind of host", type=click.Choice(DEPLOY_KINDS), default=now.kind or "sftp")
    if kind == "folder":
        settings = DeploySettings(kind=kind, path=click.prompt("Folder", default=now.path or None))
        password = ""
    else:
        host = click.prompt(
            "Host (for webdav and s3 the address, https://…)", default=now.host or None
        )
        port = click.prompt("Port", type=int, default=now.port or PORTS.get(kind, 0))
        user = click.prompt("User (for s3 the access key id)", default=now.user or None)
        password = click.prompt("Password (for s3 the secret key)", hide_input=True)
        path = click.prompt("Folder on the host (for s3 bucket/folder)", default=now.path or "")
        settings = DeploySettings(kind=kind, host=host, port=port, user=user, path=path)
    address = click.prompt("Public address of the site", default=config.podcast.site_url or None)
    config = online.set_up(config, settings, password, address)
    click.echo(
        f"kept: {config.deploy.remote or config.deploy.path} (the password in rclone's config)"
    )
    return config
