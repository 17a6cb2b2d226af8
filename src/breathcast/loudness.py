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
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from breathcast import ffmpeg, mp3
from breathcast.config import SoundSettings
from breathcast.errors import AudioError
from breathcast.files import atomic_path
from breathcast.master import Master
from breathcast.render import Source

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
METER = "ebur128=peak=true:framelog=verbose"  # the summary only: no line per 100 ms


STEP_S = 0.01  # resolution of a clip's energy profile
BLOCK_STEPS, HOP_STEPS = 40, 10  # BS.1770 gating blocks: 400 ms, every 100 ms
ABSOLUTE_GATE_LUFS, RELATIVE_GATE_LU = -70.0, -10.0
K_TAIL_S = 0.1  # the K-filter's ring after a clip ends (its 38 Hz high-pass settles in ~20 ms)


@lru_cache(maxsize=32)
def _k_response(sample_rate: int, n: int) -> np.ndarray:
    """The BS.1770 K-weighting (shelf, then high-pass) on an rfft grid of size n, at any rate.

    Coefficients from the analog prototype by the bilinear transform, as libebur128 does; at
    48 kHz they equal the standard's table.
    """
    f0, gain_db, q = 1681.974450955533, 3.999843853973347, 0.7071752369554196
    k = np.tan(np.pi * f0 / sample_rate)
    vh = 10 ** (gain_db / 20)
    vb = vh**0.4996667741545416
    a0 = 1 + k / q + k * k
    shelf_b = [
        (vh + vb * k / q + k * k) / a0,
        2 * (k * k - vh) / a0,
        (vh - vb * k / q + k * k) / a0,
    ]
    shelf_a = [1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0]
    f0, q = 38.13547087602444, 0.5003270373238773
    k = np.tan(np.pi * f0 / sample_rate)
    a0 = 1 + k / q + k * k
    high_b, high_a = [1.0, -2.0, 1.0], [1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0]
    z = np.exp(-1j * np.pi * np.arange(n // 2 + 1) / (n // 2))  # z^-1 on the unit circle

    def biquad(b, a):
        return (b[0] + b[1] * z + b[2] * z * z) / (a[0] + a[1] * z + a[2] * z * z)

    return (biquad(shelf_b, shelf_a) * biquad(high_b, high_a)).astype(np.complex64)


def _fft_size(n: int) -> int:
    """A length >= n that the FFT handles fast, from a short list (so responses are reused)."""
    octave = 1 << max(3, (n - 1).bit_length() - 1)
    return next(octave * m // 8 for m in (8, 9, 10, 12, 15, 16) if octave * m // 8 >= n)


def energy_profile(pcm: np.ndarray, sample_rate: int) -> np.ndarray:
    """A clip's K-weighted energy (sum of squares) in 10 ms steps, its filter ring included."""
    step = round(STEP_S * sample_rate)
    size = pcm.size + round(K_TAIL_S * sample_rate)
    n = _fft_size(size)
    spectrum = np.fft.rfft(pcm.astype(np.float32), n) * _k_response(sample_rate, n)
    weighted = np.fft.irfft(spectrum, n)[:size].astype(np.float64)
    steps = -(-size // step)
    padded = np.zeros(steps * step)
    padded[:size] = weighted * weighted
    return padded.reshape(steps, step).sum(axis=1)


def predict_lufs(placed: Iterable[tuple[int, np.ndarray]], length: int, sample_rate: int) -> float:
    """Integrated loudness of energy profiles placed at sample offsets, gated per BS.1770."""
    step = round(STEP_S * sample_rate)
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
        args = [*args[:i], "-af", f"{args[i + 1]},{METER}", *args[i + 2 :]]
    else:
        args = [*args, "-af", METER]
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


def loudness_curve(chunks: Iterable[np.ndarray], sound: SoundSettings) -> np.ndarray:
    """Short-term loudness (LUFS, 3 s window) every 0.1 s of mastered audio."""
    args = ["-loglevel", "info", *ffmpeg.pcm_format(sound.sample_rate), "-i", "pipe:0"]
    chain = "ebur128=framelog=info"
    log = ffmpeg.pipe_through(chunks, ([*args, "-af", chain, "-f", "null", "-"], "trace loudness"))
    # One value per frame, so the curve keeps time: ffmpeg writes `nan` for digital silence.
    values = np.array([float(v) for v in re.findall(r"\bS:\s*(\S+)", log)])
    return np.where(np.isnan(values), -np.inf, values)


def miss_warning(dest: str | Path, measured: Loudness, sound: SoundSettings) -> str | None:
    """What to tell the user when an episode did not reach the loudness target."""
    if abs(sound.loudness_lufs - measured.integrated_lufs) <= MISS_WARNING_LU:
        return None
    return (
        f"{dest} measures {measured.integrated_lufs:.1f} LUFS, not {sound.loudness_lufs:.1f}: "
        "its quiet parts carry too much of it for the limiter; more speech, or a louder tone "
        "(tone_level_db), brings it closer"
    )


def mastering_gain(predicted_lufs: float, sound: SoundSettings) -> float:
    """The gain (dB) that brings a mix predicted at `predicted_lufs` to the target, as heard
    from the MP3 (the encoder's own level change included)."""
    return sound.loudness_lufs - predicted_lufs - ENCODER_GAIN_DB


def encode_normalized(
    mix: Source,
    length: int,
    predicted_lufs: float,
    dest: str | Path,
    sound: SoundSettings,
    tag: Callable[[Path], None] | None = None,
) -> Loudness:
    """Master the mix (`length` samples of the source `mix`) and encode it to an MP3 at the
    target loudness and under the true-peak ceiling, in one pass when the prediction holds.

    The MP3 is measured by ffmpeg's ebur128 while it is written. If it missed (the prediction
    was off, the limiter or the encoder moved it), the gain and the limit are corrected and it
    is rendered and encoded again. Only the final file reaches `dest`, tags and all.
    """
    if not np.isfinite(predicted_lufs):
        raise AudioError(f"{dest}: the episode is silent; there is nothing to normalize")
    target, ceiling = sound.loudness_lufs, sound.true_peak_dbtp
    gain = mastering_gain(predicted_lufs, sound)
    with atomic_path(dest) as tmp:
        for _ in range(ENCODE_ATTEMPTS):
            master = Master(mix, length, sound.sample_rate, gain, ceiling - LIMITER_MARGIN_DB)
            final = _encode_metered(master.chunks(), tmp, sound, str(dest))
            off_target = target - final.integrated_lufs
            over_peak = final.true_peak_dbtp - sound.true_peak_dbtp
            if abs(off_target) <= LOUDNESS_TOLERANCE_LU and over_peak <= 0:
                break
            gain += off_target
            ceiling -= max(over_peak, 0.0) + (0.1 if over_peak > 0 else 0.0)
        if tag is not None:
            tag(tmp)  # before the rename: the file appears complete, tags and all
    return final


def _encode_metered(chunks: Iterable[np.ndarray], path: Path, sound: SoundSettings, name: str):
    """Encode to `path`, and measure the MP3 frames in a second process as they are made."""
    # The frames reach the meter without the Info frame (it is written last), so its decoder
    # keeps the encoder delay; trimmed, the meter's 400 ms blocks line up with the file's.
    delay = mp3.ENCODER_DELAY + mp3.DECODER_DELAY
    meter = ffmpeg.Listener(
        ["-f", "mp3", "-i", "pipe:0", "-af", f"atrim=start_sample={delay},{METER}"],
        f"check the encoding of {name}",
    )
    with meter, open(path, "wb") as file:
        try:
            mp3.encode_mp3(chunks, file, sound.sample_rate, sound.bitrate, [meter.stdin])
        except OSError as exc:  # the meter stopped reading: its own log says why
            meter.finish()
            raise AudioError(f"could not encode {name}: {exc.strerror or exc}") from exc
        return _parse(meter.finish())
