"""Advice for script writers: things that are allowed, but probably not what was meant."""

from __future__ import annotations

from collections.abc import Sequence

from breathcast.lexicon import Lexicon
from breathcast.script import Breathe, Chapter, Pause, Script, Speech

LONG_LINE_CHARS = 100  # gTTS splits longer text at punctuation, with a pause at each split


def lint_script(script: Script) -> list[str]:
    notes = []
    previous = None  # the step before, ignoring blank-line paragraph pauses
    open_chapter: Chapter | None = None
    for step in script.steps:
        where = f"{script.path}:{step.line}"
        if isinstance(step, Speech) and len(step.text) > LONG_LINE_CHARS:
            notes.append(
                f"{where}: a long line ({len(step.text)} characters); gTTS splits it at about "
                f"{LONG_LINE_CHARS}, so consider two lines"
            )
        if isinstance(step, Chapter):
            if open_chapter is not None:
                notes.append(_silent_chapter(script, open_chapter))
            open_chapter = step
        elif isinstance(step, Speech):
            open_chapter = None
        if isinstance(step, Pause) and step.seconds is not None and isinstance(previous, Pause):
            notes.append(f"{where}: two pauses in a row; one [pauze] of their total is clearer")
        if isinstance(step, Breathe) and not isinstance(previous, Speech | Breathe):
            notes.append(f"{where}: a breathing block with no spoken introduction right before it")
        if not (isinstance(step, Pause) and step.seconds is None):
            previous = step
    if open_chapter is not None:
        notes.append(_silent_chapter(script, open_chapter))
    return notes


def _silent_chapter(script: Script, chapter: Chapter) -> str:
    return f"{script.path}:{chapter.line}: chapter {chapter.title!r} has no speech"


def lint_lexicon(lexicon: Lexicon, scripts: Sequence[Script]) -> list[str]:
    spoken = "\n".join(s.text for script in scripts for s in script.spoken)
    return [
        f"{lexicon.path}:{line}: {word!r} appears in no script; remove it or check its spelling"
        for word, _, line in lexicon.entries
        if not lexicon.applies(word, spoken)
    ]
