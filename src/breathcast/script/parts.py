"""The parts a script is kept or left out in, for its shorter lengths: its chapters, and
the paragraphs marked `[optioneel]`; the order they go in; and the lines that, once a part
is left out, speak of something only that part introduced."""

from __future__ import annotations

import re
from dataclasses import dataclass

from breathcast.core import Said, at_line
from breathcast.script.directives import MAX_OPTIONAL_RANK, Chapter, OptionalPart, Pause, Step
from breathcast.script.parser import Script

# "het water", "de golf", "deze plek": a definite word points back to something said before
# ("die" and "dat" are left out: in "licht dat tussen de bladeren valt" they point nowhere).
_POINTING = re.compile(r"\b(?:de|het|deze|dit|the|this)\s+(\w{3,})", re.IGNORECASE)
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Part:
    """A stretch of the script that is kept or left out as a whole: a chapter's start, or a
    paragraph marked `[optioneel]` (and the rest of its chapter after it)."""

    chapter: int
    steps: tuple[Step, ...]
    mark: Chapter | OptionalPart | None  # what starts it, if that is a heading or a mark


def script_parts(steps: tuple[Step, ...]) -> list[Part]:
    found: list[Part] = []
    chapter, current, mark = 0, [], None

    def close() -> None:
        if current:
            found.append(Part(chapter, tuple(current), mark))

    for step in steps:
        if isinstance(step, Chapter):
            close()
            chapter, current, mark = chapter + bool(found or current), [step], step
        elif isinstance(step, OptionalPart):
            close()
            current, mark = [step], step
        else:
            current.append(step)
            if isinstance(mark, OptionalPart) and isinstance(step, Pause) and step.seconds is None:
                close()  # a marked paragraph ends at its blank line
                current, mark = [], None
    close()
    return found


def leaving_order(parts: list[Part]) -> list[set[int]]:
    """What may be left out, in the order it goes: the marked chapters (all their parts) and
    paragraphs, by their number (unnumbered last), the last first among equals."""
    units = []
    for i, part in enumerate(parts):
        if isinstance(part.mark, Chapter) and part.mark.optional:
            members = {j for j, other in enumerate(parts) if other.chapter == part.chapter}
        elif isinstance(part.mark, OptionalPart):
            members = {i}
        else:
            continue
        rank = part.mark.rank if part.mark.rank is not None else MAX_OPTIONAL_RANK + 1
        units.append((rank, -i, members))
    return [members for _, _, members in sorted(units, key=lambda unit: unit[:2])]


def loose_references(script: Script, kept: Script) -> tuple[Said, ...]:
    """The kept lines that point back ("het water", "die plek") to something which, in
    `kept`, only a left-out line before them had said: "Laat het water wegstromen" in a
    version without the chapter that brought the water in."""
    kept_lines = {step.line for step in kept.speech}
    said_kept: set[str] = set()
    said_gone: dict[str, int] = {}  # word: the left-out line that said it first
    found = []
    for step in script.speech:
        words = set(_WORD.findall(step.text.lower()))
        if step.line not in kept_lines:
            for word in words - said_kept:
                said_gone.setdefault(word, step.line)
            continue
        pointed = {w.lower() for w in _POINTING.findall(step.text)}
        for word in sorted(pointed - said_kept):
            if word in said_gone:
                found.append(
                    at_line(
                        script.path,
                        step.line,
                        Said(
                            f"{word!r} is first said at line {said_gone[word]}, which this "
                            "length leaves out; keep the two together, or say it here anew",
                            f"'{word}' komt eerst voor op regel {said_gone[word]}, en die valt "
                            "in deze lengte weg; houd ze bij elkaar, of zeg het hier opnieuw",
                        ),
                    )
                )
        said_kept |= words
    return tuple(found)
