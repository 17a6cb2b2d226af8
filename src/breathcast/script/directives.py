"""The steps a script is made of, and the bracketed directives that write the ones that are
not spoken lines or headings: `[pauze 5s]`, `[adem 6x cues]`, `[optioneel]`, `[uitfaden 5m]`.

A directive is parsed on its own line, purely: text in, a step out, or a `ScriptError`
naming `file:line` and what to write instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from breathcast.core import BreathPattern, Phase, Said, ScriptError
from breathcast.script.frontmatter import parse_duration

MAX_PAUSE_S = 600.0
MAX_BREATHE_S = 3600.0
MAX_BREATHE_CYCLES = 360

PAUSE_NAMES = ("pauze", "pause")
BREATHE_NAMES = ("adem", "breathe")
OPTIONAL_NAMES = ("optioneel", "optional")  # a chapter or paragraph shorter lengths leave out
MAX_OPTIONAL_RANK = 99
FADE_NAMES = ("uitfaden", "fade")  # at the end: the bed goes on, and fades to silence
MAX_FADE_S = 30 * 60.0
BREATHE_FLAGS = ("cues",)
# Spoken at the start of each phase of the first cycles of a `[adem 6x cues]` block.
BREATH_CUES = {phase: phase.words.cue for phase in Phase}

_DIRECTIVE = re.compile(r"^\[\s*([^\]\s]*)\s*([^\]]*?)\s*\]$")
_CYCLES = re.compile(r"^(\d+)x$")
# What people write first for "three breaths at 4:6": `[adem 4:6 x3]`, `[adem 3]`,
# `[adem 3 keer]`, `[adem x3]`. The ratio is chosen per version, never in the text.
_RATIO = re.compile(r"^\d+(?:[.,]\d+)?(?::\d+(?:[.,]\d+)?){1,3}$")
_COUNT = re.compile(r"^[x×*]?\s*(\d+)\s*(?:[x×*]|keer|maal|times|cycles?)?$")


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
    rank: int | None = None  # `[optioneel 2]`: left out after those marked 1, before 3


@dataclass(frozen=True)
class OptionalPart:
    """`[optioneel]` at the start of a paragraph inside a chapter: that paragraph, up to the
    next blank line, is left out of the lengths that cannot hold it. Not heard itself."""

    line: int
    rank: int | None = None


@dataclass(frozen=True)
class OptionalMark:
    """What `[optioneel]` or `[optioneel 2]` parses to; the parser puts it on the chapter
    above it, or makes it an `OptionalPart` for the paragraph below it."""

    rank: int | None


@dataclass(frozen=True)
class FadeOut:
    """`[uitfaden 5m]`, last: the bed goes on this long after the last words, fading to
    silence, with no tone and no closing melody (for listening in bed)."""

    seconds: float
    line: int


Step = Speech | Pause | Breathe | Chapter | OptionalPart | FadeOut


def parse_directive(text: str, number: int, path) -> Step | OptionalMark:
    """One bracketed line (`[pauze 5s]`, `[adem 6x cues]`, `[optioneel 2]`, `[uitfaden 5m]`)
    as its step; `[optioneel …]` as an `OptionalMark`, which the parser places."""
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
                    nl=f"[{name} …] heeft een duur nodig, zoals 5s, 1,5s of 2m",
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
        if argument and not (argument.isdigit() and 1 <= int(argument) <= MAX_OPTIONAL_RANK):
            raise ScriptError(
                path,
                number,
                Said(
                    f"[{name} {argument}]: after [{name}] comes nothing, or the order in which "
                    f"the parts go, 1 to {MAX_OPTIONAL_RANK}: write [{name}] or [{name} 2]",
                    f"achter [{name}] staat niets, of een nummer voor de volgorde waarin de "
                    f"delen wegvallen (1 als eerste): schrijf [{name}] of [{name} 2]",
                ),
            )
        return OptionalMark(int(argument) if argument else None)
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
    hint = _breathe_hint(name, argument)
    if hint is not None:
        raise ScriptError(path, number, hint)
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


def _breathe_hint(name: str, argument: str) -> Said | None:
    """The right way to write a breathing block that is written the way people try first:
    a ratio in it (`[adem 4:6 x3]`), or a count without its x (`[adem 3]`, `[adem 3 keer]`,
    `[adem x3]`); None for one written right (or too far off to guess)."""
    words = argument.lower().split()
    ratios = [w for w in words if _RATIO.match(w)]
    flags = [w for w in words if w in BREATHE_FLAGS]
    rest = " ".join(w for w in words if w not in ratios and w not in flags)
    count = _COUNT.match(rest)
    if count and not _CYCLES.match(rest):
        amount = f"{int(count.group(1))}x"
    elif ratios and (_CYCLES.match(rest) or parse_duration(rest)):
        amount = rest
    elif ratios:
        amount = "6x"
    else:
        return None
    right = f"[{name} {' '.join([amount, *flags])}]"
    if not ratios:
        return Said(
            f"write the number of breaths with an x after it: {right}",
            f"schrijf het aantal keer met een x erachter, zonder spatie: {right}",
        )
    ratio, how = ratios[0], "hoe vaak" if amount.endswith("x") else "hoe lang"
    return Said(
        f"the ratio ({ratio}) is not written in the text: each version of the exercise has "
        f"its own (ratios: in the front matter, or the settings); write {right}",
        f"het ademritme ({ratio}) staat niet in de tekst: dat kies je per versie, bij "
        f"Ademritme. Schrijf alleen {how}: {right}",
    )
