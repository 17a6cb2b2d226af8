"""The therapist's own files, as the studio edits them: scripts and the pronunciation list.

Every read carries a version (a hash of the bytes on disk). A save names the version it was
made from, and if the file changed on disk since (another editor, a sync folder), nothing is
overwritten: a `ConflictError` carries the disk's text, so both can be shown. Every save first
keeps the text it replaces in `history/`, so nothing she wrote is ever lost.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from breathcast.core import Config, ConflictError, RequestError, Said, WorkspaceError, atomic_write
from breathcast.script import FILE_NAME as LEXICON_FILE
from breathcast.script import set_key, slugify

HISTORY_FOLDER = "history"  # beside scripts/: her earlier versions, never cleaned
BIN_FOLDER = "bin"  # beside scripts/: the exercises she removed, to restore; never emptied
SCRIPT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9 _.()&,'-]{0,80}\.md")
BINNED_NAME = re.compile(r"\d{8}T\d{12}Z-(" + SCRIPT_NAME.pattern + ")")
MAX_TEXT_BYTES = 1_000_000
MAX_TITLE_CHARS = 80
MAX_STEM_CHARS = 60  # room for -2, -3… and .md in a script name
COPY = " (kopie)"
# A new exercise starts as a whole one: front matter, one chapter, a line, a pause, a few
# breaths; every line of it hers to change.
STARTING_TEXT = """---
title: {title}
description: Schrijf hier in een of twee zinnen waar deze oefening bij helpt.
---

# Aankomen
Fijn dat je er bent.
Ga rustig zitten of liggen.
[pauze 3s]

