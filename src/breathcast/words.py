"""Something breathcast says, in English for the command line and in Dutch for the studio."""

from __future__ import annotations

from typing import NamedTuple


class Said(NamedTuple):
    en: str
    nl: str

    def __str__(self) -> str:
        return self.en

    def where(self, prefix: str) -> Said:
        """The same, with `prefix` in front of both (a `file:line: `, say)."""
        return Said(prefix + self.en, prefix + self.nl)

    def also(self, suffix: str, nl_suffix: str) -> Said:
        return Said(self.en + suffix, self.nl + nl_suffix)
