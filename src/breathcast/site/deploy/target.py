"""Where the site goes: a remote from rclone's own config (`--to REMOTE:PATH`, or `[deploy]
remote`), or one described by `[deploy]` (kind, host, port, user, path) with its password
from the environment. What rclone calls it, which kind of host it is, and what it can do.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, replace

from breathcast.core import Config, DeployError, DeploySettings, Said
from breathcast.script import slugify
from breathcast.site.deploy.rclone import Rclone

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
    key: str = ""  # which target this is, as `target_key` names it without asking rclone

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
    key = target_key(settings, to)
    if to:
        return replace(_named(rclone, to), key=key)
    if settings.remote:
        return replace(_named(rclone, key), key=key)
    if not settings.kind:
        raise DeployError(
            Said(
                "where should the site go? Run `breathcast deploy --setup`, set [deploy] in "
                "breathcast.toml, or pass --to REMOTE:PATH",
                "Vul eerst in waar je site komt te staan.",
            )
        )
    return replace(described(settings, os.environ.get(PASSWORD_ENV, ""), rclone), key=key)


def target_key(settings: DeploySettings, to: str | None = None) -> str:
    """Which target a deploy goes to, without asking rclone: `--to`, else the kept remote and
    its folder, else the host described by the settings. What went online is kept per key."""
    if to:
        return to
    if settings.remote:
        return f"{settings.remote.rstrip(':')}:{remote_path(settings)}"
    return label(settings)


def remote_path(settings: DeploySettings) -> str:
    """The folder on the host, one way for the connection test and every deploy. On SFTP and
    FTP a leading / is the server's root and a path without it starts in the login folder, so
    it is kept as typed; WebDAV and S3 paths start at the address or the bucket."""
    path = settings.path.strip()
    if settings.kind in ("webdav", "s3"):
        return path.strip("/")
    return path if path in ("", "/") else path.rstrip("/")


def described(settings: DeploySettings, password: str, rclone: Rclone) -> Target:
    """A host described by its settings, reached on the fly with `password`."""
    kind, path = settings.kind, remote_path(settings)
    if kind == "folder":
        return Target(settings.path, kind, settings.path)
    options = {**connection(settings), **_secret(kind, password, rclone)}
    fs = f":{BACKENDS[kind]},{','.join(f'{k}={_quoted(v)}' for k, v in options.items())}:{path}"
    return Target(_as_folder(fs, kind), kind, label(settings))


def _as_folder(fs: str, kind: str) -> str:
    """On S3 a path ends in /: without it rclone first asks whether the path is an object,
    and a wrong secret or a dead endpoint then reads "is a file not a directory"."""
    return fs + "/" if kind == "s3" and not fs.endswith((":", "/")) else fs


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
    """The host and folder as she is shown them (never a password)."""
    path = remote_path(settings)
    if settings.kind == "folder":
        return path
    if settings.kind in ("webdav", "s3"):
        return f"{settings.host.rstrip('/')}/{path}"
    port = f":{settings.port}" if settings.port else ""
    return f"{settings.kind}://{settings.user}@{settings.host}{port}/{path.lstrip('/')}"


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
    kind = KINDS.get(found.get("type", ""), found.get("type", ""))
    return Target(_as_folder(fs, kind), kind, _label_of(kind, found, fs.partition(":")[2]) or fs)


def _label_of(kind: str, remote: dict, path: str) -> str:
    """The label of a remote from rclone's config, from what it really holds."""
    if kind not in BACKENDS:
        return ""
    if kind == "ftp" and remote.get("explicit_tls") == "true":
        kind = "ftps"
    host = remote.get("url") or remote.get("endpoint") or remote.get("host", "")
    user = remote.get("user") or remote.get("access_key_id", "")
    port = int(remote.get("port") or 0)
    return label(DeploySettings(kind=kind, host=host, port=port, user=user, path=path))


def remote_name(config: Config, rclone: Rclone) -> str:
    """The rclone remote that keeps this project's host: its own, never another's. A
    project's remote is named after its folder and where that folder is; one that already
    stands under that name and is not this project's is left alone, and a free name taken."""
    root = config.root.resolve()
    base = f"breathcast-{slugify(root.name)}-{hashlib.sha256(str(root).encode()).hexdigest()[:6]}"
    taken = set(rclone.call("config/listremotes").get("remotes") or ())
    name, n = base, 1
    while name in taken and name != config.deploy.remote:
        n += 1
        name = f"{base}-{n}"
    return name


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
