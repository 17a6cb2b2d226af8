"""What breathcast says: one value with its English (the command line) and its Dutch (the
studio, the page). Every message, error, warning and piece of advice has this one shape."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Said:
    en: str
    nl: str = ""  # without Dutch words (yet), the English is said in the studio too

    def __post_init__(self) -> None:
        if not self.nl:
            object.__setattr__(self, "nl", self.en)

    def __str__(self) -> str:
        return self.en

    def also(self, suffix: str, nl_suffix: str) -> Said:
        return Said(self.en + suffix, self.nl + nl_suffix)


def at_line(path: str | Path, line: int, detail: Said) -> Said:
    """`detail` at a line of a file: `scripts/kort.md:12: …` and `kort.md, regel 12: …`."""
    return Said(f"{path}:{line}: {detail.en}", f"{Path(path).name}, regel {line}: {detail.nl}")


def together(messages: Iterable[Said], separator: str = "\n") -> Said:
    """Several messages as one, in both languages."""
    messages = list(messages)
    return Said(separator.join(m.en for m in messages), separator.join(m.nl for m in messages))
