"""What a deploy does, worked out before a byte is sent: pure, from the site folder, the
remote's listing, breathcast's record of what it sent there, and the time.

The order keeps the remote whole at every moment: media first (content-hashed names, so a
name never changes its bytes), then the pages in an order where each file arrives after
what it points to (the page's scripts, the embed pages, the page, the feed last), and
removals last of all, only once nothing has pointed at a file for the grace period: podcast
apps hold yesterday's feed for hours.

Only a name in breathcast's record is breathcast's: the record names every file before it is
sent, so whatever it sent is in it, and nothing else ever is. Her own files beside the site
(`audio/jingle.mp3`, `backups/x.partial`, her `index.html`) are listed and left as they are.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

STATE_NAME = ".breathcast-deploy.json"  # on the remote: breathcast's record of what it sent
STATE_VERSION = 2
LOCAL_ONLY = ("published.json",)  # the site folder's own bookkeeping, never sent
MEDIA = ("audio/", "covers/")  # content-hashed names: immutable, cached for a year
# Pages by when they may arrive: whatever they point to must be there before them.
PAGE_ORDER = ("site.js", "sw.js", "embed.js", "embed/", "index.html", "feed.xml")
# A file on its way into place, as `folder/.name.breathcast-<hex>.tmp` (breathcast's own, on
# WebDAV) or `folder/name.<8 hex>.partial` (rclone's): the group is the name it will have.
TEMP = re.compile(r"^(?:(.*/)?\.([^/]+)\.breathcast-[0-9a-f]+\.tmp|(.+)\.[0-9a-f]{8}\.partial)$")
# The names breathcast gives media (collect.py: `<stem>-<8 hex of the bytes>.<kind>`). Only
# for reading a version-1 record, which could list names that were never breathcast's.
HASHED = re.compile(
    r"^(?:audio/[a-z0-9.-]+-[0-9a-f]{8}\.(?:mp3|opus|vtt|chapters\.json)"
    r"|covers/[a-z0-9-]+-[0-9a-f]{8}\.(?:jpg|png))$"
)

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


def record_key(name: str) -> str:
    """A site name as the record on the remote keeps it: hashed, so the public host shows
    no name the feed does not (a retired episode, say)."""
    return hashlib.sha256(name.encode("utf-8")).hexdigest()[:32]


def temp_of(name: str) -> str | None:
    """The name a temporary file will have once renamed into place, or None."""
    match = TEMP.match(name)
    if not match:
        return None
    folder, dotted, partial = match.groups()
    return partial if partial is not None else (folder or "") + dotted


@dataclass(frozen=True)
class State:
    """breathcast's record on the remote: every name it sent or started to send (by
    `record_key`: sha256 and size, an empty sha256 while not known to be whole), and since
    when each file that the site no longer uses has been unused (key -> ISO time). Only what
    is in it is ever breathcast's to replace or remove."""

    files: dict[str, dict] = field(default_factory=dict)
    unused: dict[str, str] = field(default_factory=dict)

    def has(self, name: str) -> bool:
        return record_key(name) in self.files

    def known(self, name: str) -> dict | None:
        return self.files.get(record_key(name))

    def to_json(self) -> bytes:
        data = {"version": STATE_VERSION, "files": self.files, "unused": self.unused}
        return (json.dumps(data, indent=1, sort_keys=True) + "\n").encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes | None) -> State:
        """The record as read from the remote; empty when there is none or it is unreadable
        (then nothing there is taken for breathcast's)."""
        try:
            raw = json.loads(data or b"")
            if raw.get("version") == 1:
                return cls._from_version_1(raw)
            if raw.get("version") != STATE_VERSION:
                return cls()
            return cls(dict(raw["files"]), dict(raw.get("unused", {})))
        except (ValueError, KeyError, TypeError, AttributeError):
            return cls()

    @classmethod
    def _from_version_1(cls, raw: dict) -> State:
        """Version 1 kept names, and wrote any name under audio/, covers/ or embed/ into its
        record: only a page it hashed when sending it, or a name of breathcast's own hashed
        pattern, was really sent by breathcast."""
        files, unused = {}, {}
        for name, known in dict(raw["files"]).items():
            if known.get("sha256") or HASHED.match(name):
                files[record_key(name)] = known
                if name in raw.get("unused", {}):
                    unused[record_key(name)] = raw["unused"][name]
        return cls(files, unused)


