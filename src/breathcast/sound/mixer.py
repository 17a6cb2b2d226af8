"""Timeline to PCM, chunk by chunk: voice, tone and bed, linear in length, flat in memory.

Every part is a *source*: a function from a sample range [lo, hi) to float32 samples, pure in
the position. An episode streams out in chunks of `CHUNK` samples (a few seconds), so memory
stays flat however long it is, and chunk boundaries are inaudible by construction.

The tone and the bed duck under every voice clip: the gain is down by `duck_db` when a voice
starts (it starts falling `duck_lookahead_s` earlier) and comes back up over `duck_release_s`
after it, with raised-cosine ramps, so the background breathes around the words.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

import numpy as np

from breathcast.core import SoundSettings
from breathcast.sound import tone
from breathcast.sound.dsp import raised_cosine
from breathcast.sound.kweight import energy_profile, step_samples
from breathcast.sound.timeline import ClipEvent, Timeline

Source = Callable[[int, int], np.ndarray]  # (lo, hi) -> hi - lo float32 samples
CHUNK = 2**17  # about 3 s at 44.1 kHz


@dataclass(frozen=True)
class Stems:
    voice: np.ndarray
    tone: np.ndarray
    bed: np.ndarray  # already ducked
    duck: np.ndarray  # the gain applied to tone and bed
    melody: np.ndarray  # the recurring melody, at the start and the end

    def mix(self) -> np.ndarray:
        return self.voice + self.tone + self.bed + self.melody


class _Events:
    """Clips sorted by start, and a quick way to find those that reach into a range."""

    def __init__(self, clips: tuple[ClipEvent, ...], before: int = 0, after: int = 0):
        self.clips = clips
        self.starts = np.array([c.start for c in clips], dtype=np.int64)
        self.before, self.after = before, after  # how far each clip's influence reaches
        self.longest = max((c.length for c in clips), default=0)

    def near(self, lo: int, hi: int) -> tuple[ClipEvent, ...]:
        first = np.searchsorted(self.starts, lo - self.longest - self.after, side="left")
        last = np.searchsorted(self.starts, hi + self.before, side="left")
        return self.clips[first:last]


class VoiceTrack:
    """The voice clips at their places. `clips` may load lazily: only the clips near the
    range are asked for."""

    def __init__(self, timeline: Timeline, clips: Mapping[str, np.ndarray]):
        self.events, self.clips = _Events(timeline.clips), clips

    def __call__(self, lo: int, hi: int) -> np.ndarray:
        out = np.zeros(hi - lo, np.float32)
        for clip in self.events.near(lo, hi):
            a, b = max(lo, clip.start), min(hi, clip.start + clip.length)
            if a < b:
                out[a - lo : b - lo] += self.clips[clip.text][a - clip.start : b - clip.start]
        return out


class MelodyTrack:
    """The recurring melody at each of its places (ducked like the bed where a script
    starts speaking over it)."""

    def __init__(self, timeline: Timeline, clip: np.ndarray | None):
        self.spans = timeline.melodies if clip is not None else ()
        self.clip = clip

    def __call__(self, lo: int, hi: int) -> np.ndarray:
        out = np.zeros(hi - lo, np.float32)
        for span in self.spans:
            a, b = max(lo, span.start), min(hi, span.start + self.clip.size)
            if a < b:
                out[a - lo : b - lo] += self.clip[a - span.start : b - span.start]
        return out

    def k_energy(self, length: int, sample_rate: int) -> np.ndarray:
        """Its K-weighted energy in each 10 ms step of an episode of `length` samples."""
        step = step_samples(sample_rate)
        energy = np.zeros(-(-length // step))
        if self.spans:
            profile = energy_profile(self.clip, sample_rate)
            for span in self.spans:
                at = round(span.start / step)
                part = profile[: max(0, energy.size - at)]
                energy[at : at + part.size] += part
        return energy


class DuckGain:
    """The gain that lowers the tone and bed around every voice clip, in [depth, 1]. It stays
    down between lines closer than `duck_hold_s`, so the bed rises only in real pauses (it
    swung 8-10 dB at every line when it rose in each short gap); never across a breathing
    block, whose tone is heard between its cues."""

    def __init__(self, timeline: Timeline, sound: SoundSettings):
        sr = sound.sample_rate
        self.depth = np.float32(10 ** (sound.duck_db / 20))
        self.attack = round(sound.duck_lookahead_s * sr)
        self.release = round(sound.duck_release_s * sr)
        depth = float(self.depth)
        self.down = (1 - (1 - depth) * raised_cosine(self.attack)).astype(np.float32)
        self.up = (depth + (1 - depth) * raised_cosine(self.release)).astype(np.float32)
        spans = _held(timeline, round(sound.duck_hold_s * sr))
        self.events = _Events(spans, before=self.attack, after=self.release)

    def __call__(self, lo: int, hi: int) -> np.ndarray:
        gain = np.ones(hi - lo, np.float32)
        for clip in self.events.near(lo, hi):
            end = clip.start + clip.length
            _lower(gain, lo, clip.start - self.attack, self.down)
            a, b = max(lo, clip.start), min(hi, end)
            if a < b:
                np.minimum(gain[a - lo : b - lo], self.depth, out=gain[a - lo : b - lo])
            _lower(gain, lo, end, self.up)
        return gain


def _held(timeline: Timeline, hold: int) -> tuple[ClipEvent, ...]:
    """The voice clips, with every run of them closer than `hold` samples (and no breathing
    block between) joined into one span that the duck holds down."""
    blocks = [(b.start, b.start + b.length) for b in timeline.blocks]
    spans: list[ClipEvent] = []
    for clip in timeline.clips:
        if spans:
            last = spans[-1]
            end = last.start + last.length
            apart = clip.start - end
            breathing = any(a < clip.start and b > end for a, b in blocks)
            if apart < hold and not breathing:
                reach = max(end, clip.start + clip.length)
                spans[-1] = ClipEvent(last.start, reach - last.start, last.text, last.line)
                continue
        spans.append(clip)
    return tuple(spans)


def _lower(gain: np.ndarray, lo: int, at: int, shape: np.ndarray) -> None:
    """gain = min(gain, shape placed at sample `at`), for the part that falls in the range."""
    a, b = max(lo, at), min(lo + gain.size, at + shape.size)
    if a < b:
        view = gain[a - lo : b - lo]
        np.minimum(view, shape[a - at : b - at], out=view)


def _step_power(gain: Source, length: int, step: int) -> np.ndarray:
    """The mean of gain² over every `step` samples of [0, length)."""
    steps = -(-length // step)
    power = np.empty(steps)
    span = step * max(1, CHUNK // step)
    for lo in range(0, length, span):
        g = gain(lo, min(lo + span, length)).astype(np.float64)
        whole = g.size // step
        first = lo // step
        power[first : first + whole] = np.mean(np.square(g[: whole * step].reshape(-1, step)), 1)
        if g.size % step:
            power[first + whole] = np.mean(np.square(g[whole * step :]))
    return power


class Mixer:
    """One episode's sources, rendered as stems for any range, or streamed as the mix."""

    def __init__(
        self,
        timeline: Timeline,
        clips: Mapping[str, np.ndarray],
        sound: SoundSettings,
        bed: Source | None = None,
        melody: np.ndarray | None = None,
    ):
        self.length = timeline.length
        self.voice = VoiceTrack(timeline, clips)
        self.tone = tone.PacingTone(timeline.blocks, sound)
        self.duck = DuckGain(timeline, sound)
        self.bed = bed
        self.melody = MelodyTrack(timeline, melody)

    def stems(self, lo: int, hi: int) -> Stems:
        duck = self.duck(lo, hi)
        pacing = self.tone(lo, hi) * duck
        bed = self.bed(lo, hi) * duck if self.bed is not None else np.zeros(hi - lo, np.float32)
        melody = self.melody(lo, hi) * duck
        return Stems(self.voice(lo, hi), pacing, bed, duck, melody)

    def background_k_energy(self) -> np.ndarray:
        """The tone's and the bed's K-weighted energy in each 10 ms step, ducked as they will
        be, without rendering them: with the voice clips' own profiles, this predicts the
        episode's loudness before a sample is made."""
        sr = self.tone.sound.sample_rate
        energy = self.tone.k_energy(self.length) + self.melody.k_energy(self.length, sr)
        if self.bed is not None:
            energy += self.bed.k_energy(sr)
        return energy * _step_power(self.duck, self.length, step_samples(sr))

    def mix(self, lo: int, hi: int) -> np.ndarray:
        """The mix as a source (not yet mastered)."""
        return self.stems(lo, hi).mix()

    def chunks(self, size: int = CHUNK) -> Iterator[np.ndarray]:
        """The mix, in order, `size` samples at a time."""
        for lo in range(0, self.length, size):
            yield self.mix(lo, min(lo + size, self.length))
