"""What went online, per host: where, when, and which site, so the studio can say whether
what is online at her own host is the site published now (a deploy to a test folder says
nothing of that)."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path

from breathcast.core import Config, atomic_write
from breathcast.site.deploy.target import Target, target_key

DEPLOYED_NAME = "deployed.json"  # in the build folder


def record(config: Config, target: Target, address: str, site: Path, when: datetime) -> None:
    """Where and when the site went online, and which site it was, per target: the studio
    says whether what is online at her own host is current (a deploy elsewhere says nothing
    of that)."""
    path = config.path("build") / DEPLOYED_NAME
    records = _records(path)
    records[target.key] = {"target": target.label, "address": address,
                           "at": when.isoformat(timespec="seconds"), "site": site_digest(site)}
    atomic_write(path, json.dumps({"targets": records}, indent=1).encode())  # fmt: skip


def _records(path: Path) -> dict[str, dict]:
    try:
        return dict(json.loads(path.read_text(encoding="utf-8"))["targets"])
    except (OSError, ValueError, KeyError, TypeError):
        return {}  # none yet, or the one record of an earlier version: which target, unknown


def site_digest(site: Path) -> str:
    """Changes whenever publishing changed what goes online: the feed names every episode's
    files by their hash, and the page every exercise."""
    digest = hashlib.sha256()
    for name in ("feed.xml", "index.html"):
        path = site / name
        digest.update(path.read_bytes() if path.is_file() else b"")
    return digest.hexdigest()[:16]


def deployed(config: Config) -> dict | None:
    """The last deploy to the host the project deploys to (target, address, at, and
    `current`: whether the site published now is the one that went online), or None."""
    last = _records(config.path("build") / DEPLOYED_NAME).get(target_key(config.deploy))
    if last is None:
        return None
    return {**last, "current": last.get("site") == site_digest(config.path("build") / "site")}
