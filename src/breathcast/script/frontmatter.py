"""The front matter of a script: the settings between its two `---` lines.

    ---
    title: Water & Rust
    ratios: 4:6, 4:4
    ---

One table (`KEYS`) says which keys there are and how each value is read, so the parser, the
docs, the studio's editor and `set_key` (which edits one key of a script's text, keeping every
other byte) all agree. Reading is pure: text in, values out, or a `ScriptError` at the line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from breathcast.core import (
    BreathPattern,
    EngineName,
    PatternError,
    Said,
    ScriptError,
    script_errors,
)

MIN_TEMPO, MAX_TEMPO = 0.5, 2.0
MIN_LENGTH_S, MAX_LENGTH_S = 20.0, 3 * 3600.0
_DURATION = re.compile(r"^(?:(\d+(?:[.,]\d+)?)m)?(?:(\d+(?:[.,]\d+)?)s)?$")
WATER = "water"
MUSIC_FOLDER = "music"
FENCE = "---"


def parse_duration(value: str) -> float | None:
    """`5s`, `1.5s`, `2m`, `1m30s` -> seconds; None when malformed."""
    match = _DURATION.match(value.strip().lower().replace(" ", ""))
    if not match or not (match.group(1) or match.group(2)):
        return None
    minutes = float((match.group(1) or "0").replace(",", "."))
    seconds = float((match.group(2) or "0").replace(",", "."))
    return minutes * 60 + seconds


@dataclass(frozen=True)
class Length:
    """One length an exercise is made in, as written (`3m`, `90s`, `1m30s`)."""

    text: str
    seconds: float

    @property
    def slug(self) -> str:
        """In file names and GUIDs: `3m`, `1m30s`, `45s`."""
        return self.text

    @property
    def short(self) -> str:
        """On a small button: `3 min`, `1,5 min`, `45 s`."""
        if self.seconds < 60:
            return f"{self.seconds:g} s"
        return f"{round(self.seconds / 60, 1):g} min".replace(".", ",")

    @property
    def words(self) -> str:
        """For listeners: `3 minuten`, `1 minuut`, `1,5 minuut`, `45 seconden`."""
        if self.seconds < 60:
            return f"{self.seconds:g} seconden"
        minutes = self.seconds / 60
        shown = f"{round(minutes, 1):g}".replace(".", ",")
        return f"{shown} {'minuut' if minutes < 2 else 'minuten'}"


class BadValue(Exception):
    """A value its key cannot take: the parser turns it into a `ScriptError` at its line."""

    def __init__(self, said: Said):
        super().__init__(said.en)
        self.said = said


def _text(value: str) -> str:
    return value


def _ratios(value: str) -> tuple[BreathPattern, ...]:
    ratios = tuple(_pattern(r) for r in re.split(r"[,\s]+", value) if r)
    if not ratios:
        raise BadValue(
            Said(
                "`ratios:` is empty; write e.g. `ratios: 4:6, 4:4`",
                "bij ratios: staat nog niets; schrijf bijvoorbeeld ratios: 4:6, 4:4",
            )
        )
    return ratios


def _pattern(value: str) -> BreathPattern:
    try:
        return BreathPattern.parse(value)
    except PatternError as exc:
        raise BadValue(
            Said(
                exc.said.en,
                "dit ademritme klopt niet; schrijf het als in:uit in seconden, bijvoorbeeld 4:6",
            )
        ) from exc


def _ambient(value: str) -> str:
    """`water`, or a relative path to a file inside music/ (no `..`, not absolute)."""
    parts = PurePosixPath(value).parts
    outside = value.startswith("/") or ".." in parts or len(parts) < 2
    if value != WATER and (outside or parts[0] != MUSIC_FOLDER):
        raise BadValue(
            Said(
                f"ambient: {value!r} must be `water` or a file inside {MUSIC_FOLDER}/, "
                f"e.g. `ambient: {MUSIC_FOLDER}/zee.mp3`",
                f"bij ambient: hoort water, of een bestand uit de map {MUSIC_FOLDER}, "
                f"bijvoorbeeld ambient: {MUSIC_FOLDER}/zee.mp3",
            )
        )
    return value


def _tempo(value: str) -> float:
    try:
        tempo = float(value.replace(",", "."))
    except ValueError:
        tempo = 0.0
    if not MIN_TEMPO <= tempo <= MAX_TEMPO:
        raise BadValue(
            Said(
                f"tempo: {value!r} must be a number from {MIN_TEMPO:g} to {MAX_TEMPO:g}; "
                "0.9 speaks 10% slower",
                f"tempo: is een getal van {MIN_TEMPO:g} tot {MAX_TEMPO:g}; "
                "met 0.9 spreekt de stem 10% langzamer",
            )
        )
    return tempo


def _lengths(value: str) -> tuple[Length, ...]:
    found = []
    for text in (t for t in re.split(r"[,;\s]+", value) if t):  # so a length has no , or space
        seconds = parse_duration(text)
        if seconds is None or not MIN_LENGTH_S <= seconds <= MAX_LENGTH_S:
            raise BadValue(
                Said(
                    f"lengths: {text!r} is not a length; write e.g. `lengths: 3m, 7m, 12m` "
                    f"(from {MIN_LENGTH_S:g} s to {MAX_LENGTH_S / 3600:g} hours)",
                    "bij lengths: staan lengtes zoals 3m, 7m of 90s",
                )
            )
        same = next((other for other in found if abs(seconds - other.seconds) < 1), None)
        if same is not None:
            raise BadValue(
                Said(
                    f"lengths: {text!r} is as long as {same.text!r}; keep one of them",
                    f"bij lengths: {text} is even lang als {same.text}; laat er één staan",
                )
            )
        found.append(Length(text.lower(), seconds))
    if not found:
        raise BadValue(
            Said(
                "`lengths:` is empty; write e.g. `lengths: 3m, 7m`",
                "bij lengths: staat nog niets; schrijf bijvoorbeeld lengths: 3m, 7m",
            )
        )
    return tuple(found)


def _order(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise BadValue(
            Said(
                f"order: {value!r} must be a whole number from 1; 1 comes first",
                "order: is een heel getal vanaf 1; de oefening met 1 staat bovenaan",
            )
        )
    return int(value)


def _engine(value: str) -> EngineName:
    if value not in tuple(EngineName):
        names = ", ".join(EngineName)
        raise BadValue(
            Said(
                f"engine: {value!r} is not a voice breathcast has; choose one of {names} "
                "(opname: your own recorded voice)",
                f"engine: kies een van {names}; opname is je eigen stem",
            )
        )
    return EngineName(value)


MELODY_PLACES = {"first": "first", "eerst": "first", "under": "under", "onder": "under"}


def _melody(value: str) -> str:
    """Where the opening melody goes: `first`, before the words (the usual), or `under` them,
    so the first word comes within seconds (a moment that cannot wait for a melody)."""
    if value.lower() not in MELODY_PLACES:
        raise BadValue(
            Said(
                f"melody: {value!r} is not a place for the melody; write `melody: under` to "
                "start speaking over it, or leave the key out",
                "melody: schrijf melody: onder als de stem meteen over de melodie heen moet "
                "beginnen, of laat de regel weg",
            )
        )
    return MELODY_PLACES[value.lower()]


# Every key, and how its value is read; a `Script` has a field of the same name for each.
KEYS: dict[str, Callable[[str], Any]] = {
    "title": _text,
    "description": _text,
    "ratios": _ratios,
    "ambient": _ambient,
    "tempo": _tempo,
    "order": _order,
    "recommended": _pattern,
    "engine": _engine,
    "lengths": _lengths,
    "group": _text,  # where the page lists it: "Ademen", "Voor het slapen", "Mini-momenten"
    "melody": _melody,  # `under`: the first words over the opening melody, within seconds
}


@dataclass(frozen=True)
class FrontMatter:
    values: dict[str, Any]  # key -> its value as read
    lines: dict[str, int]  # key -> its line
    body_start: int  # the index of the first line after the front matter


def read_front_matter(lines: list[str], path: str | Path) -> FrontMatter:
    """The keys of the front matter that opens `lines` (none if it does not open with
    `---`), each read by its parser; a `ScriptError` at every line that is not right."""
    front, errors = front_matter(lines, path)
    if errors:
        raise script_errors(errors)
    return front


def front_matter(lines: list[str], path: str | Path) -> tuple[FrontMatter, list[ScriptError]]:
    """The front matter's keys that read well, and an error at each line that does not (a
    front matter never closed is an error at once: where the text starts is not known)."""
    errors: list[ScriptError] = []
    raw, body_start = _raw(lines, path, errors)
    values = {}
    for key, (value, line) in raw.items():
        try:
            values[key] = KEYS[key](value)
        except BadValue as bad:
            errors.append(ScriptError(path, line, bad.said))
    front = FrontMatter(values, {key: line for key, (_, line) in raw.items()}, body_start)
    return front, errors


def _raw(
    lines: list[str], path, errors: list[ScriptError]
) -> tuple[dict[str, tuple[str, int]], int]:
    """{key: (value, line)} and the index of the first body line; a line it cannot read is
    an error in `errors`, and left out."""
    if not lines or lines[0].strip() != FENCE:
        return {}, 0
    meta: dict[str, tuple[str, int]] = {}
    for index in range(1, len(lines)):
        number, raw = index + 1, lines[index]
        if raw.strip() == FENCE:
            return meta, index + 1
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        key, sep, value = raw.partition(":")
        key = key.strip().lower()
        if not sep or not key:
            problem = Said(
                f"expected `key: value` in the front matter, got {raw.strip()!r}",
                "tussen de twee regels --- staat elke instelling als naam: waarde",
            )
        elif key not in KEYS:
            known = ", ".join(KEYS)
            problem = Said(
                f"unknown front-matter key {key!r}; known keys: {known}",
                f"{key}: is geen bekende instelling; je kunt kiezen uit {known}",
            )
        elif key in meta:
            first = meta[key][1]
            problem = Said(
                f"{key!r} is set twice (first on line {first})",
                f"{key}: staat er twee keer (ook op regel {first}); laat er één staan",
            )
        else:
            problem = None
        if problem is not None:
            errors.append(ScriptError(path, number, problem))
            continue
        meta[key] = (" ".join(value.split()), number)
    if errors:  # its lines say more than that it never closed (a missing --- reads as keys)
        raise script_errors(errors)
    raise ScriptError(
        path,
        1,
        Said(
            "the front matter opened with `---` is never closed; add a line `---`",
            "de instellingen bovenaan beginnen met ---, maar er staat geen --- onder; "
            "zet een regel --- onder de laatste instelling",
        ),
    )


def set_key(text: str, key: str, value: str | None, path: str | Path = "<script>") -> str:
    """`text` with one front-matter key set to `value` (None: removed), every other byte as
    it was: the line of the key is replaced, or a line is added at the end of the front
    matter, or a front matter is put on top. A `ScriptError` if the key is unknown, the
    value is not one it can take, or the front matter cannot be read."""
    key = key.strip().lower()
    if key not in KEYS:
        raise ScriptError(
            path,
            1,
            Said(
                f"unknown front-matter key {key!r}; known keys: {', '.join(KEYS)}",
                f"{key}: is geen bekende instelling",
            ),
        )
    if value is not None:
        value = " ".join(value.split())
        try:
            KEYS[key](value)
        except BadValue as bad:
            raise ScriptError(path, 1, bad.said) from None
    lines = text.splitlines(keepends=True)
    newline = _newline(lines)
    entry = [] if value is None else [f"{key}: {value}{newline}"]
    front = read_front_matter([line.rstrip("\r\n") for line in lines], path)
    if not front.body_start:  # no front matter yet
        if value is None:
            return text
        return "".join([FENCE + newline, *entry, FENCE + newline, newline, *lines])
    if key in front.lines:
        at = front.lines[key] - 1
        return "".join([*lines[:at], *entry, *lines[at + 1 :]])
    closing = front.body_start - 1
    return "".join([*lines[:closing], *entry, *lines[closing:]])


def _newline(lines: list[str]) -> str:
    """The text's own line ending, so an edit never mixes two kinds."""
    for line in lines:
        if line.endswith("\r\n"):
            return "\r\n"
        if line.endswith("\n"):
            return "\n"
    return "\n"
