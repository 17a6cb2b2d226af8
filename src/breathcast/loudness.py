"""Podcast loudness, measured per ITU-R BS.1770-4 by ffmpeg's `ebur128` filter.

We never write our own K-filter. Every voice clip was already levelled and its peaks held
(see `voice.level_clip`), so mastering is one linear gain to the target plus a look-ahead
limiter that only stands guard at the true-peak ceiling. The encoded MP3 itself is measured,
so the report states what listeners actually get, and a miss is corrected by encoding again.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
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
ENCODE_ATTEMPTS = 3
MISS_WARNING_LU = 0.5
# libmp3lame as ffmpeg drives it returns float input 0.95x as loud (-0.45 dB, flat across the
# spectrum; measured with sines and noise). Compensated up front; the loop catches any change.
ENCODER_GAIN_DB = -0.45


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
    args = [*ffmpeg.pcm_format(sample_rate), "-i", "pipe:0", "-af", filters]
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


def mastering_gain(pcm: np.ndarray, sound: SoundSettings, name: str) -> float:
    """The linear gain (dB) that brings `pcm` to the target loudness."""
    gain = sound.loudness_lufs - measure_pcm(pcm, sound.sample_rate).integrated_lufs
    if not np.isfinite(gain):
        raise AudioError(f"{name}: the episode is silent; there is nothing to normalize")
    return gain


def loudness_curve(pcm: np.ndarray, sound: SoundSettings, gain_db: float) -> np.ndarray:
    """Short-term loudness (LUFS, 3 s window) every 0.1 s, through the master chain."""
    args = [*ffmpeg.pcm_format(sound.sample_rate), "-i", "pipe:0"]
    chain = f"{master_filter(gain_db, sound.true_peak_dbtp)},ebur128=framelog=info"
    data = np.ascontiguousarray(pcm, dtype="<f4").tobytes()
    result = ffmpeg.run([*args, "-af", chain, "-f", "null", "-"], data, "trace loudness", "info")
    values = re.findall(r"\bS:\s*(-?[\d.]+|-inf)", result.stderr.decode(errors="replace"))
    return np.array([float(v) for v in values])


def miss_warning(dest: str | Path, measured: Loudness, sound: SoundSettings) -> str | None:
    """What to tell the user when an episode did not reach the loudness target."""
    if abs(sound.loudness_lufs - measured.integrated_lufs) <= MISS_WARNING_LU:
        return None
    return (
        f"{dest} measures {measured.integrated_lufs:.1f} LUFS, not {sound.loudness_lufs:.1f}: "
        "its quiet parts carry too much of it for the limiter; more speech, or a louder tone "
        "(tone_level_db), brings it closer"
    )


def encode_normalized(
    pcm: np.ndarray, dest: str | Path, sound: SoundSettings, tag: Callable[[Path], None] = None
) -> Loudness:
    """Encode `pcm` to an MP3 at the target loudness and under the true-peak ceiling.

    The encoded file is measured; if it missed (the limiter or the encoder moved it), the gain
    and the limit are corrected and it is encoded again. Only the final file reaches `dest`.
    """
    target, ceiling = sound.loudness_lufs, sound.true_peak_dbtp
    gain = mastering_gain(pcm, sound, str(dest)) - ENCODER_GAIN_DB
    with atomic_path(dest) as tmp:
        for _ in range(ENCODE_ATTEMPTS):
            ffmpeg.encode_mp3(
                [pcm], tmp, sound.sample_rate, sound.bitrate, master_filter(gain, ceiling)
            )
            final = measure_file(tmp)
            off_target = target - final.integrated_lufs
            over_peak = final.true_peak_dbtp - sound.true_peak_dbtp
            if abs(off_target) <= LOUDNESS_TOLERANCE_LU and over_peak <= 0:
                break
            gain += off_target
            ceiling -= max(over_peak, 0.0) + (0.1 if over_peak > 0 else 0.0)
        if tag is not None:
            tag(tmp)  # before the rename: the file appears complete, tags and all
    return final
