"""Podcast loudness per ITU-R BS.1770-4: predicted to choose the gain, and measured.

Every voice clip was already levelled and its peaks held (see `voice.level_clip`), so mastering
is one linear gain to the target plus a look-ahead limiter that only stands guard at the
true-peak ceiling. The gain is *predicted* before anything is rendered: each clip's K-weighted
energy (10 ms steps) is placed at its offsets and gated as BS.1770 gates, so the episode is
rendered and encoded once, in one streaming pass. The tone and bed sit under the relative gate
and barely count. The master is *measured* in this process as it streams to the encoders
(`meter.py`), so the report states what listeners get, and a miss is corrected by encoding
again. ffmpeg's `ebur128` (here: `measure_file`, `measure_pcm`, `loudness_curve`) measures
finished files: `build --verify`, the plot and the tests.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import numpy as np

from breathcast.core import AudioError, Said, SoundSettings
from breathcast.sound import ffmpeg
from breathcast.sound.kweight import step_samples
from breathcast.sound.master import Master

# The limiter holds sample peaks this far under the true-peak ceiling: room for inter-sample
# peaks and the MP3 encoder's overshoot.
LIMITER_MARGIN_DB = 1.0
LOUDNESS_TOLERANCE_LU = 0.2
ENCODE_ATTEMPTS = 3
MISS_WARNING_LU = 0.5
# `build --verify`: how far ffmpeg's figures on the files may be from the build's own. The
# Opus file (32 kbps) is coded with less of the highs and redraws the peaks: its loudness
# may be 0.25 LU lower (measured on espeak's voice), its peaks are only held to the ceiling.
VERIFY_LOUDNESS_LU = {".mp3": 0.2, ".opus": 0.3}
VERIFY_PEAK_DB = 0.35
# LAME returns mono input 0.95x as loud (-0.45 dB, flat across the spectrum; measured with
# sines and noise, through lameenc and through ffmpeg). Compensated up front; the loop catches
# any change.
ENCODER_GAIN_DB = -0.45
BLOCK_STEPS, HOP_STEPS = 40, 10  # BS.1770 gating blocks: 400 ms of 10 ms steps, every 100 ms
ABSOLUTE_GATE_LUFS, RELATIVE_GATE_LU = -70.0, -10.0
DUAL_MONO_LU = 3.01  # a mono file heard from two speakers: ebur128's dual-mono pan law


def predict_lufs(placed: Iterable[tuple[int, np.ndarray]], length: int, sample_rate: int) -> float:
    """Integrated loudness of energy profiles placed at sample offsets, gated per BS.1770."""
    step = step_samples(sample_rate)
    energy = np.zeros(-(-length // step))
    for start, profile in placed:
        at = round(start / step)
        part = profile[: max(0, energy.size - at)]
        energy[at : at + part.size] += part
    return gated_lufs(energy, step)


def gated_lufs(energy: np.ndarray, step: int) -> float:
    """Integrated loudness (one channel) of K-weighted energy per step of `step` samples
    (10 ms): 400 ms blocks every 100 ms, the absolute gate, then the relative one."""
    running = np.concatenate([[0.0], np.cumsum(energy)])
    ends = np.arange(BLOCK_STEPS, energy.size + 1, HOP_STEPS)  # every whole block, to the end
    mean_square = (running[ends] - running[ends - BLOCK_STEPS]) / (BLOCK_STEPS * step)
    with np.errstate(divide="ignore"):
        blocks = -0.691 + 10 * np.log10(mean_square)
    kept = mean_square[blocks > ABSOLUTE_GATE_LUFS]
    if not kept.size:
        return float("-inf")
    relative = -0.691 + 10 * np.log10(kept.mean()) + RELATIVE_GATE_LU
    kept = kept[-0.691 + 10 * np.log10(kept) > relative]
    return float(-0.691 + 10 * np.log10(kept.mean()))


@dataclass(frozen=True)
class Loudness:
    """One measurement by ffmpeg's ebur128."""

    integrated_lufs: float  # as measured: heard from two speakers when `dual_mono`
    true_peak_dbtp: float
    range_lu: float  # the loudness range (LRA)
    dual_mono: bool = False

    @property
    def heard_lufs(self) -> float:
        """As heard: a mono episode plays from both speakers (or both earbuds)."""
        return self.integrated_lufs + (0.0 if self.dual_mono else DUAL_MONO_LU)

    @property
    def mono_lufs(self) -> float:
        """As one channel, which is how plain BS.1770 meters read a mono file."""
        return self.integrated_lufs - (DUAL_MONO_LU if self.dual_mono else 0.0)

    def in_mode(self, mode: str) -> float:
        """The figure the `[sound] loudness_mode` setting targets."""
        return self.heard_lufs if mode == "dual-mono" else self.mono_lufs


def meter(dual_mono: bool) -> str:
    """ffmpeg's BS.1770 meter, with the true peak and only its summary (no line per 100 ms)."""
    return f"ebur128=peak=true:dualmono={str(dual_mono).lower()}:framelog=verbose"


def _parse(stderr: str, dual_mono: bool) -> Loudness:
    summary = stderr[stderr.rfind("Summary:") :]
    integrated = re.search(r"I:\s+(-?[\d.]+|-inf) LUFS", summary)
    peak = re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary)
    lra = re.search(r"LRA:\s+(-?[\d.]+) LU", summary)
    if not integrated or not peak or not lra:
        raise AudioError("ffmpeg's ebur128 gave no loudness summary")
    values = (float(m.group(1)) for m in (integrated, peak, lra))
    return Loudness(*values, dual_mono=dual_mono)


