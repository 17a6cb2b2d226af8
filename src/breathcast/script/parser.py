"""The script format: front matter, `# Chapter`, one spoken line per text line, directives.

Parsing is pure: text in, an immutable `Script` out, or a `ScriptError` naming `file:line`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

from breathcast.core import BreathPattern, EngineName, Said, ScriptError, script_errors
from breathcast.script.directives import (
    BREATH_CUES,
    Breathe,
    Chapter,
    FadeOut,
    OptionalMark,
    OptionalPart,
    Pause,
    Speech,
    Step,
    parse_directive,
)
from breathcast.script.frontmatter import MUSIC_FOLDER, Length, front_matter


@dataclass(frozen=True)
class Script:
    path: str
    steps: tuple[Step, ...]
    title: str = ""
    description: str = ""
    ratios: tuple[BreathPattern, ...] = ()  # front-matter override of the project's ratios
    ambient: str = ""  # "", "water", or a path under music/
    tempo: float | None = None  # overrides the project's voice tempo
    order: int | None = None  # where the page lists it: 1 first; unnumbered ones follow
    recommended: BreathPattern | None = None  # the ratio the page offers first
    engine: EngineName | None = None  # overrides the project's (`opname`: her own voice)
    lengths: tuple[Length, ...] = ()  # made in each of these lengths; () as written
    group: str = ""  # the page's group: "Ademen", "Voor het slapen", "Mini-momenten"
    melody: str = "first"  # the opening melody before the words, or "under" them
    front_lines: tuple[tuple[str, int], ...] = ()  # (front-matter key, its line)

    def length(self, text: str | None) -> Length | None:
        """One of its `lengths:` by how it is written (`3m`) or its slug; its first when
        `text` is empty; None when it is made as written. A `ScriptError` at the `lengths`
        line for a length it does not have."""
        if not self.lengths:
            if text:
                raise ScriptError(
                    self.path,
                    1,
                    Said(
                        f"it has no `lengths:`, so no length {text!r}; add `lengths: {text}` "
                        "to its front matter",
                        f"deze oefening heeft geen lengtes, dus ook geen {text}",
                    ),
                )
            return None
        if not text:
            return self.lengths[0]
        found = next((n for n in self.lengths if text in (n.text, n.slug)), None)
        if found is None:
            listed = ", ".join(n.text for n in self.lengths)
            raise ScriptError(
                self.path,
                self.line_of("lengths"),
                Said(
                    f"it has no length {text!r}; its lengths are {listed}",
                    f"deze oefening heeft geen lengte {text}, wel {listed}",
                ),
            )
        return found

    def line_of(self, key: str) -> int:
        """The line of a front-matter key, or 1 when it is not there."""
        return dict(self.front_lines).get(key, 1)

    @property
    def ambient_line(self) -> int:
        return self.line_of("ambient")

    @property
    def music_path(self) -> str | None:
        """The `ambient: music/…` track, relative to the project; None for water or no bed."""
        return self.ambient if self.ambient.startswith(f"{MUSIC_FOLDER}/") else None

    @property
    def speech(self) -> tuple[Speech, ...]:
        return tuple(s for s in self.steps if isinstance(s, Speech))

    @property
    def spoken(self) -> tuple[Speech, ...]:
        """Everything the voice says: the lines, then each breath cue once (at its first block)."""
        cue_lines = {}
        for step in self.steps:
            if isinstance(step, Breathe) and step.cues:
                for text in BREATH_CUES.values():
                    cue_lines.setdefault(text, step.line)
        return self.speech + tuple(Speech(t, line) for t, line in cue_lines.items())

    @property
    def slug(self) -> str:
        return slugify(Path(self.path).stem)


def slugify(text: str) -> str:
    """ASCII-only, lower-case, dash-separated: `Water & Rust` -> `water-rust`."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "script"


def normalize_text(text: str) -> str:
    """The canonical form of a spoken line: NFC, single spaces, no outer whitespace."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def read_script(path: str | Path) -> Script:
    """Read and parse one script file."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ScriptError(
            path,
            1,
            Said(
                en=f"cannot read the script: {exc.strerror}",
                nl=f"het script kan niet gelezen worden ({exc.strerror})",
            ),
        ) from exc
    return parse_script(data, path)


