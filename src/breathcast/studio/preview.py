"""Hearing a script before it is built: one line, or the episode from any line on.

Only the stretch that is listened to is rendered, chunk by chunk as it is played, through the
same voice cache, mixer, loudness prediction and limiter as the build: what she hears is what
the build will make (before the MP3 encoder).
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np

from breathcast.build import episode_mixer, predicted_lufs
from breathcast.core import BreathPattern, Said, ScriptError
from breathcast.script import Length, Script, Speech
from breathcast.sound import CHUNK, Source, Timeline, heard_master, predict_lufs
from breathcast.sound.mp3 import to_pcm16
from breathcast.voice import Engine, VoicingContext

LEAD_S = 0.4  # "from here" starts this much before the line, so its first word is whole


@dataclass(frozen=True)
class Stretch:
    """Samples [start, stop) of a mastered source: a WAV file made while it is played."""

    source: Source
    start: int
    stop: int
    sample_rate: int

    @property
    def size(self) -> int:
        """Bytes of the whole WAV file: players know its length before it arrives."""
        return 44 + 2 * (self.stop - self.start)

    def header(self) -> bytes:
        data = 2 * (self.stop - self.start)
        rate = self.sample_rate
        return (
            b"RIFF"
            + struct.pack("<I", 36 + data)
            + b"WAVEfmt "
            + struct.pack("<IHHIIHH", 16, 1, 1, rate, rate * 2, 2, 16)
            + b"data"
            + struct.pack("<I", data)
        )

    def wav(self) -> Iterator[bytes]:
        yield self.header()
        for lo in range(self.start, self.stop, CHUNK):
            yield to_pcm16(self.source(lo, min(lo + CHUNK, self.stop)))


@dataclass(frozen=True)
class Preview:
    """A script ready to be heard: the build's context (settings, voice cache, pronunciations)
    and the voice it is heard in."""

    context: VoicingContext
    script: Script
    engine: Engine

    def from_line(
        self, pattern: BreathPattern, line: int, length: Length | None = None, jobs: int = 4
    ) -> Stretch:
        """The episode at `pattern` (and `length`), from the first thing at or after `line`
        to the end (in a length that leaves its chapter out: from what comes next)."""
        sound = self.context.config.sound
        timeline, master = self._master(pattern, length, jobs)
        events = [(c.line, c.start) for c in timeline.clips]
        events += [(p.line, p.start) for p in timeline.pauses]
        events += [(b.line, b.start) for b in timeline.blocks]
        events += [(c.line, c.start) for c in timeline.chapters]
        starts = [start for at, start in events if at >= line]
        start = min(starts) if starts else timeline.length
        lead = round(LEAD_S * sound.sample_rate)
        return Stretch(master, max(0, start - lead), timeline.length, sound.sample_rate)

    def line(self, line: int, text: str | None = None) -> Stretch:
        """One spoken line on its own, at the loudness the episode gives speech: a line, or
        the breathing cue `text` of the block on that line; with `text`, a line that moved
        since the page drew it is found by its words."""
        spoken = self.script.spoken
        speech = next((s for s in spoken if s.line == line and text in (None, s.text)), None)
        if speech is None and text is not None:
            # The page's row may be from before a save moved its line: the same words, nearest.
            same = [s for s in spoken if s.text == text]
            speech = min(same, key=lambda s: abs(s.line - line), default=None)
        if speech is None:
            raise ScriptError(
                self.script.path,
                line,
                Said("nothing is spoken on this line", "op deze regel staat geen zin"),
            )
        return self.speech(speech)

    def speech(self, speech: Speech) -> Stretch:
        """`speech` voiced through the cache (synthesized once if need be), levelled."""
        sound = self.context.config.sound
        voiced = self.context.voice(replace(self.script, steps=(speech,)), self.engine, jobs=1)
        clip = voiced.clips[speech.text]
        level = predict_lufs([(0, voiced.energy[speech.text])], clip.size, sound.sample_rate)
        master = heard_master(lambda lo, hi: clip[lo:hi], clip.size, level, sound)
        return Stretch(master, 0, clip.size, sound.sample_rate)

    def timeline(
        self, pattern: BreathPattern, length: Length | None = None
    ) -> tuple[Timeline, np.ndarray]:
        """The episode's plan, and the level of its tone and bed (dB, every half second)."""
        voiced = self.context.voice(self.script, self.engine, jobs=4)
        config = self.context.config
        timeline, mixer = episode_mixer(self.script, pattern, voiced, config, length)
        energy = mixer.background_k_energy()  # per 10 ms
        step = 50  # half a second of it per point
        usable = energy[: energy.size // step * step].reshape(-1, step).mean(axis=1)
        return timeline, 10 * np.log10(usable / (0.01 * timeline.sample_rate) + 1e-12)

    def _master(
        self, pattern: BreathPattern, length: Length | None, jobs: int
    ) -> tuple[Timeline, Source]:
        config = self.context.config
        voiced = self.context.voice(self.script, self.engine, jobs=jobs)
        timeline, mixer = episode_mixer(self.script, pattern, voiced, config, length)
        level = predicted_lufs(timeline, voiced, mixer)
        return timeline, heard_master(mixer.mix, timeline.length, level, config.sound)