def _measure(args: Sequence[str], stdin: bytes | None, what: str, dual_mono: bool) -> Loudness:
    if "-af" in args:  # measure after the given filters
        i = list(args).index("-af")
        args = [*args[:i], "-af", f"{args[i + 1]},{meter(dual_mono)}", *args[i + 2 :]]
    else:
        args = [*args, "-af", meter(dual_mono)]
    result = ffmpeg.run(
        [*args, "-f", "null", "-"],
        stdin,
        what,
        loglevel="info",
    )
    return _parse(result.stderr.decode(errors="replace"), dual_mono)


def measure_pcm(
    pcm: np.ndarray, sample_rate: int, filters: str = "anull", dual_mono: bool = False
) -> Loudness:
    """Loudness of `pcm` after ffmpeg `filters`."""
    args = [*ffmpeg.pcm_format(sample_rate), "-i", "pipe:0", "-af", filters]
    data = np.ascontiguousarray(pcm, dtype="<f4").tobytes()
    return _measure(args, data, "measure loudness", dual_mono)


def measure_file(
    path: str | Path, dual_mono: bool = False, seconds: float | None = None
) -> Loudness:
    """ffmpeg's ebur128 on a finished file (its first `seconds`, when given)."""
    span = ["-t", f"{seconds:.3f}"] if seconds is not None else []
    args = [*span, "-i", str(path)]
    return _measure(args, None, f"measure the loudness of {path}", dual_mono)


def loudness_curve(chunks: Iterable[np.ndarray], sound: SoundSettings) -> np.ndarray:
    """Short-term loudness (LUFS, 3 s window) every 0.1 s of mastered audio, as heard from
    two speakers (dual mono)."""
    args = ["-loglevel", "info", *ffmpeg.pcm_format(sound.sample_rate), "-i", "pipe:0"]
    chain = "ebur128=dualmono=true:framelog=info"
    log = ffmpeg.pipe_through(chunks, ([*args, "-af", chain, "-f", "null", "-"], "trace loudness"))
    # One value per frame, so the curve keeps time: ffmpeg writes `nan` for digital silence.
    values = np.array([float(v) for v in re.findall(r"\bS:\s*(\S+)", log)])
    return np.where(np.isnan(values), -np.inf, values)


def loudness_range(short_term_lufs: np.ndarray) -> float:
    """EBU Tech 3342's loudness range of a short-term curve: the spread between its 10th and
    95th percentiles, after the absolute (-70 LUFS) and relative (-20 LU) gates."""
    values = short_term_lufs[np.isfinite(short_term_lufs) & (short_term_lufs > -70)]
    if not values.size:
        return 0.0
    power = 10 ** (values / 10)
    values = values[values > 10 * np.log10(power.mean()) - 20]
    low, high = np.percentile(values, [10, 95])
    return float(high - low)


class LoudnessLevel(StrEnum):
    """How an episode sounds next to the others: what her screens say instead of LUFS."""

    EVEN = "even"
    SOFTER = "softer"
    LOUDER = "louder"


LOUDNESS_LEVEL_WORDS = {
    LoudnessLevel.EVEN: "even luid als de rest",
    LoudnessLevel.SOFTER: "iets zachter",
    LoudnessLevel.LOUDER: "iets luider",
}


def loudness_level(measured_lufs: float, target_lufs: float) -> LoudnessLevel:
    """Even within MISS_WARNING_LU of the target (no listener hears that), else which way."""
    if abs(measured_lufs - target_lufs) <= MISS_WARNING_LU:
        return LoudnessLevel.EVEN
    return LoudnessLevel.SOFTER if measured_lufs < target_lufs else LoudnessLevel.LOUDER


def miss_warning(dest: str | Path, measured: Loudness, sound: SoundSettings) -> Said | None:
    """What to tell the user when an episode did not reach the loudness target."""
    level = measured.in_mode(sound.loudness_mode)
    if loudness_level(level, sound.loudness_lufs) is LoudnessLevel.EVEN:
        return None
    return Said(
        f"{dest} measures {level:.1f} LUFS, not {sound.loudness_lufs:.1f}: "
        "its quiet parts carry too much of it for the limiter; more speech, or a softer tone "
        "or melody (tone_level_db, melody_level_db), brings it closer",
        f"{Path(dest).name} klinkt iets {'zachter' if level < sound.loudness_lufs else 'luider'} "
        "dan je andere oefeningen: er is veel stilte en ademen en weinig stem. Iets meer "
        "tekst, of een zachtere toon of melodie, maakt het even luid als de rest.",
    )


def heard_master(mix, length: int, predicted_lufs: float, sound: SoundSettings) -> Master:
    """`mix` (a source) at the target as heard, under the limiter: what a preview and the
    plot play, the build's master without the encoder's correction."""
    gain = target_mono_lufs(sound) - predicted_lufs
    ceiling = sound.true_peak_dbtp - LIMITER_MARGIN_DB
    return Master(mix, length, sound.sample_rate, gain, ceiling)


def target_mono_lufs(sound: SoundSettings) -> float:
    """The integrated loudness of one channel that meets the target (-19 for -16 as heard)."""
    return sound.loudness_lufs - (DUAL_MONO_LU if sound.loudness_mode == "dual-mono" else 0.0)


def mastering_gain(predicted_lufs: float, sound: SoundSettings) -> float:
    """The gain (dB) that brings a mix predicted at `predicted_lufs` (one channel) to the
    target, as the MP3 will measure (the encoder's own level change included)."""
    return target_mono_lufs(sound) - predicted_lufs - ENCODER_GAIN_DB
