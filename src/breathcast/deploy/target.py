"""Where the site goes: a remote from rclone's own config (`--to REMOTE:PATH`, or `[deploy]
remote`), or one described by `[deploy]` (kind, host, port, user, path) with its password
from the environment. What rclone calls it, which kind of host it is, and what it can do.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

from breathcast.config import Config, DeploySettings
from breathcast.deploy.rclone import Rclone
from breathcast.errors import DeployError
from breathcast.words import Said

PASSWORD_ENV = "BREATHCAST_DEPLOY_PASSWORD"
PORTS = {"sftp": 22, "ftp": 21, "ftps": 21}
BACKENDS = {  # our kinds of host, and rclone's names for them
    "sftp": "sftp",
    "ftp": "ftp",
    "ftps": "ftp",
    "webdav": "webdav",
    "s3": "s3",
    "folder": "local",
}
KINDS = {backend: kind for kind, backend in reversed(BACKENDS.items())}


@dataclass(frozen=True)
class Target:
    fs: str  # what rclone calls it: "name:path", ":sftp,host=…:path", or a folder here
    kind: str  # one of BACKENDS
    label: str  # what she is shown: sftp://anna@example.nl/public_html/rust (no password)

    @property
    def renames(self) -> bool:
        """Whether breathcast itself writes each file under a temporary name and renames it
        into place: on WebDAV, where a PUT is visible while it arrives. rclone does the same
        by itself on SFTP, FTP and a folder (a `.partial` name, then a rename), and on S3 an
        object appears only once it is complete."""
        return self.kind == "webdav"

    @property
    def takes_headers(self) -> bool:
        """Whether the host keeps the headers a file is uploaded with (S3, R2, B2)."""
        return self.kind == "s3"


def target_of(config: Config, rclone: Rclone, to: str | None = None) -> Target:
    """`--to REMOTE:PATH`, else `[deploy]` remote and path, else `[deploy]` kind, host, …"""
    settings = config.deploy
    if to:
        return _named(rclone, to)
    if settings.remote:
        named = _named(rclone, f"{settings.remote.rstrip(':')}:{settings.path}")
        return replace(named, label=label(settings)) if settings.kind else named
    if not settings.kind:
        raise DeployError(
            Said(
                "where should the site go? Run `breathcast deploy --setup`, set [deploy] in "
                "breathcast.toml, or pass --to REMOTE:PATH",
                "Vul eerst in waar je site komt te staan.",
            )
        )
    return described(settings, os.environ.get(PASSWORD_ENV, ""), rclone)


def described(settings: DeploySettings, password: str, rclone: Rclone) -> Target:
    """A host described by its settings, reached on the fly with `password`."""
    kind, path = settings.kind, settings.path.strip("/")
    if kind == "folder":
        return Target(settings.path, kind, settings.path)
    options = {**connection(settings), **_secret(kind, password, rclone)}
    fs = f":{BACKENDS[kind]},{','.join(f'{k}={_quoted(v)}' for k, v in options.items())}:{path}"
    return Target(fs, kind, label(settings))


def connection(settings: DeploySettings) -> dict[str, str]:
    """The options (no secret) that reach the host, in rclone's words."""
    kind = settings.kind
    if kind == "webdav":
        return {"url": settings.host, "vendor": "other", "user": settings.user}
    if kind == "s3":
        return {"provider": "Other", "endpoint": settings.host, "access_key_id": settings.user}
    options = {"host": settings.host, "user": settings.user}
    options["port"] = str(settings.port or PORTS[kind])
    if kind == "ftps":
        options["explicit_tls"] = "true"
    return options


def _secret(kind: str, password: str, rclone: Rclone) -> dict[str, str]:
    if not password:
        raise DeployError(
            Said(
                f"no password for the host: run `breathcast deploy --setup` (it keeps it in "
                f"rclone's own config), or set {PASSWORD_ENV}",
                "Het wachtwoord van je website ontbreekt; vul het opnieuw in.",
            )
        )
    if kind == "s3":
        return {"secret_access_key": password}
    return {"pass": rclone.obscure(password)}


def label(settings: DeploySettings) -> str:
    if settings.kind == "folder":
        return settings.path
    if settings.kind in ("webdav", "s3"):
        return f"{settings.host.rstrip('/')}/{settings.path.strip('/')}"
    port = f":{settings.port}" if settings.port else ""
    return f"{settings.kind}://{settings.user}@{settings.host}{port}/{settings.path.strip('/')}"


def _named(rclone: Rclone, fs: str) -> Target:
    """A remote from rclone's own config, or a folder on this computer."""
    name, colon, _ = fs.partition(":")
    if not colon or os.path.isabs(fs) or len(name) == 1:  # a path here (or a Windows drive)
        return Target(fs, "folder", fs)
    found = rclone.call("config/get", name=name)
    if not found:
        raise DeployError(
            Said(
                f"rclone has no remote called {name!r}; `rclone config` lists and makes them",
                f"De verbinding {name!r} is er niet; vul opnieuw in waar je site komt te staan.",
            )
        )
    return Target(fs, KINDS.get(found.get("type", ""), found.get("type", "")), fs)


def store(settings: DeploySettings, password: str, name: str, rclone: Rclone) -> None:
    """Keep the host, with its password, as the rclone remote `name` in rclone's own config
    (outside the project: RCLONE_CONFIG, or ~/.config/rclone/rclone.conf)."""
    parameters = {**connection(settings), **_stored_secret(settings.kind, password)}
    rclone.call(
        "config/create",
        name=name,
        type=BACKENDS[settings.kind],
        parameters=parameters,
        opt={"obscure": True, "nonInteractive": True},
    )


def _stored_secret(kind: str, password: str) -> dict[str, str]:
    if kind == "folder":
        return {}
    return {"secret_access_key": password} if kind == "s3" else {"pass": password}


def _quoted(value: str) -> str:
    """A value in an rclone connection string: quoted when it holds , : ' or "."""
    if any(c in value for c in ",:'\""):
        return "'" + value.replace("'", "''") + "'"
    return value
