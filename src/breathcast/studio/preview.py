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

from breathcast.breath import BreathPattern
from breathcast.context import BuildContext
from breathcast.engines import Engine
from breathcast.errors import ScriptError
from breathcast.loudness import heard_master, predict_lufs
from breathcast.mp3 import to_pcm16
from breathcast.produce import episode_mixer, predicted_lufs
from breathcast.render import CHUNK, Source
from breathcast.script import Script, Speech
from breathcast.words import Said

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


def from_line(
    context: BuildContext,
    script: Script,
    pattern: BreathPattern,
    engine: Engine,
    line: int,
    jobs: int = 4,
) -> Stretch:
    """The episode at `pattern`, from the first thing at or after `line` to the end."""
    config = context.config
    sound = config.sound
    voiced = context.voice(script, engine, jobs=jobs)
    timeline, mixer = episode_mixer(script, pattern, voiced, config)
    master = heard_master(
        mixer.mix, timeline.length, predicted_lufs(timeline, voiced, mixer), sound
    )
    events = [(c.line, c.start) for c in timeline.clips]
    events += [(p.line, p.start) for p in timeline.pauses]
    events += [(b.line, b.start) for b in timeline.blocks]
    events += [(c.line, c.start) for c in timeline.chapters]
    starts = [start for at, start in events if at >= line]
    start = min(starts) if starts else timeline.length
    lead = round(LEAD_S * sound.sample_rate)
    return Stretch(master, max(0, start - lead), timeline.length, sound.sample_rate)


def spoken_line(
    context: BuildContext, script: Script, engine: Engine, line: int, text: str | None = None
) -> Stretch:
    """One spoken line of `script` on its own, at the loudness the episode gives speech: a
    line, or the breathing cue `text` of the block on that line."""
    speech = next((s for s in script.spoken if s.line == line and text in (None, s.text)), None)
    if speech is None:
        raise ScriptError(
            script.path,
            line,
            Said(en="nothing is spoken on this line", nl="op deze regel staat geen zin"),
        )
    return spoken_text(context, replace(script, steps=(speech,)), engine, speech)


def spoken_text(context: BuildContext, script: Script, engine: Engine, speech: Speech) -> Stretch:
    """`speech` voiced through the cache (synthesized once if need be), levelled to speech."""
    sound = context.config.sound
    voiced = context.voice(replace(script, steps=(speech,)), engine, jobs=1)
    clip = voiced.clips[speech.text]
    level = predict_lufs([(0, voiced.energy[speech.text])], clip.size, sound.sample_rate)
    master = heard_master(lambda lo, hi: clip[lo:hi], clip.size, level, sound)
    return Stretch(master, 0, clip.size, sound.sample_rate)


def timeline_view(
    context: BuildContext, script: Script, pattern: BreathPattern, engine: Engine
) -> dict:
    """The episode's plan for the studio's timeline: chapters, spoken lines (with their line
    in the script), breath phases and the level of the tone and bed, all in seconds."""
    voiced = context.voice(script, engine, jobs=4)
    timeline, mixer = episode_mixer(script, pattern, voiced, context.config)
    sr = timeline.sample_rate
    energy = mixer.background_k_energy()  # per 10 ms
    step = 50  # half a second of it per point
    usable = energy[: energy.size // step * step].reshape(-1, step).mean(axis=1)
    level = 10 * np.log10(usable / (0.01 * sr) + 1e-12)
    return {
        "ratio": str(pattern),
        "duration": timeline.duration_s,
        "chapters": [
            {"start": c.start / sr, "title": c.title, "line": c.line} for c in timeline.chapters
        ],
        "lines": [
            {
                "start": c.start / sr,
                "end": (c.start + c.length) / sr,
                "text": c.text,
                "line": c.line,
            }
            for c in timeline.clips
        ],
        "phases": [
            {"start": p.start / sr, "end": (p.start + p.length) / sr, "kind": str(p.kind)}
            for b in timeline.blocks
            for p in b.phases
        ],
        "bed": [[round(i * 0.5, 2), round(float(v), 1)] for i, v in enumerate(level)],
    }
