"""Advice for script writers: things that are allowed, but probably not what was meant."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from breathcast.core import Said, at_line
from breathcast.script.directives import Breathe, Chapter, OptionalPart, Pause, Speech
from breathcast.script.lexicon import Lexicon
from breathcast.script.parser import Script

LONG_LINE_CHARS = 100  # gTTS splits longer text at punctuation, with a pause at each split


@dataclass(frozen=True)
class Note:
    """Advice at a line: allowed, but probably not what was meant. `detail` says what,
    without the place; `said` says it with the place."""

    path: str
    line: int
    detail: Said

    @property
    def said(self) -> Said:
        return at_line(self.path, self.line, self.detail)

    def __str__(self) -> str:
        return str(self.said)


def lint_script(script: Script) -> list[Note]:
    notes = []
    previous = None  # the step before, ignoring blank-line paragraph pauses
    open_chapter: Chapter | None = None

    def note(line: int, en: str, nl: str) -> None:
        notes.append(Note(script.path, line, Said(en, nl)))

    for step in script.steps:
        if isinstance(step, Speech) and len(step.text) > LONG_LINE_CHARS:
            note(
                step.line,
                f"a long line ({len(step.text)} characters); gTTS splits it at about "
                f"{LONG_LINE_CHARS}, so consider two lines",
                f"een lange zin ({len(step.text)} tekens); de stem knipt hem rond "
                f"{LONG_LINE_CHARS} tekens, dus twee zinnen klinken rustiger",
            )
        optional = isinstance(step, Chapter) and step.optional or isinstance(step, OptionalPart)
        if optional and not script.lengths:
            note(
                step.line + isinstance(step, Chapter),
                "[optioneel] only matters for a script with `lengths:`; this one is made as "
                "written, with every chapter",
                "[optioneel] doet alleen iets als er bovenaan lengths: staat; nu blijft elk "
                "hoofdstuk erin",
            )
        if isinstance(step, Chapter):
            if open_chapter is not None:
                notes.append(_silent_chapter(script, open_chapter))
            open_chapter = step
        elif isinstance(step, Speech):
            open_chapter = None
        if isinstance(step, Pause) and step.seconds is not None and isinstance(previous, Pause):
            note(
                step.line,
                "two pauses in a row; one [pauze] of their total is clearer",
                "twee pauzes na elkaar; één [pauze] van de hele duur is duidelijker",
            )
        if isinstance(step, Breathe) and not isinstance(previous, Speech | Breathe):
            note(
                step.line,
                "a breathing block with no spoken introduction right before it",
                "een ademblok zonder zin ervoor; een korte aankondiging helpt om mee te doen",
            )
        if not (isinstance(step, Pause) and step.seconds is None or isinstance(step, OptionalPart)):
            previous = step
    if open_chapter is not None:
        notes.append(_silent_chapter(script, open_chapter))
    return notes


def _silent_chapter(script: Script, chapter: Chapter) -> Note:
    return Note(
        script.path,
        chapter.line,
        Said(
            f"chapter {chapter.title!r} has no speech",
            f"in het hoofdstuk {chapter.title!r} wordt niets gezegd",
        ),
    )


def lint_lexicon(lexicon: Lexicon, scripts: Sequence[Script]) -> list[Note]:
    spoken = "\n".join(s.text for script in scripts for s in script.spoken)
    return [
        Note(
            lexicon.path,
            line,
            Said(
                f"{word!r} appears in no script; remove it or check its spelling",
                f"{word} komt in geen enkel script voor; haal het weg of kijk de spelling na",
            ),
        )
        for word, _, line in lexicon.entries
        if not lexicon.applies(word, spoken)
    ]
