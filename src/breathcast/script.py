"""The script format: front matter, `# Chapter`, one spoken line per text line, directives.

Parsing is pure: text in, an immutable `Script` out, or a `ScriptError` naming `file:line`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

from breathcast.breath import BreathPattern, Phase
from breathcast.config import EngineName
from breathcast.errors import ScriptError
from breathcast.frontmatter import KEYS, MUSIC_FOLDER, Length, parse_duration, read_front_matter
from breathcast.words import Said

MAX_PAUSE_S = 600.0
MAX_BREATHE_S = 3600.0
MAX_BREATHE_CYCLES = 360
FRONT_MATTER_KEYS = tuple(KEYS)

PAUSE_NAMES = ("pauze", "pause")
BREATHE_NAMES = ("adem", "breathe")
OPTIONAL_NAMES = ("optioneel", "optional")  # under a heading: shorter lengths leave it out
FADE_NAMES = ("uitfaden", "fade")  # at the end: the bed goes on, and fades to silence
DIRECTIVES = PAUSE_NAMES + BREATHE_NAMES + OPTIONAL_NAMES + FADE_NAMES
MAX_FADE_S = 30 * 60.0
BREATHE_FLAGS = ("cues",)
# Spoken at the start of each phase of the first cycles of a `[adem 6x cues]` block.
BREATH_CUES = {phase: phase.words.cue for phase in Phase}

_DIRECTIVE = re.compile(r"^\[\s*([^\]\s]*)\s*([^\]]*?)\s*\]$")
_CYCLES = re.compile(r"^(\d+)x$")


@dataclass(frozen=True)
class Speech:
    text: str
    line: int


@dataclass(frozen=True)
class Pause:
    seconds: float | None  # None: the project's default paragraph pause
    line: int


@dataclass(frozen=True)
class Breathe:
    """A breathing block: either a number of cycles or a target duration in whole cycles."""

    line: int
    cycles: int | None = None
    seconds: float | None = None
    cues: bool = False  # speak "Adem in." / "En uit." at the start of the first cycles

    def cycle_count(self, pattern: BreathPattern) -> int:
        if self.cycles is not None:
            return self.cycles
        return max(1, round(self.seconds / pattern.cycle_s))


@dataclass(frozen=True)
class Chapter:
    title: str
    line: int
    optional: bool = False  # `[optioneel]` under it: left out of the lengths that cannot hold it


@dataclass(frozen=True)
class FadeOut:
    """`[uitfaden 5m]`, last: the bed goes on this long after the last words, fading to
    silence, with no tone and no closing melody (for listening in bed)."""

    seconds: float
    line: int


Step = Speech | Pause | Breathe | Chapter | FadeOut


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
    """Parse script text (or UTF-8 bytes) into a `Script`."""
    text = _decode(data, path) if isinstance(data, bytes) else data
    lines = text.splitlines()
    front = read_front_matter(lines, path)
    if not front.values.get("title"):
        raise ScriptError(
            path,
            front.lines.get("title", 1),
            Said(
                "the script has no title; start it with front matter:\n"
                "  ---\n  title: Water & Rust\n  ---",
                "het script heeft nog geen titel. Begin bovenaan met drie regels: ---, "
                "title: Water & Rust, en weer ---",
            ),
        )
    steps = _body(lines, front.body_start, path)
    if not any(isinstance(s, Speech) for s in steps):
        raise ScriptError(
            path,
            min(front.body_start + 1, max(len(lines), 1)),
            Said(
                "the script has no spoken lines; write at least one line of text",
                "er staat nog geen enkele zin in; schrijf minstens één regel tekst",
            ),
        )
    fade = next((s for s in steps if isinstance(s, FadeOut)), None)
    if fade is not None and not front.values.get("ambient"):
        raise ScriptError(
            path,
            fade.line,
            Said(
                "[uitfaden …] lets the bed go on and fade, but this script has none: add "
                "`ambient: water` (or your music from music/) to the front matter",
                "[uitfaden …] laat het water of je muziek zacht uitklinken, maar dit script "
                "heeft er geen: zet ambient: water bovenaan",
            ),
        )
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


def _body(lines: list[str], start: int, path) -> tuple[Step, ...]:
    steps: list[Step] = []
    for index in range(start, len(lines)):
        number, raw = index + 1, lines[index]
        stripped = raw.strip()
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
            step = _directive(stripped, number, path)
            if step is OPTIONAL:
                steps[-1] = _optional(steps, number, path)
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
    # A paragraph pause at the very end says nothing; the episode has its own tail.
    while steps and _is_paragraph(steps[-1]):
        steps.pop()
    fades = [s for s in steps if isinstance(s, FadeOut)]
    if fades and steps[-1] is not fades[0] or len(fades) > 1:
        raise ScriptError(
            path,
            fades[0].line if steps[-1] is not fades[0] else fades[1].line,
            Said(
                "[uitfaden …] ends the script: put it on its last line, once",
                "[uitfaden …] staat op de laatste regel van het script, en maar één keer",
            ),
        )
    return tuple(steps)


OPTIONAL = object()  # what `[optioneel]` parses to: it marks the chapter above it


def _optional(steps: list[Step], number: int, path) -> Chapter:
    """The chapter a `[optioneel]` stands under, marked optional."""
    if not steps or not isinstance(steps[-1], Chapter):
        raise ScriptError(
            path,
            number,
            Said(
                "[optioneel] belongs right under a chapter heading (# …); it marks that "
                "chapter as one the shorter lengths may leave out",
                "[optioneel] hoort direct onder een hoofdstuk (# …): dan mag dat hoofdstuk "
                "wegvallen in de kortere versies",
            ),
        )
    return replace(steps[-1], optional=True)


def _is_paragraph(step: Step) -> bool:
    return isinstance(step, Pause) and step.seconds is None


def _directive(text: str, number: int, path) -> Step:
    match = _DIRECTIVE.match(text)
    if not match:
        raise ScriptError(
            path,
            number,
            Said(
                en=f"malformed directive {text!r}; write e.g. [pauze 5s] or [adem 6x]",
                nl="deze aanwijzing begrijp ik niet; schrijf bijvoorbeeld [pauze 5s] of [adem 6x]",
            ),
        )
    name, argument = match.group(1).lower(), match.group(2).strip()
    if name in PAUSE_NAMES:
        seconds = parse_duration(argument)
        if seconds is None or seconds <= 0:
            raise ScriptError(
                path,
                number,
                Said(
                    en=f"[{name} {argument}]: expected a duration like 5s, 1.5s or 2m",
                    nl=f"[{name} …] heeft een duur nodig, zoals 5s, 1.5s of 2m",
                ),
            )
        if seconds > MAX_PAUSE_S:
            raise ScriptError(
                path,
                number,
                Said(
                    en=f"[{name} {argument}] is {seconds:g} s; a pause can be at most "
                    f"{MAX_PAUSE_S / 60:g} minutes",
                    nl=f"een pauze duurt hooguit {MAX_PAUSE_S / 60:g} minuten",
                ),
            )
        return Pause(seconds, number)
    if name in BREATHE_NAMES:
        return _breathe(name, argument, number, path)
    if name in OPTIONAL_NAMES:
        if argument:
            raise ScriptError(
                path,
                number,
                Said(
                    f"[{name}] stands alone, without {argument!r}: write [{name}]",
                    f"[{name}] staat op zichzelf, zonder iets erachter",
                ),
            )
        return OPTIONAL
    if name in FADE_NAMES:
        seconds = parse_duration(argument)
        if seconds is None or not 0 < seconds <= MAX_FADE_S:
            raise ScriptError(
                path,
                number,
                Said(
                    f"[{name} {argument}]: expected how long the fade lasts, like 5m "
                    f"(at most {MAX_FADE_S / 60:g} minutes)",
                    f"[{name} …] heeft een duur nodig, zoals 5m",
                ),
            )
        return FadeOut(seconds, number)
    known = ", ".join(f"[{n} …]" for n in PAUSE_NAMES + BREATHE_NAMES + FADE_NAMES)
    raise ScriptError(
        path,
        number,
        Said(
            en=f"unknown directive [{name}]; known directives: {known}, [optioneel]",
            nl=f"[{name}] is geen bekende aanwijzing; je kunt [pauze …], [adem …], "
            "[optioneel] en [uitfaden …] gebruiken",
        ),
    )


def _breathe(name: str, argument: str, number: int, path) -> Breathe:
    amount, *flags = argument.lower().split() or [""]
    for flag in flags:
        if flag not in BREATHE_FLAGS:
            raise ScriptError(
                path,
                number,
                Said(
                    en=f"[{name} {argument}]: unknown option {flag!r}; "
                    f"write e.g. [{name} 6x cues] for spoken cues",
                    nl=f"{flag!r} ken ik niet; schrijf bijvoorbeeld [{name} 6x cues] "
                    "als de stem mee moet tellen",
                ),
            )
    cues = "cues" in flags
    cycles = _CYCLES.match(amount)
    if cycles:
        count = int(cycles.group(1))
        if not 1 <= count <= MAX_BREATHE_CYCLES:
            raise ScriptError(
                path,
                number,
                Said(
                    en=f"[{name} {argument}]: breathe between 1 and {MAX_BREATHE_CYCLES} times",
                    nl=f"adem tussen 1 en {MAX_BREATHE_CYCLES} keer",
                ),
            )
        return Breathe(number, cycles=count, cues=cues)
    seconds = parse_duration(amount)
    if seconds is None or seconds <= 0:
        raise ScriptError(
            path,
            number,
            Said(
                en=f"[{name} {argument}]: expected a number of breaths like 6x, "
                "or a duration like 2m or 90s",
                nl=f"[{name} …] heeft een aantal ademhalingen nodig, zoals 6x, of een duur, "
                "zoals 2m of 90s",
            ),
        )
    if seconds > MAX_BREATHE_S:
        raise ScriptError(
            path,
            number,
            Said(
                en=f"[{name} {argument}] is {seconds:g} s; breathe at most "
                f"{MAX_BREATHE_S / 60:g} minutes",
                nl=f"een ademblok duurt hooguit {MAX_BREATHE_S / 60:g} minuten",
            ),
        )
    return Breathe(number, seconds=seconds, cues=cues)
