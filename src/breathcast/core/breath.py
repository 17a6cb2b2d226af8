"""Breath patterns: `4:6`, `4:7:8`, `4-4-4-4`, fractions allowed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from breathcast.core.errors import PatternError
from breathcast.core.said import Said

MIN_CYCLE_S = 2.0
MAX_CYCLE_S = 60.0
SLOW_BREATHING_PER_MIN = 10.0
LONG_HOLD_S = 7.0

_NUMBER = re.compile(r"^\d+(?:[.,]\d+)?$")


def _format_seconds(value: float) -> str:
    return f"{value:g}"


def _dutch(value: float) -> str:
    """A number as Dutch writes it, to one decimal where it has one: `20`, `7,5`."""
    return f"{round(value, 1):g}".replace(".", ",")


class Phase(StrEnum):
    """One part of a breath. Its value is what JSON and the timeline data say."""

    IN = "in"
    HOLD_IN = "hold_in"
    OUT = "out"
    HOLD_OUT = "hold_out"

    @property
    def is_hold(self) -> bool:
        return self in (Phase.HOLD_IN, Phase.HOLD_OUT)

    @property
    def words(self) -> PhaseWords:
        return PHASE_WORDS[self]


@dataclass(frozen=True)
class PhaseWords:
    """How a phase is said in Dutch, in each place it is said."""

    short: str  # tags and titles: "in 4, uit 6"
    counted: str  # the download page: "in 4 tellen, uit 6 tellen"
    name: str  # the timeline picture and the studio
    cue: str  # spoken by `[adem 6x cues]`


PHASE_WORDS = {
    Phase.IN: PhaseWords("in", "in", "inademen", "Adem in."),
    Phase.HOLD_IN: PhaseWords("vast", "vasthouden", "vasthouden", "Vasthouden."),
    Phase.OUT: PhaseWords("uit", "uit", "uitademen", "En uit."),
    Phase.HOLD_OUT: PhaseWords("vast", "vasthouden", "vasthouden", "Vasthouden."),
}


@dataclass(frozen=True)
class BreathPattern:
    """One breath cycle in seconds: inhale, hold after inhale, exhale, hold after exhale."""

    inhale: float
    hold_in: float
    exhale: float
    hold_out: float = 0.0

    @classmethod
    def parse(cls, text: str) -> BreathPattern:
        """Parse `IN:OUT`, `IN:HOLD:OUT` or `IN:HOLD:OUT:HOLD` (`-` works as separator too)."""
        raw = str(text).strip()
        parts = re.split(r"\s*[:\-]\s*", raw) if raw else []
        if len(parts) not in (2, 3, 4):
            raise PatternError(
                f"breath pattern {raw!r} must look like IN:OUT, IN:HOLD:OUT or "
                "IN:HOLD:OUT:HOLD in seconds, e.g. 4:6 or 4:7:8"
            )
        for part in parts:
            if not _NUMBER.match(part):
                raise PatternError(
                    f"breath pattern {raw!r}: {part!r} is not a positive number of seconds"
                )
        values = [float(p.replace(",", ".")) for p in parts]
        if any(v <= 0 for v in values):
            raise PatternError(
                f"breath pattern {raw!r}: every part must be more than 0 seconds; "
                "leave a hold out instead of writing 0"
            )
        if len(values) == 2:
            pattern = cls(values[0], 0.0, values[1], 0.0)
        elif len(values) == 3:
            pattern = cls(values[0], values[1], values[2], 0.0)
        else:
            pattern = cls(*values)
        cycle = pattern.cycle_s
        if not MIN_CYCLE_S <= cycle <= MAX_CYCLE_S:
            raise PatternError(
                f"breath pattern {raw!r} lasts {cycle:g} s per breath; "
                f"use between {MIN_CYCLE_S:g} and {MAX_CYCLE_S:g} s"
            )
        return pattern

    @property
    def cycle_s(self) -> float:
        return self.inhale + self.hold_in + self.exhale + self.hold_out

    @property
    def phases(self) -> tuple[tuple[Phase, float], ...]:
        """The non-empty phases of one cycle, in order, as (phase, seconds)."""
        all_phases = (
            (Phase.IN, self.inhale),
            (Phase.HOLD_IN, self.hold_in),
            (Phase.OUT, self.exhale),
            (Phase.HOLD_OUT, self.hold_out),
        )
        return tuple((phase, s) for phase, s in all_phases if s > 0)

    @property
    def in_words(self) -> str:
        """Dutch, for listeners: `in 4, uit 6` or `in 4, vast 7, uit 8`."""
        return ", ".join(f"{phase.words.short} {s:g}" for phase, s in self.phases)

    @property
    def in_dutch(self) -> str:
        """`in_words` as Dutch writes numbers, for her screens and the page: `in 4,5, uit 5,5`
        (`in_words` stays in titles, tags and the feed, as they were published)."""
        return ", ".join(f"{phase.words.short} {_dutch(s)}" for phase, s in self.phases)

    @property
    def dutch(self) -> str:
        """The ratio as Dutch writes it: `4,5:5,5`."""
        return str(self).replace(".", ",")

    @property
    def in_counts(self) -> str:
        """Dutch, for the download page: `in 4 tellen, uit 6 tellen`, `in 4,5 tellen`."""
        return ", ".join(f"{phase.words.counted} {_dutch(s)} tellen" for phase, s in self.phases)

    @property
    def per_minute(self) -> float:
        return 60.0 / self.cycle_s

    def advice(self) -> list[Said]:
        """Not errors: what makes this pattern less calming than it could be."""
        notes = []
        if self.per_minute > SLOW_BREATHING_PER_MIN:
            notes.append(
                Said(
                    f"{self} is {self.per_minute:.1f} breaths/min; slow breathing is < "
                    f"{SLOW_BREATHING_PER_MIN:g}/min (about 6/min is ideal)",
                    f"{self.dutch} is {_dutch(self.per_minute)} ademhalingen per minuut; rustig "
                    f"ademen is minder dan {SLOW_BREATHING_PER_MIN:g} per minuut (ongeveer 6 is "
                    "fijn)",
                )
            )
        if self.exhale < self.inhale:
            notes.append(
                Said(
                    f"{self} breathes out ({self.exhale:g} s) shorter than in "
                    f"({self.inhale:g} s); a longer exhale is what calms",
                    f"bij {self.dutch} is de uitademing korter dan de inademing; een langere "
                    "uitademing geeft juist rust",
                )
            )
        longest_hold = max(self.hold_in, self.hold_out)
        if longest_hold > LONG_HOLD_S:
            notes.append(
                Said(
                    f"{self} holds the breath for {longest_hold:g} s; holds over "
                    f"{LONG_HOLD_S:g} s can feel straining, especially in pregnancy",
                    f"bij {self.dutch} houd je de adem {_dutch(longest_hold)} seconden vast; "
                    f"langer dan {LONG_HOLD_S:g} seconden kan spannen, zeker in de zwangerschap",
                )
            )
        return notes

    def _parts(self) -> list[float]:
        if self.hold_out:
            return [self.inhale, self.hold_in, self.exhale, self.hold_out]
        if self.hold_in:
            return [self.inhale, self.hold_in, self.exhale]
        return [self.inhale, self.exhale]

    def __str__(self) -> str:
        return ":".join(_format_seconds(v) for v in self._parts())

    @property
    def slug(self) -> str:
        """File-name form: `4-6`, `4.5-5.5`, `4-7-8`."""
        return "-".join(_format_seconds(v) for v in self._parts())
