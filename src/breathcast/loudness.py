"""Podcast loudness per ITU-R BS.1770-4: predicted to choose the gain, measured by ffmpeg.

Every voice clip was already levelled and its peaks held (see `voice.level_clip`), so mastering
is one linear gain to the target plus a look-ahead limiter that only stands guard at the
true-peak ceiling. The gain is *predicted* before anything is rendered: each clip's K-weighted
energy (10 ms steps) is placed at its offsets and gated as BS.1770 gates, so the episode is
rendered and encoded once, in one streaming pass. The tone and bed sit under the relative gate
and barely count. The encoded MP3 itself is *measured* by ffmpeg's `ebur128` as it is written,
so the report states what listeners get, and a miss is corrected by encoding again.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from breathcast import ffmpeg, mp3
from breathcast.config import SoundSettings
from breathcast.errors import AudioError
from breathcast.files import atomic_path
from breathcast.kweight import step_samples
from breathcast.master import Master
from breathcast.render import Source
from breathcast.words import Said

# The limiter holds sample peaks this far under the true-peak ceiling: room for inter-sample
# peaks and the MP3 encoder's overshoot.
LIMITER_MARGIN_DB = 1.0
LOUDNESS_TOLERANCE_LU = 0.2
ENCODE_ATTEMPTS = 3
MISS_WARNING_LU = 0.5
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
    energy = np.zeros(-(-length // step) + BLOCK_STEPS)
    for start, profile in placed:
        at = round(start / step)
        part = profile[: max(0, energy.size - at)]
        energy[at : at + part.size] += part
    running = np.concatenate([[0.0], np.cumsum(energy)])
    ends = np.arange(BLOCK_STEPS, energy.size - BLOCK_STEPS + 1, HOP_STEPS)
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


def measure_file(path: str | Path, dual_mono: bool = False) -> Loudness:
    return _measure(["-i", str(path)], None, f"measure the loudness of {path}", dual_mono)


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


def miss_warning(dest: str | Path, measured: Loudness, sound: SoundSettings) -> Said | None:
    """What to tell the user when an episode did not reach the loudness target."""
    level = measured.in_mode(sound.loudness_mode)
    if abs(sound.loudness_lufs - level) <= MISS_WARNING_LU:
        return None
    return Said(
        f"{dest} measures {level:.1f} LUFS, not {sound.loudness_lufs:.1f}: "
        "its quiet parts carry too much of it for the limiter; more speech, or a softer tone "
        "or melody (tone_level_db, melody_level_db), brings it closer",
        f"{Path(dest).name} klinkt als {level:.1f} LUFS in plaats van "
        f"{sound.loudness_lufs:.1f}: er is veel stilte en ademen en weinig stem; iets meer "
        "tekst, of een zachtere toon of melodie, helpt",
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


def encode_normalized(
    mix: Source,
    length: int,
    predicted_lufs: float,
    dest: str | Path,
    sound: SoundSettings,
    tag: Callable[[dict[str, Path]], None] | None = None,
    measured: int | None = None,
) -> Loudness:
    """Master the mix (`length` samples of the source `mix`) and encode it to an MP3 at the
    target loudness (of its first `measured` samples: all of them by default) and under the
    true-peak ceiling, in one pass when the prediction holds;
    with `[sound] opus`, an Ogg Opus file beside it from the same samples, in the same pass.

    The MP3 is measured by ffmpeg's ebur128 while it is written. If it missed (the prediction
    was off, the limiter or the encoder moved it), the gain and the limit are corrected and it
    is rendered and encoded again. `tag` gets the finished temp files by suffix (".mp3",
    ".opus"); only then do they reach `dest` (and its .opus), tags and all.
    """
    if not np.isfinite(predicted_lufs):
        raise AudioError(f"{dest}: the episode is silent; there is nothing to normalize")
    target, ceiling = sound.loudness_lufs, sound.true_peak_dbtp
    gain = mastering_gain(predicted_lufs, sound)
    dest = Path(dest)
    with ExitStack() as outputs:
        files = {".mp3": outputs.enter_context(atomic_path(dest))}
        if sound.opus:
            files[".opus"] = outputs.enter_context(atomic_path(dest.with_suffix(".opus")))
        for _ in range(ENCODE_ATTEMPTS):
            master = Master(mix, length, sound.sample_rate, gain, ceiling - LIMITER_MARGIN_DB)
            final = _encode_metered(master.chunks(), files, sound, str(dest), measured)
            off_target = target - final.in_mode(sound.loudness_mode)
            over_peak = final.true_peak_dbtp - sound.true_peak_dbtp
            if abs(off_target) <= LOUDNESS_TOLERANCE_LU and over_peak <= 0:
                break
            gain += off_target
            ceiling -= max(over_peak, 0.0) + (0.1 if over_peak > 0 else 0.0)
        if tag is not None:
            tag(files)  # before the renames: the files appear complete, tags and all
    return final


def _encode_metered(
    chunks: Iterable[np.ndarray],
    files: dict[str, Path],
    sound: SoundSettings,
    name: str,
    measured: int | None = None,
) -> Loudness:
    """Encode the MP3 (and the Opus file), and measure the MP3 frames (the first `measured`
    samples of them) in a second process as they are made."""
    # The frames reach the meter without the Info frame (it is written last), so its decoder
    # keeps the encoder delay; trimmed, the meter's 400 ms blocks line up with the file's.
    delay = mp3.ENCODER_DELAY + mp3.DECODER_DELAY
    chain = f"atrim=start_sample={delay},asetpts=PTS-STARTPTS"
    if measured:  # what follows is silenced, not cut: the meter must read every frame
        chain += f",volume=0:enable='gte(t,{measured / sound.sample_rate:.6f})'"
    measure = ["-af", f"{chain},{meter(True)}", "-f", "null", "-"]
    with ExitStack() as running:
        meter_ = running.enter_context(
            ffmpeg.Listener(
                ["-f", "mp3", "-i", "pipe:0", *measure], f"check the encoding of {name}"
            )
        )
        listeners = [meter_]
        if ".opus" in files:
            listeners.append(running.enter_context(ffmpeg.Listener(
                [*opus_args(sound), "-y", str(files[".opus"])], f"encode {name} as Opus"
            )))  # fmt: skip
        file = running.enter_context(open(files[".mp3"], "wb"))
        try:
            mp3.encode_mp3(
                chunks,
                file,
                sound.sample_rate,
                sound.bitrate,
                [meter_.stdin],
                [listener.stdin for listener in listeners[1:]],
            )
        except OSError as exc:  # a listener stopped reading: its own log says why
            for listener in listeners:
                listener.finish()
            raise AudioError(f"could not encode {name}: {exc.strerror or exc}") from exc
        for listener in listeners[1:]:
            listener.finish()
        return _parse(meter_.finish(), dual_mono=True)


def opus_args(sound: SoundSettings) -> list[str]:
    """ffmpeg reading the 16-bit PCM that LAME gets, writing Ogg Opus: mono, 48 kHz.

    The level change LAME makes is made here too, so both files sound (and measure) the same.
    Complexity 6 and 60 ms frames (no one needs low latency in a podcast, and bigger frames
    waste fewer bits) encode more than twice as fast as libopus' defaults.
    """
    rate = ["-f", "s16le", "-ar", str(sound.sample_rate), "-ac", "1", "-i", "pipe:0"]
    resample = f"volume={ENCODER_GAIN_DB}dB,aresample=48000:resampler=soxr"
    encode = ["-c:a", "libopus", "-b:a", sound.opus_bitrate, "-compression_level", "6"]
    encode += ["-frame_duration", "60"]
    return [*rate, "-af", resample, *encode, "-f", "ogg"]
