"""What a deploy does, worked out before a byte is sent: pure, from the site folder, the
remote's listing, the state the last deploy left there, and the time.

The order keeps the remote whole at every moment: media first (content-hashed names, so a
name never changes its bytes), then the pages in an order where each file arrives after
what it points to (the page's scripts, the embed pages, the page, the feed last), and
removals last of all, only of what breathcast itself put there, and only once nothing has
pointed at it for the grace period: podcast apps hold yesterday's feed for hours.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

STATE_NAME = ".breathcast-deploy.json"  # on the remote: what breathcast put there, and since
STATE_VERSION = 1
LOCAL_ONLY = ("published.json",)  # the site folder's own bookkeeping, never sent
MEDIA = ("audio/", "covers/")  # content-hashed names: immutable, cached for a year
# Pages by when they may arrive: whatever they point to must be there before them.
PAGE_ORDER = ("site.js", "sw.js", "embed.js", "embed/", "index.html", "feed.xml")
# A file on its way into place: breathcast's own temporary name, or rclone's.
TEMP = re.compile(r"(^|/)\.[^/]+\.breathcast-[0-9a-f]+\.tmp$|\.[0-9a-f]{8}\.partial$")

CONTENT_TYPES = {
    ".mp3": "audio/mpeg",
    ".opus": "audio/ogg",
    ".xml": "application/rss+xml",
    ".vtt": "text/vtt",
    ".json": "application/json",
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".css": "text/css",
}


@dataclass(frozen=True)
class SiteFile:
    name: str  # site-relative, with /
    size: int
    sha256: str
    path: Path  # where it is here

    @property
    def media(self) -> bool:
        return self.name.startswith(MEDIA)

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES.get(Path(self.name).suffix.lower(), "application/octet-stream")

    @property
    def cache_control(self) -> str:
        """A year for what never changes under its name; the rest is asked for again."""
        return "public, max-age=31536000, immutable" if self.media else "no-cache"


@dataclass(frozen=True)
class State:
    """What breathcast put on the remote (name -> sha256 and size), and since when each
    file that the site no longer uses has been unused (name -> ISO time)."""

    files: dict[str, dict] = field(default_factory=dict)
    unused: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> bytes:
        data = {"version": STATE_VERSION, "files": self.files, "unused": self.unused}
        return (json.dumps(data, indent=1, sort_keys=True) + "\n").encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes | None) -> State:
        """The state as read from the remote; empty when there is none or it is unreadable
        (then the remote's own listing says what is there)."""
        try:
            raw = json.loads(data or b"")
            if raw.get("version") != STATE_VERSION:
                return cls()
            return cls(dict(raw["files"]), dict(raw.get("unused", {})))
        except (ValueError, KeyError, TypeError, AttributeError):
            return cls()


@dataclass(frozen=True)
class Plan:
    sends: tuple[SiteFile, ...]  # in the order they are sent
    replaced: tuple[str, ...]  # of those, the ones sent over an earlier file of that name
    removals: tuple[str, ...]  # unused for the whole grace period: removed last
    waiting: dict[str, str]  # unused, kept until the grace period has passed: name -> since
    leftovers: tuple[str, ...]  # temporary files an interrupted deploy left: removed first
    state: State  # what the remote holds once the plan is carried out

    @property
    def bytes(self) -> int:
        return sum(f.size for f in self.sends)

    @property
    def nothing_to_do(self) -> bool:
        return not (self.sends or self.removals or self.leftovers)


def site_files(site: Path) -> dict[str, SiteFile]:
    """Every file of the published site that belongs online, by its site-relative name. A
    page is hashed; a medium's name already says which bytes it holds."""
    files = {}
    for path in sorted(site.rglob("*")):
        name = path.relative_to(site).as_posix()
        if not path.is_file() or name in LOCAL_ONLY or Path(name).name.startswith("."):
            continue
        digest = ""
        if not name.startswith(MEDIA):
            with path.open("rb") as handle:
                digest = hashlib.file_digest(handle, "sha256").hexdigest()
        files[name] = SiteFile(name, path.stat().st_size, digest, path)
    return files


def order(file: SiteFile) -> tuple[int, str]:
    """When a file may be sent: media first, then every other file, then the pages in
    PAGE_ORDER (what points at others comes after them)."""
    if file.media:
        return 0, file.name
    for rank, prefix in enumerate(PAGE_ORDER, start=2):
        if file.name == prefix or (prefix.endswith("/") and file.name.startswith(prefix)):
            return rank, file.name
    return 1, file.name


def plan(
    local: dict[str, SiteFile],
    remote: dict[str, int],
    state: State,
    now: datetime,
    grace: timedelta,
) -> Plan:
    """What to send, remove and keep, given the site here (`local`), what the remote lists
    (name -> size), and what the last deploy left there (`state`)."""
    leftovers = tuple(sorted(n for n in remote if TEMP.search(n)))
    present = {n: size for n, size in remote.items() if not TEMP.search(n) and n != STATE_NAME}
    sends = []
    for file in local.values():
        known = state.files.get(file.name)
        there = present.get(file.name) == file.size
        same = there and (known["sha256"] == file.sha256 if known else file.media)
        if not same:  # a hashed name of the right size holds its bytes, whatever we knew
            sends.append(file)
    files = {n: {"sha256": f.sha256, "size": f.size} for n, f in local.items()}
    waiting, removals = {}, []
    for name in sorted(present):
        ours = name in state.files or name.startswith((*MEDIA, "embed/")) or name in PAGE_ORDER
        if name in local or not ours:
            continue  # in use, or not ours: her other files are never touched
        since = state.unused.get(name, now.isoformat(timespec="seconds"))
        if now - datetime.fromisoformat(since) >= grace:
            removals.append(name)
        else:
            waiting[name] = since
            files[name] = state.files.get(name, {"sha256": "", "size": present[name]})
    sends.sort(key=order)
    return Plan(
        sends=tuple(sends),
        replaced=tuple(f.name for f in sends if f.name in present),
        removals=tuple(removals),
        waiting=waiting,
        leftovers=leftovers,
        state=State(files, waiting),
    )
