"""Small signal helpers that several sounds share: a click-free ramp, the voiced part of a
clip cut from its silence, and the level of that voiced part."""

from __future__ import annotations

import numpy as np

TRIM_BELOW_PEAK_DB = 45.0  # leading and trailing frames this far under the loudest are cut
TRIM_KEEP_BEFORE_S = 0.02
TRIM_KEEP_AFTER_S = 0.05  # a little of the decay, so words never end abruptly


def raised_cosine(n: int) -> np.ndarray:
    """0 -> 1 over n samples, with zero slope at both ends."""
    if n <= 0:
        return np.zeros(0)
    return 0.5 - 0.5 * np.cos(np.linspace(0.0, np.pi, n))


def trim_silence(pcm: np.ndarray, sample_rate: int) -> np.ndarray:
    """Cut the engine's leading and trailing silence, keeping a breath of margin."""
    frame = max(1, int(0.01 * sample_rate))
    if pcm.size < frame:
        return pcm
    power = np.mean(
        np.square(pcm[: pcm.size // frame * frame].reshape(-1, frame), dtype=np.float64), axis=1
    )
    loud = np.flatnonzero(power > power.max() * 10 ** (-TRIM_BELOW_PEAK_DB / 10))
    if not loud.size:
        return pcm
    start = max(0, loud[0] * frame - int(TRIM_KEEP_BEFORE_S * sample_rate))
    end = min(pcm.size, (loud[-1] + 1) * frame + int(TRIM_KEEP_AFTER_S * sample_rate))
    return pcm[start:end]


def speech_rms(pcm: np.ndarray, sample_rate: int) -> float:
    """RMS of the voiced part: 20 ms frames within 30 dB of the loudest one."""
    frame = max(1, int(0.02 * sample_rate))
    usable = pcm[: pcm.size // frame * frame].reshape(-1, frame) if pcm.size >= frame else pcm[None]
    power = np.mean(np.square(usable, dtype=np.float64), axis=1)
    voiced = power[power > power.max() * 1e-3]
    return float(np.sqrt(voiced.mean())) if voiced.size and voiced.mean() > 0 else 0.0
