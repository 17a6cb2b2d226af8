"""The episode measured in this process, on the master as it streams to the encoders: what
ffmpeg's `ebur128` would read from the finished files, without decoding them again.

    meter = StreamMeter(sound, measured=timeline.program_end)
    mp3.encode_mp3(chunks, file, ..., pcm_listeners=[opus.stdin, meter])  # meter.write(pcm16)
    level = meter.result()          # a Loudness, as the MP3 will measure

It reads the very 16-bit samples LAME encodes, in a thread of its own beside the encoders
(numpy's FFTs release the GIL).

- **Loudness** per ITU-R BS.1770-4: the K-weighting (kweight.py's two biquads, as their
  impulse response), after LAME's own low-pass, applied by FFT in overlapping 16384-sample
  frames (float32: 0.4 s for 15 minutes, and no scipy to import, which alone took 0.9 s);
  the energy of every 10 ms; then the 400 ms blocks with the absolute and relative gates
  (the same gating as the prediction), as heard (dual mono).
- **Loudness range** per EBU Tech 3342, from the 3 s short-term loudness every 100 ms.
- **True peak** by 4x oversampling (a polyphase windowed sinc), but only in the 64-sample
  blocks whose sample peak comes within TP_BAND_DB of the ceiling, or of the loudest sample
  so far: elsewhere the wave would have to rise over 2 dB between samples, which takes a
  strong sound above about 10 kHz (none in voice, tone, water or bells).

The encoder's own level change (LAME returns mono 0.45 dB softer; the Opus file is made
from the same samples with the same change) is added, so the figures are the files'.
`breathcast build --verify` still runs ffmpeg's meter on the files, and the tests hold the
two together.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from breathcast.core import SoundSettings
from breathcast.sound import mp3
from breathcast.sound.kweight import biquads, step_samples
from breathcast.sound.loudness import (
    DUAL_MONO_LU,
    ENCODER_GAIN_DB,
    Loudness,
    gated_lufs,
    loudness_range,
)

TP_BAND_DB = 2.0  # blocks within this of the ceiling (or of the loudest so far) are oversampled
# Short blocks (1.5 ms): a limited episode has peaks near the ceiling in most syllables, but
# only a few samples each; oversampling just those is a tenth of the work of 23 ms blocks.
TP_BLOCK = 64  # samples per block, for the sample peak that decides
OVERSAMPLE, HALF_TAPS = 4, 10  # 4x, each phase 2 x 10 taps of a Kaiser-windowed sinc
TP_CONTEXT = HALF_TAPS  # samples either side of a block that the interpolator reads
WEIGHTING_TAPS = 2048  # the weighting's impulse response, 46 ms (its 38 Hz high-pass rings)
FRAME = 16384  # FFT size of the overlap-save filtering
LOWPASS_TAPS = 127  # LAME's low-pass as a windowed sinc (its delay, 1.4 ms, left in)
SHORT_TERM_STEPS, SHORT_TERM_HOP = 300, 10  # 3 s windows every 100 ms, in 10 ms steps


@lru_cache(maxsize=1)
def interpolator() -> np.ndarray:
    """The 4x oversampling filter, one row per phase: a windowed sinc (Kaiser, beta 5)."""
    n = np.arange(-HALF_TAPS * OVERSAMPLE, HALF_TAPS * OVERSAMPLE)
    taps = np.sinc(n / OVERSAMPLE) * np.kaiser(n.size, 5.0)
    # Phase p of output sample k·4+p: the taps at n ≡ -p (mod 4), newest input first.
    return np.stack([taps[(OVERSAMPLE - p) % OVERSAMPLE :: OVERSAMPLE] for p in range(OVERSAMPLE)])


@lru_cache(maxsize=8)
def weighting(sample_rate: int, bitrate: str) -> np.ndarray:
    """What a meter hears of the MP3, as the spectrum of its impulse response on the FFT
    grid: the K-weighting after LAME's low-pass (for speech it changes nothing, for white
    noise 0.4 LU)."""
    impulse = np.zeros(WEIGHTING_TAPS)
    impulse[0] = 1.0
    for b, a in biquads(sample_rate):  # the two biquads, run on an impulse (once)
        impulse = _biquad(b, a, impulse)
    # LAME passes what is under its low-pass frequency and stops about 1 kHz above it.
    cutoff = min(mp3.lowpass_hz(bitrate) + 500.0, 0.47 * sample_rate) / sample_rate
    n = np.arange(LOWPASS_TAPS) - LOWPASS_TAPS // 2
    lowpass = 2 * cutoff * np.sinc(2 * cutoff * n) * np.kaiser(LOWPASS_TAPS, 8.0)
    response = np.convolve(impulse, lowpass / lowpass.sum())[:WEIGHTING_TAPS]
    return np.fft.rfft(response.astype(np.float32), FRAME)


def _biquad(b: list[float], a: list[float], x: np.ndarray) -> np.ndarray:
    y = np.zeros_like(x)
    x1 = x2 = y1 = y2 = 0.0
    for i, xi in enumerate(x):
        y[i] = b[0] * xi + b[1] * x1 + b[2] * x2 - a[1] * y1 - a[2] * y2
        x2, x1, y2, y1 = x1, xi, y1, y[i]
    return y


class StreamMeter:
    """Fed the master chunk by chunk; `result()` says how loud the files it makes are.
    Only the first `measured` samples count for the loudness (a bedtime fade does not)."""

    def __init__(self, sound: SoundSettings, measured: int | None = None):
        self.sample_rate, self.bitrate = sound.sample_rate, sound.bitrate
        self.step = step_samples(sound.sample_rate)
        self.measured = measured
        self.seen = 0
        self.history = np.zeros(WEIGHTING_TAPS - 1, np.float32)  # for overlap-save
        self.steps: list[np.ndarray] = []  # K-weighted energy (sum of squares) per 10 ms
        self.partial = np.empty(0, np.float32)  # weighted samples of a step not yet complete
        # The ceiling as the master's samples reach it (the encoder takes ENCODER_GAIN_DB off).
        self.near = 10 ** ((sound.true_peak_dbtp - ENCODER_GAIN_DB - TP_BAND_DB) / 20)
        self.sample_peak = 0.0
        self.true_peak = 0.0
        self.pending = np.zeros(TP_CONTEXT, np.float32)  # context for the next block
        self.blocks = self.oversampled = 0  # how many blocks, and how many needed 4x

    def write(self, pcm16: bytes) -> None:
        """16-bit little-endian PCM, as the encoders get it (a pcm listener of `encode_mp3`)."""
        self.feed(np.frombuffer(pcm16, "<i2").astype(np.float32) / np.float32(32768.0))

    def feed(self, chunk: np.ndarray) -> None:
        x = np.asarray(chunk, dtype=np.float32)
        if not x.size:
            return
        self._peaks(x)
        if self.measured is not None and self.seen + x.size > self.measured:
            x = x.copy()
            x[max(0, self.measured - self.seen) :] = 0.0  # silence gates out: not measured
        self.seen += x.size
        weighted = self._weighted(x)
        joined = np.concatenate([self.partial, weighted]) if self.partial.size else weighted
        whole = joined.size // self.step * self.step
        if whole:  # float32 sums of 441 squares: 1e-6 off at worst, 20x faster than float64
            frames = joined[:whole].reshape(-1, self.step)
            self.steps.append(np.einsum("ij,ij->i", frames, frames).astype(np.float64))
        self.partial = joined[whole:]

    def _weighted(self, x: np.ndarray) -> np.ndarray:
        """`x` through the weighting: overlap-save, all frames of the chunk in one FFT."""
        spectrum = weighting(self.sample_rate, self.bitrate)
        hop = FRAME - (WEIGHTING_TAPS - 1)
        count = -(-x.size // hop)
        signal = np.zeros(count * hop + WEIGHTING_TAPS - 1, np.float32)
        signal[: WEIGHTING_TAPS - 1] = self.history
        signal[WEIGHTING_TAPS - 1 : WEIGHTING_TAPS - 1 + x.size] = x
        self.history = signal[x.size : x.size + WEIGHTING_TAPS - 1].copy()
        frames = np.lib.stride_tricks.sliding_window_view(signal, FRAME)[::hop]
        out = np.fft.irfft(np.fft.rfft(frames, axis=1) * spectrum, FRAME, axis=1)
        return out[:, WEIGHTING_TAPS - 1 :].reshape(-1)[: x.size]

    def _peaks(self, x: np.ndarray) -> None:
        """Sample peaks per block; 4x oversampled where a block comes near the top."""
        signal = np.concatenate([self.pending, x])
        usable = (signal.size - 2 * TP_CONTEXT) // TP_BLOCK * TP_BLOCK  # blocks with context
        if usable > 0:
            blocks = np.abs(signal[TP_CONTEXT : TP_CONTEXT + usable]).reshape(-1, TP_BLOCK)
            peaks = blocks.max(axis=1)
            self.sample_peak = max(self.sample_peak, float(peaks.max()))
            band = min(self.near, self.sample_peak * 10 ** (-TP_BAND_DB / 20))
            near = np.flatnonzero(peaks >= band)
            self.blocks += peaks.size
            self.oversampled += near.size
            if near.size:
                self.true_peak = max(self.true_peak, _oversampled_peak(signal, near))
        self.pending = signal[usable:]

    def finish(self) -> None:
        """The last samples: what follows the episode is silence."""
        waiting = self.pending.size - TP_CONTEXT  # samples after the context, not yet in a block
        if waiting > 0:  # silence after them completes their blocks and their context
            self._peaks(np.zeros((-waiting) % TP_BLOCK + TP_CONTEXT, np.float32))
        self.pending = np.zeros(TP_CONTEXT, np.float32)
        if self.partial.size:
            rest = self.partial.astype(np.float64)
            self.steps.append(np.array([float(np.dot(rest, rest))]))
            self.partial = np.empty(0, np.float32)

    def result(self) -> Loudness:
        """The files' loudness as heard (dual mono), true peak and loudness range."""
        self.finish()
        energy = np.concatenate(self.steps) if self.steps else np.zeros(1)
        mono = gated_lufs(energy, self.step)
        peak = max(self.true_peak, self.sample_peak)
        peak_db = 20 * np.log10(peak) + ENCODER_GAIN_DB if peak > 0 else float("-inf")
        return Loudness(
            integrated_lufs=mono + ENCODER_GAIN_DB + DUAL_MONO_LU,
            true_peak_dbtp=peak_db,
            range_lu=loudness_range(self._short_term(energy)),
            dual_mono=True,
        )

    def _short_term(self, energy: np.ndarray) -> np.ndarray:
        """Short-term loudness (3 s) every 100 ms, one channel (LRA is a difference)."""
        running = np.concatenate([[0.0], np.cumsum(energy)])
        ends = np.arange(SHORT_TERM_STEPS, energy.size + 1, SHORT_TERM_HOP)
        mean = (running[ends] - running[ends - SHORT_TERM_STEPS]) / (SHORT_TERM_STEPS * self.step)
        with np.errstate(divide="ignore"):
            return -0.691 + 10 * np.log10(np.maximum(mean, 0.0))


def _oversampled_peak(signal: np.ndarray, blocks: np.ndarray) -> float:
    """The largest value, 4x oversampled, within the given blocks of `signal` (each with
    TP_CONTEXT samples of context before and after it in `signal`)."""
    phases = interpolator()  # (4, 2·HALF_TAPS)
    width = TP_BLOCK + 2 * TP_CONTEXT
    rows = signal[blocks[:, None] * TP_BLOCK + np.arange(width)]
    # Each output position k (inside the block) reads inputs k-HALF_TAPS+1 … k+HALF_TAPS.
    windows = np.lib.stride_tricks.sliding_window_view(rows, 2 * HALF_TAPS, axis=1)
    windows = windows[:, TP_CONTEXT - HALF_TAPS + 1 : TP_CONTEXT - HALF_TAPS + 1 + TP_BLOCK]
    values = windows @ phases[:, ::-1].T.astype(np.float32)  # (blocks, positions, phases)
    return float(np.max(np.abs(values)))
