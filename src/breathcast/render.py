"""Timeline to PCM: voice, tone and bed placed into preallocated buffers, linear in length.

The tone and the bed duck under every voice clip: the gain is down by `duck_db` when a voice
starts (it starts falling `duck_lookahead_s` earlier) and comes back up over `duck_release_s`
after it, with raised-cosine ramps, so the background breathes around the words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from breathcast import tone
from breathcast.config import SoundSettings
from breathcast.timeline import Timeline


@dataclass(frozen=True)
class Stems:
    voice: np.ndarray
    tone: np.ndarray
    bed: np.ndarray  # already ducked
    duck: np.ndarray  # the gain applied to tone and bed

    def mix(self) -> np.ndarray:
        return self.voice + self.tone + self.bed


def duck_gain(timeline: Timeline, sound: SoundSettings) -> np.ndarray:
    sr = sound.sample_rate
    gain = np.ones(timeline.length, dtype=np.float32)
    depth = 10 ** (sound.duck_db / 20)
    attack, release = round(sound.duck_lookahead_s * sr), round(sound.duck_release_s * sr)
    down = (1 - (1 - depth) * tone.raised_cosine(attack)).astype(np.float32)
    up = (depth + (1 - depth) * tone.raised_cosine(release)).astype(np.float32)
    for clip in timeline.clips:
        lo = clip.start - attack
        shape = np.concatenate([down, np.full(clip.length, depth, np.float32), up])
        cut = max(0, -lo)  # a clip at the very start ducks from sample 0
        lo, shape = lo + cut, shape[cut:]
        shape = shape[: max(0, timeline.length - lo)]
        np.minimum(gain[lo : lo + shape.size], shape, out=gain[lo : lo + shape.size])
    return gain


def render_stems(
    timeline: Timeline,
    clips: Mapping[str, np.ndarray],
    sound: SoundSettings,
    bed: np.ndarray | None = None,
) -> Stems:
    voice = np.zeros(timeline.length, dtype=np.float32)
    for clip in timeline.clips:
        voice[clip.start : clip.start + clip.length] += clips[clip.text]
    pacing = np.zeros(timeline.length, dtype=np.float32)
    for block in timeline.blocks:
        pacing[block.start : block.start + block.length] += tone.render_block(block, sound)
    duck = duck_gain(timeline, sound)
    pacing *= duck
    background = bed * duck if bed is not None else np.zeros(timeline.length, np.float32)
    return Stems(voice, pacing, background, duck)


def render(
    timeline: Timeline,
    clips: Mapping[str, np.ndarray],
    sound: SoundSettings,
    bed: np.ndarray | None = None,
) -> np.ndarray:
    return render_stems(timeline, clips, sound, bed).mix()
