"""Where the site goes, tested and kept: the connection test the studio and `--setup` run,
and the host kept with its password in rclone's own config, never in the project."""

from __future__ import annotations

from dataclasses import replace

from breathcast.core import Config, DeploySettings, load_config, public_address, remember
from breathcast.site.deploy.rclone import Rclone
from breathcast.site.deploy.state import remote_state
from breathcast.site.deploy.target import described, remote_name, store, target_of


def test_connection(
    config: Config, settings: DeploySettings | None = None, password: str = ""
) -> str:
    """Reach the host described by `settings` with `password` (or else the one the project
    deploys to); its label, or a `DeployError` that says what is wrong. Nothing is kept."""
    with Rclone() as rclone:
        target = described(settings, password, rclone) if settings else target_of(config, rclone)
        remote_state(rclone, target)
    return target.label


def set_up(config: Config, settings: DeploySettings, password: str, site_url: str) -> Config:
    """Test the connection, then keep the host: its password in rclone's own config (as this
    project's own remote, `remote_name`), the rest in `[deploy]`, and the public address as
    `[podcast] site_url`. The project folder never holds the password."""
    public_address(config, site_url)  # an ASCII http(s) address, or said now
    test_connection(config, settings, password)
    kept = settings
    if settings.kind != "folder":
        with Rclone() as rclone:
            name = remote_name(config, rclone)
            store(settings, password, name, rclone)
        kept = replace(settings, remote=name)
    values = {k: getattr(kept, k) for k in ("kind", "host", "port", "user", "path", "remote")}
    remember(config, "deploy", values)
    remember(config, "podcast", {"site_url": site_url.rstrip("/")})
    return load_config(config.root)