def parse_script(data: bytes | str, path: str | Path = "<script>") -> Script:
    """Parse script text (or UTF-8 bytes) into a `Script`; a `ScriptError` naming every line
    that is not right (a `ScriptErrors` when there are several), not only the first."""
    text = _decode(data, path) if isinstance(data, bytes) else data
    lines = text.splitlines()
    front, errors = front_matter(lines, path)
    if not front.values.get("title") and not any(
        e.line == front.lines.get("title") for e in errors
    ):
        errors.append(
            ScriptError(
                path,
                front.lines.get("title", 1),
                Said(
                    "the script has no title; start it with front matter:\n"
                    "  ---\n  title: Water & Rust\n  ---",
                    "het script heeft nog geen titel. Begin bovenaan met drie regels: ---, "
                    "title: Water & Rust, en weer ---",
                ),
            )
        )
    steps = _body(lines, front.body_start, path, errors)
    if not any(isinstance(s, Speech) for s in steps):
        errors.append(
            ScriptError(
                path,
                min(front.body_start + 1, max(len(lines), 1)),
                Said(
                    "the script has no spoken lines; write at least one line of text",
                    "er staat nog geen enkele zin in; schrijf minstens één regel tekst",
                ),
            )
        )
    fade = next((s for s in steps if isinstance(s, FadeOut)), None)
    if fade is not None and not front.values.get("ambient"):
        errors.append(
            ScriptError(
                path,
                fade.line,
                Said(
                    "[uitfaden …] lets the bed go on and fade, but this script has none: add "
                    "`ambient: water` (or your music from music/) to the front matter",
                    "[uitfaden …] laat het water of je muziek zacht uitklinken, maar dit script "
                    "heeft er geen: zet ambient: water bovenaan",
                ),
            )
        )
    if errors:
        raise script_errors(errors)
    return Script(
        path=str(path),
        steps=steps,
        front_lines=tuple(front.lines.items()),
        **front.values,
    )


def _decode(data: bytes, path: str | Path) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ScriptError(
            path,
            line,
            Said(
                en=f"byte 0x{data[exc.start]:02x} is not UTF-8; save the file as UTF-8",
                nl="hier staat een teken dat niet gelezen kan worden; bewaar het bestand als UTF-8",
            ),
        ) from exc
    return text.removeprefix("\ufeff")


def _body(lines: list[str], start: int, path, errors: list[ScriptError]) -> tuple[Step, ...]:
    """The steps of the text below the front matter; a line that is not right is an error in
    `errors` and left out, and the lines after it are read on."""
    steps: list[Step] = []
    for index in range(start, len(lines)):
        number, raw = index + 1, lines[index]
        try:
            _line(steps, number, raw.strip(), path)
        except ScriptError as exc:
            errors.append(exc)
    # A paragraph pause at the very end says nothing; the episode has its own tail.
    while steps and _is_paragraph(steps[-1]):
        steps.pop()
    fades = [s for s in steps if isinstance(s, FadeOut)]
    if fades and steps[-1] is not fades[0] or len(fades) > 1:
        errors.append(
            ScriptError(
                path,
                fades[0].line if steps[-1] is not fades[0] else fades[1].line,
                Said(
                    "[uitfaden …] ends the script: put it on its last line, once",
                    "[uitfaden …] staat op de laatste regel van het script, en maar één keer",
                ),
            )
        )
    return tuple(steps)


def _line(steps: list[Step], number: int, stripped: str, path) -> None:
    """One line of the text, added to `steps`; a `ScriptError` if it is not right."""
    if not stripped:
        # One paragraph pause per run of blank lines; none at the start or under a heading.
        if steps and not isinstance(steps[-1], Chapter) and not _is_paragraph(steps[-1]):
            steps.append(Pause(None, number))
    elif stripped.startswith("#"):
        title = normalize_text(stripped.lstrip("#"))
        if not title:
            raise ScriptError(
                path,
                number,
                Said(
                    en="a chapter heading needs a title, e.g. `# Aankomen`",
                    nl="een hoofdstuk heeft een naam nodig, bijvoorbeeld # Aankomen",
                ),
            )
        steps.append(Chapter(title, number))
    elif stripped.startswith("["):
        step = parse_directive(stripped, number, path)
        if isinstance(step, OptionalMark):
            _place_optional(steps, step.rank, number, path)
        else:
            steps.append(step)
    elif "[" in stripped or "]" in stripped:
        raise ScriptError(
            path,
            number,
            Said(
                en="a directive like [pauze 3s] must stand on a line of its own; "
                "put it on the next line",
                nl="een aanwijzing zoals [pauze 3s] staat op een eigen regel; "
                "zet hem op de volgende regel",
            ),
        )
    else:
        steps.append(Speech(normalize_text(stripped), number))


def _place_optional(steps: list[Step], rank: int | None, number: int, path) -> None:
    """`[optioneel]` right under a heading marks that chapter; at the start of a paragraph,
    that paragraph (up to the next blank line)."""
    if steps and isinstance(steps[-1], Chapter):
        steps[-1] = replace(steps[-1], optional=True, rank=rank)
    elif not steps or _is_paragraph(steps[-1]):
        steps.append(OptionalPart(number, rank))
    else:
        raise ScriptError(
            path,
            number,
            Said(
                "[optioneel] belongs right under a chapter heading (# …), to mark that chapter, "
                "or after a blank line, to mark the paragraph below it, as one the shorter "
                "lengths may leave out",
                "[optioneel] hoort direct onder een hoofdstuk (# …) of na een witregel: dan mag "
                "dat hoofdstuk, of de alinea eronder, wegvallen in de kortere versies",
            ),
        )


def _is_paragraph(step: Step) -> bool:
    return isinstance(step, Pause) and step.seconds is None
