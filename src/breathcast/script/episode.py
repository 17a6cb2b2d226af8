"""What an episode is called everywhere, and what a build says about it.

An episode is one script at one breath pattern. `EpisodeKey` is its one identity: the build
writes the MP3 where it says, and publish gives it the GUID and title it says, so the two can
never disagree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from breathcast.core import BreathPattern, Said
from breathcast.script.frontmatter import Length


@dataclass(frozen=True)
class EpisodeKey:
    slug: str  # the script's ASCII slug
    pattern: BreathPattern
    length: Length | None = None  # one of the script's `lengths:`, or None: as written
    # The length that carries on what was published before the script had lengths: it keeps
    # that file name and GUID, so subscribers see no duplicate.
    legacy: bool = False

    @property
    def _suffix(self) -> str:
        return f"-{self.length.slug}" if self.length and not self.legacy else ""

    @property
    def stem(self) -> str:
        """File-name stem: `water-en-rust-4-6`, or with a length `water-en-rust-4-6-3m`."""
        return f"{self.slug}-{self.pattern.slug}{self._suffix}"

    @property
    def path(self) -> str:
        """The MP3, relative to the build folder: `water-en-rust/water-en-rust-4-6.mp3`."""
        return f"{self.slug}/{self.stem}.mp3"

    @property
    def guid(self) -> str:
        """Never changes for this script, pattern (and length), whatever the audio becomes."""
        length = f":{self.length.slug}" if self.length and not self.legacy else ""
        return f"breathcast:{self.slug}:{self.pattern.slug}{length}"

    def title(self, script_title: str) -> str:
        """`Water & Rust (in 4, uit 6)`, or with a length `Water & Rust, 3 minuten, in 4 uit
        6`: the tag, the feed item and the page all say this."""
        if self.length is None:
            return f"{script_title} ({self.pattern.in_words})"
        return f"{script_title}, {self.length.words}, {self.pattern.in_words.replace(',', '')}"


def clock(seconds: float) -> str:
    """`m:ss` (or `h:mm:ss`), cut to the whole second as players show it: 7:26, 1:02:05."""
    whole = max(0, math.floor(seconds + 1e-6))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class EpisodeStatus(StrEnum):
    BUILT = "built"
    SKIPPED = "skipped"  # up to date: the build did no work for it
    PLANNED = "planned"  # a dry run's: it would be built


EPISODE_STATUS_WORDS = {
    EpisodeStatus.BUILT: "gemaakt",
    EpisodeStatus.SKIPPED: "was al klaar",
    EpisodeStatus.PLANNED: "wordt gemaakt",
}


@dataclass(frozen=True)
class Episode:
    """One episode as a build reports it (the fields are report.json's)."""

    script: str
    ratio: str
    path: str  # relative to the build folder
    duration_s: float
    opus_path: str  # the Ogg Opus file beside the MP3, relative to the build folder; "" if none
    engine: str
    clips_synthesized: int  # voiced by the engine during this build
    clips_cached: int  # taken from the voice cache during this build
    offline_voice: bool  # an espeak preview, never to be mistaken for final audio
    loudness_lufs: float  # measured on the encoded MP3, as heard from two speakers (dual mono)
    loudness_mono_lufs: float  # the same, as one channel: 3 LU lower
    loudness_range_lu: float  # LRA: how far the quiet breathing sits from the speech
    true_peak_dbtp: float
    status: EpisodeStatus = EpisodeStatus.BUILT
    reason: str = ""  # why it was (or would be) rebuilt
    filled_lines: int = 0  # her own voice with lines another engine voiced (--fill): a preview
    title: str = ""  # the script's title, as the studio names the exercise
    length: str | None = None  # the length it was made in, as written ("3m"); None: as written
    target_s: float | None = None  # that length in seconds

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", EpisodeStatus(self.status))  # from JSON, a string

    @property
    def preview(self) -> bool:
        """Not the final audio: the espeak voice, or her voice with gaps filled."""
        return self.offline_voice or self.filled_lines > 0


@dataclass(frozen=True)
class Failure:
    """A script, or one of its episodes, that could not be built, and why (file:line first)."""

    script: str
    error: Said
    ratio: str = ""  # empty: the whole script failed (it did not parse, or could not be voiced)
