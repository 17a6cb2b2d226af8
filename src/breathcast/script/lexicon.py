"""Pronunciation: `scripts/uitspraak.txt` maps a word to how it should be spoken.

    # afkortingen
    NICU = nie-kuu
    oxytocine = ok-sie-toe-sie-ne

Whole words, case as written. It applies before any engine sees the text, so every engine
says it the same way, and a changed entry changes the cache key of exactly the lines it touches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from breathcast.core import Said, ScriptError

FILE_NAME = "uitspraak.txt"


@dataclass(frozen=True)
class Lexicon:
    entries: tuple[tuple[str, str, int], ...] = ()  # (word, spoken, line)
    path: str = FILE_NAME

    def applies(self, word: str, text: str) -> bool:
        """Whether `word` occurs in `text` as a whole word, as `apply` would find it."""
        return re.search(_whole(word), text) is not None

    def apply(self, text: str) -> str:
        if not self.entries:
            return text
        spoken = {word: say for word, say, _ in self.entries}
        words = sorted(spoken, key=len, reverse=True)  # longest first: "NICU-arts" before "NICU"
        pattern = re.compile(_whole("|".join(map(re.escape, words)), escaped=True))
        return pattern.sub(lambda match: spoken[match.group(1)], text)


def _whole(word: str, escaped: bool = False) -> str:
    """A regex for `word` (or an escaped alternation) standing as a whole word."""
    return r"(?<!\w)(" + (word if escaped else re.escape(word)) + r")(?!\w)"


def read_lexicon(path: str | Path) -> Lexicon:
    """The lexicon at `path`; an empty one when there is no such file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Lexicon(path=str(path))
    except (OSError, UnicodeDecodeError) as exc:
        raise ScriptError(
            path,
            1,
            Said(
                en=f"cannot read the pronunciation list: {exc}",
                nl="de uitspraaklijst kan niet gelezen worden; bewaar hem als UTF-8",
            ),
        ) from exc
    return parse_lexicon(text, path)


def parse_lexicon(text: str, path: str | Path = FILE_NAME) -> Lexicon:
    """The entries of a pronunciation list's text; a `ScriptError` at the first bad line."""
    entries, seen = [], {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        word, sep, say = (part.strip() for part in line.partition("="))
        if not sep or not word or not say:
            raise ScriptError(
                path,
                number,
                Said(
                    en=f"expected `WORD = how to say it`, got {line!r}",
                    nl="schrijf elke regel als woord = zo spreek je het uit",
                ),
            )
        if word in seen:
            raise ScriptError(
                path,
                number,
                Said(
                    en=f"{word!r} is listed twice (first on line {seen[word]})",
                    nl=f"{word} staat er twee keer in (ook op regel {seen[word]}); "
                    "laat er één staan",
                ),
            )
        seen[word] = number
        entries.append((word, say, number))
    return Lexicon(tuple(entries), str(path))