@dataclass(frozen=True)
class Plan:
    sends: tuple[SiteFile, ...]  # in the order they are sent
    replaced: tuple[str, ...]  # of those, the ones sent over an earlier file of that name
    clashes: tuple[str, ...]  # of those, the ones over a file breathcast did not put there
    removals: tuple[str, ...]  # unused for the whole grace period: removed last
    waiting: dict[str, str]  # unused, kept until the grace period has passed: name -> since
    leftovers: tuple[str, ...]  # breathcast's temporary files an interrupted deploy left
    foreign: tuple[str, ...]  # not breathcast's: never touched
    claim: State  # the record before the first byte: it names every file about to be sent
    state: State  # what the remote holds once the plan is carried out

    @property
    def bytes(self) -> int:
        return sum(f.size for f in self.sends)

    @property
    def deletions(self) -> tuple[str, ...]:
        """Every name this plan removes from the host: leftovers first, then removals."""
        return self.leftovers + self.removals

    @property
    def nothing_to_do(self) -> bool:
        return not (self.sends or self.deletions)


def site_entries(site: Path) -> Iterator[tuple[str, Path]]:
    """Every file of the published site that belongs online: its site-relative name, and
    where it is here."""
    for path in sorted(site.rglob("*")):
        name = path.relative_to(site).as_posix()
        if path.is_file() and name not in LOCAL_ONLY and not Path(name).name.startswith("."):
            yield name, path


def site_files(site: Path, pages: bool = True) -> dict[str, SiteFile]:
    """The site's files (without its pages, if not `pages`), by their site-relative names. A
    page is hashed; a medium's name already says which bytes it holds."""
    files = {}
    for name, path in site_entries(site):
        digest = ""
        if not name.startswith(MEDIA):
            if not pages:
                continue
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
    (name -> size), and breathcast's record there (`state`). A name that is not in the
    record is hers: it is listed, and never replaced or removed unless she says so."""
    temporary = {n: temp_of(n) for n in remote}
    leftovers = tuple(sorted(n for n, final in temporary.items() if final and state.has(final)))
    present = {n: size for n, size in remote.items() if not temporary[n] and n != STATE_NAME}
    sends = []
    for file in local.values():
        known = state.known(file.name)
        there = present.get(file.name) == file.size
        same = there and (known["sha256"] == file.sha256 if known else file.media)
        if not same:  # a hashed name of the right size holds its bytes, whatever we knew
            sends.append(file)
    files = {record_key(n): {"sha256": f.sha256, "size": f.size} for n, f in local.items()}
    waiting, removals = {}, []
    for name in sorted(present):
        if name in local or not state.has(name):
            continue  # in use, or not breathcast's: her other files are never touched
        key = record_key(name)
        since = state.unused.get(key, now.isoformat(timespec="seconds"))
        if now - datetime.fromisoformat(since) >= grace:
            removals.append(name)
        else:
            waiting[name] = since
            files[key] = state.files[key]
    sends.sort(key=order)
    claim = dict(state.files)
    for file in sends:  # not known to be whole until it has arrived
        claim[record_key(file.name)] = {"sha256": "", "size": file.size}
    foreign = [n for n in remote if n != STATE_NAME and n not in local and not state.has(n)]
    return Plan(
        sends=tuple(sends),
        replaced=tuple(f.name for f in sends if f.name in present),
        clashes=tuple(f.name for f in sends if f.name in present and not state.has(f.name)),
        removals=tuple(removals),
        waiting=waiting,
        leftovers=leftovers,
        foreign=tuple(sorted(n for n in foreign if n not in leftovers)),
        claim=State(claim, state.unused),
        state=State(files, {record_key(n): since for n, since in waiting.items()}),
    )