Adem rustig in. En nog rustiger uit.
[adem 4x]
"""


def version_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


@dataclass(frozen=True)
class Document:
    name: str
    text: str
    version: str  # "" when the file does not exist yet


@dataclass(frozen=True)
class Binned:
    """An exercise she removed: where it lies in the bin, and what it was."""

    id: str  # the file's name in the bin: `<when>-<name>`
    name: str  # its name in scripts/ before
    title: str
    removed_at: str  # ISO 8601, UTC


@dataclass(frozen=True)
class Version:
    id: str  # the history file's name
    saved_at: str  # ISO 8601, UTC
    size: int


class Workspace:
    def __init__(self, config: Config):
        self.folder = config.path("scripts")
        self.history_root = config.root / HISTORY_FOLDER
        self.bin = config.root / BIN_FOLDER

    def create(self, title: str) -> Document:
        """A new exercise called `title`: a starting text under a file name made from the
        title (ASCII, unique in scripts/)."""
        title = self._title(title)
        return self._new(title, STARTING_TEXT.format(title=title))

    def copy(self, name: str) -> Document:
        """A copy of `name` titled "… (kopie)", under a name of its own."""
        text = self.read(name).text
        base = (_front_title(text) or Path(name).stem)[: MAX_TITLE_CHARS - len(COPY)]
        title = self._title(f"{base}{COPY}")
        return self._new(title, set_key(text, "title", title, self.path(name)))

    def remove(self, name: str) -> Binned:
        """Move `name` to the bin: out of the project, never deleted."""
        path = self.path(name)
        if not path.is_file() or name == LEXICON_FILE:
            raise WorkspaceError(
                Said(f"there is no script {name!r} to remove", "Deze oefening is er niet (meer).")
            )
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        self.bin.mkdir(parents=True, exist_ok=True)
        target = self.bin / f"{stamp}-{name}"
        path.replace(target)  # one rename: the script is in one place or the other
        return self._binned(target)

    def binned(self) -> list[Binned]:
        """What is in the bin, the last removed first."""
        entries = sorted(self.bin.glob("*.md"), reverse=True) if self.bin.is_dir() else []
        return [self._binned(p) for p in entries if BINNED_NAME.fullmatch(p.name)]

    def restore(self, binned_id: str) -> Document:
        """Put a removed exercise back in scripts/ (under a new name if its own is taken)."""
        match = BINNED_NAME.fullmatch(binned_id)
        source = self.bin / binned_id
        if match is None or not source.is_file():
            raise WorkspaceError(
                Said(
                    f"the bin holds no {binned_id!r}", "Deze oefening staat niet in de prullenbak."
                )
            )
        name = match.group(1)
        free = name.lower() not in {n.lower() for n in self.names()}
        target = self.path(name if free else self._free(Path(name).stem))
        self.folder.mkdir(parents=True, exist_ok=True)
        source.replace(target)
        return self.read(target.name)

    def names(self) -> list[str]:
        return sorted(p.name for p in self.folder.glob("*.md") if self._inside(p))

    def path(self, name: str) -> Path:
        """The file `name` in the scripts folder: a script, or the pronunciation list. Any other
        name (a path, `..`, a link that leads out) is refused."""
        if name != LEXICON_FILE and not SCRIPT_NAME.fullmatch(name):
            raise WorkspaceError(
                Said(
                    f"{name!r} is not a script name; use a name like kort.md",
                    "Zo'n oefening is er niet.",
                )
            )
        path = self.folder / name
        if not self._inside(path):
            raise WorkspaceError(
                Said(f"{name!r} leads outside {self.folder}/", "Zo'n oefening is er niet.")
            )
        return path

    def _new(self, title: str, text: str) -> Document:
        stem = slugify(title.replace("&", " en "))[:MAX_STEM_CHARS].rstrip("-") or "oefening"
        name = self._free(stem)
        self.folder.mkdir(parents=True, exist_ok=True)
        return self.save(name, text, "")

    def _free(self, stem: str) -> str:
        """`stem.md`, or `stem-2.md`, `stem-3.md`…: a name no script has had, here or in the
        bin (a new exercise never takes over a removed one's episodes, GUIDs or history)."""
        taken = {n.lower() for n in self.names()}
        taken |= {b.name.lower() for b in self.binned()}
        if self.history_root.is_dir():
            taken |= {p.name.lower() for p in self.history_root.iterdir()}
        name, number = f"{stem}.md", 1
        while name.lower() in taken:
            number += 1
            name = f"{stem}-{number}.md"
        return name

    @staticmethod
    def _title(title: str) -> str:
        title = " ".join(str(title).split())[:MAX_TITLE_CHARS].strip()
        if not title or title.startswith(("-", "#")):
            raise RequestError(
                Said(
                    "a new exercise needs a title (not starting with - or #)",
                    "Geef de oefening een naam.",
                )
            )
        return title

    def _binned(self, path: Path) -> Binned:
        stamp, name = path.name.split("-", 1)
        when = datetime.strptime(stamp, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
        text = path.read_text(encoding="utf-8", errors="replace")
        title = _front_title(text) or Path(name).stem
        return Binned(path.name, name, title, when.isoformat(timespec="seconds"))

    def _inside(self, path: Path) -> bool:
        return path.resolve().parent == self.folder.resolve()

    def read(self, name: str) -> Document:
        path = self.path(name)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            if name == LEXICON_FILE:
                return Document(name, "", "")
            raise WorkspaceError(
                Said(
                    f"there is no script {name!r} in {self.folder}/",
                    "Deze oefening bestaat niet (meer).",
                )
            ) from None
        return Document(name, data.decode("utf-8", "replace"), version_of(data))

    def save(self, name: str, text: str, base_version: str) -> Document:
        """Write `text` over the version `base_version` ("" for a new file), keeping what it
        replaces in the history. A `ConflictError` if the file is no longer that version."""
        data = text.encode("utf-8")
        if len(data) > MAX_TEXT_BYTES:
            raise RequestError(
                Said(
                    f"{name}: the text is over {MAX_TEXT_BYTES // 1000} kB",
                    "Deze tekst is te lang voor één oefening.",
                )
            )
        path = self.path(name)
        current = path.read_bytes() if path.is_file() else None
        if (version_of(current) if current is not None else "") != base_version:
            raise ConflictError(
                Said(
                    f"{path} changed on disk since it was opened; both versions are kept: "
                    "choose one and save again",
                    "De uitspraaklijst is intussen ergens anders veranderd."
                    if name == LEXICON_FILE
                    else "Dit bestand is intussen ook ergens anders veranderd. Beide versies "
                    "staan hieronder: kies welke je houdt.",
                ),
                disk_text=(current or b"").decode("utf-8", "replace"),
                disk_version=version_of(current) if current is not None else "",
            )
        if current is not None and current != data:
            self.keep(name, current)
        atomic_write(path, data)
        return Document(name, text, version_of(data))

    def keep(self, name: str, data: bytes) -> Version:
        """Put `data` in `name`'s history (a save does this with what it replaces; the studio
        does it with unsaved text she chose not to keep on screen)."""
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        entry = f"{stamp}-{version_of(data)}{Path(name).suffix or '.txt'}"
        atomic_write(self._history(name) / entry, data)
        return self._version(self._history(name) / entry)

    def history(self, name: str) -> list[Version]:
        """Earlier versions of `name`, newest first."""
        folder = self._history(name)
        entries = sorted(folder.iterdir(), reverse=True) if folder.is_dir() else []
        return [self._version(p) for p in entries if p.is_file()]

    def earlier(self, name: str, version_id: str) -> str:
        path = self._history(name) / version_id
        if not re.fullmatch(r"\d{8}T\d{12}Z-[0-9a-f]{16}\.\w+", version_id) or not path.is_file():
            raise WorkspaceError(
                Said(
                    f"{name} has no earlier version {version_id!r}",
                    "Deze eerdere versie is er niet.",
                )
            )
        return path.read_text(encoding="utf-8", errors="replace")

    def _history(self, name: str) -> Path:
        self.path(name)  # the same names as the files themselves
        return self.history_root / name

    @staticmethod
    def _version(path: Path) -> Version:
        stamp = path.name.split("-", 1)[0]
        when = datetime.strptime(stamp, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
        return Version(path.name, when.isoformat(timespec="seconds"), path.stat().st_size)


def front_value(text: str, key: str) -> str:
    """A value in a script's front matter, read leniently (the script may not parse)."""
    match = re.search(rf"^{key}:[ \t]*(.+)$", text.split("\n---", 1)[0], re.MULTILINE)
    return match.group(1).strip() if match else ""


def _front_title(text: str) -> str:
    return front_value(text, "title")
