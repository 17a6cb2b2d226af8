"""Podcast loudness, measured per ITU-R BS.1770-4 by ffmpeg's `ebur128` filter.

We never write our own K-filter. The mastering chain is two ffmpeg filters: one linear gain to
the target, and a fast look-ahead limiter that shaves the peaks the gain pushes over the
ceiling (espeak's glottal pulses need several dB of it; natural speech little). The gain is
found by measuring through that exact chain, and the encoded MP3 itself is measured at the end,
so the report states what listeners actually get.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from breathcast import ffmpeg
from breathcast.config import SoundSettings
from breathcast.errors import AudioError
from breathcast.files import atomic_path

# The limiter holds sample peaks this far under the true-peak ceiling: room for inter-sample
# peaks and the MP3 encoder's overshoot.
LIMITER_MARGIN_DB = 1.0
LOUDNESS_TOLERANCE_LU = 0.2
ATTEMPTS = 4
ENCODE_ATTEMPTS = 3


@dataclass(frozen=True)
class Loudness:
    integrated_lufs: float
    true_peak_dbtp: float


def _parse(stderr: str) -> Loudness:
    summary = stderr[stderr.rfind("Summary:") :]
    integrated = re.search(r"I:\s+(-?[\d.]+|-inf) LUFS", summary)
    peak = re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary)
    if not integrated or not peak:
        raise AudioError("ffmpeg's ebur128 gave no loudness summary")
    return Loudness(float(integrated.group(1)), float(peak.group(1)))


def _measure(args: Sequence[str], stdin: bytes | None, what: str) -> Loudness:
    if "-af" in args:  # measure after the given filters
        i = list(args).index("-af")
        args = [*args[:i], "-af", f"{args[i + 1]},ebur128=peak=true", *args[i + 2 :]]
    else:
        args = [*args, "-af", "ebur128=peak=true"]
    result = ffmpeg.run(
        [*args, "-f", "null", "-"],
        stdin,
        what,
        loglevel="info",
    )
    return _parse(result.stderr.decode(errors="replace"))


def measure_pcm(pcm: np.ndarray, sample_rate: int, filters: str = "anull") -> Loudness:
    """Loudness of `pcm` after ffmpeg `filters`."""
    args = ["-f", "f32le", "-ar", str(sample_rate), "-ac", "1", "-i", "pipe:0", "-af", filters]
    return _measure(args, np.ascontiguousarray(pcm, dtype="<f4").tobytes(), "measure loudness")


def measure_file(path: str | Path) -> Loudness:
    return _measure(["-i", str(path)], None, f"measure the loudness of {path}")


def master_filter(gain_db: float, ceiling_dbtp: float) -> str:
    """One linear gain, then a look-ahead limiter whose latency is compensated (timing exact)."""
    limit = 10 ** ((ceiling_dbtp - LIMITER_MARGIN_DB) / 20)
    return (
        f"volume={gain_db:.3f}dB,"
        f"alimiter=limit={limit:.5f}:level=false:latency=true:attack=1:release=20"
    )


def encode_normalized(pcm: np.ndarray, dest: str | Path, sound: SoundSettings) -> Loudness:
    """Encode `pcm` to an MP3 at the target loudness and under the true-peak ceiling.

    The limiter makes loudness grow more slowly than the gain, so the gain is found by secant
    steps, each measured through the real chain. The encoded file is then measured; should the
    encoder have pushed a peak over the ceiling, it is encoded once more with a lower limit.
    """
    target, ceiling = sound.loudness_lufs, sound.true_peak_dbtp
    gain = target - measure_pcm(pcm, sound.sample_rate).integrated_lufs
    if not np.isfinite(gain):
        raise AudioError(f"{dest}: the episode is silent; there is nothing to normalize")
    slope, previous = 1.0, None
    for _ in range(ATTEMPTS):
        level = measure_pcm(pcm, sound.sample_rate, master_filter(gain, ceiling)).integrated_lufs
        if abs(target - level) <= LOUDNESS_TOLERANCE_LU:
            break
        if previous is not None and gain != previous[0]:
            slope = min(1.0, max(0.2, (level - previous[1]) / (gain - previous[0])))
        previous = (gain, level)
        gain += (target - level) / slope
    with atomic_path(dest) as tmp:
        for _ in range(ENCODE_ATTEMPTS):
            ffmpeg.encode_mp3(
                [pcm], tmp, sound.sample_rate, sound.bitrate, master_filter(gain, ceiling)
            )
            final = measure_file(tmp)
            # The encoder itself moves the level a little (LAME here: about -0.45 dB, flat
            # across the spectrum) and can push a peak up; correct both and encode again.
            off_target = target - final.integrated_lufs
            over_peak = final.true_peak_dbtp - sound.true_peak_dbtp
            if abs(off_target) <= LOUDNESS_TOLERANCE_LU and over_peak <= 0:
                break
            gain += off_target / slope
            ceiling -= max(over_peak, 0.0) + (0.1 if over_peak > 0 else 0.0)
    return final
