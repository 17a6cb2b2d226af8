"""Timeline to PCM: clips and tone placed into one preallocated buffer, linear in length."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from breathcast import tone
from breathcast.config import SoundSettings
from breathcast.timeline import Timeline

PEAK_CEILING = 10 ** (-1.0 / 20)  # -1 dBFS; loudness normalization comes later in the chain


def render(timeline: Timeline, clips: Mapping[str, np.ndarray], sound: SoundSettings) -> np.ndarray:
    out = np.zeros(timeline.length, dtype=np.float32)
    for clip in timeline.clips:
        out[clip.start : clip.start + clip.length] += clips[clip.text]
    for block in timeline.blocks:
        out[block.start : block.start + block.length] += tone.render_block(block, sound)
    peak = float(np.max(np.abs(out))) if out.size else 0.0
    if peak > PEAK_CEILING:
        out *= PEAK_CEILING / peak
    return out
