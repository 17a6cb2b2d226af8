"""What the warp compares: per 10 ms frame, MFCCs, the speech-band level and whether a pitch
is there; scaled so two voices in two rooms meet on one scale."""

from __future__ import annotations

from functools import cache

import numpy as np

from breathcast.voice.align.spans import covered

HOP_S = 0.010  # analysis frames: 25 ms windows every 10 ms
WINDOW_S = 0.025
N_MELS, N_MFCC = 26, 13
SPEECH_WEIGHT = 1.5  # the speech-or-pause column: speech against pause costs 3
MEL_LOW_HZ, MEL_HIGH_HZ = 60.0, 7600.0
PITCH_LOW_HZ, PITCH_HIGH_HZ = 60.0, 400.0
VOICED_CORRELATION = 0.5  # a frame whose autocorrelation peaks this high has a pitch


def analyse(pcm: np.ndarray, sample_rate: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per 10 ms frame of `pcm`: raw (not normalized) MFCCs, the speech-band level in dB, and
    whether the frame is voiced (a pitch between 60 and 400 Hz).

    Frame k starts at round(k * 10 ms) in samples, so frames keep time exactly at any rate
    (at 22,050 Hz a whole-sample hop would drift 0.2%: half a second over four minutes)."""
    window = round(WINDOW_S * sample_rate)
    n_fft = 1 << (window - 1).bit_length()
    frames = int((pcm.size - window) / (HOP_S * sample_rate)) + 1 if pcm.size >= window else 0
    mfcc = np.zeros((frames, N_MFCC), np.float32)
    level = np.zeros(frames, np.float32)
    voiced = np.zeros(frames, bool)
    if not frames:
        return mfcc, level, voiced
    mel, band, voice_band, dct = _filters(sample_rate, n_fft)
    taper = np.hamming(window).astype(np.float32)
    pcm = np.ascontiguousarray(pcm, dtype=np.float32)
    offsets = np.arange(window)
    shortest, longest = round(sample_rate / PITCH_HIGH_HZ), round(sample_rate / PITCH_LOW_HZ)
    longest = min(longest, window // 2)  # at least two periods in a window
    taper_power = np.abs(np.fft.rfft(taper, 2 * n_fft)) ** 2
    taper_correlation = np.fft.irfft(taper_power, 2 * n_fft)
    taper_correlation = taper_correlation / taper_correlation[0]
    step = 512  # frames at a time: memory stays small (20 MB) for a reading of any length
    for first in range(0, frames, step):
        count = min(step, frames - first)
        starts = np.round(np.arange(first, first + count) * HOP_S * sample_rate).astype(np.int64)
        index = np.minimum(starts[:, None] + offsets, pcm.size - 1)
        # Pre-emphasis: consonants count as much as vowels.
        emphasized = pcm[index] - 0.97 * pcm[np.maximum(index - 1, 0)] * (index > 0)
        power = np.abs(np.fft.rfft(emphasized * taper, n_fft)) ** 2
        mfcc[first : first + count] = np.log(power @ mel + 1e-10) @ dct
        # Twice the length, so the autocorrelation does not wrap around at low pitches.
        spectrum = np.abs(np.fft.rfft(pcm[index] * taper, 2 * n_fft)) ** 2
        level[first : first + count] = 10 * np.log10(spectrum @ band / window**2 + 1e-12)
        # Pitch from 200 Hz to 3 kHz only: mains hum below, hiss above, are periodic too.
        correlation = np.fft.irfft(spectrum * voice_band, 2 * n_fft)[:, : longest + 1]
        # Divided by the window's own autocorrelation (Boersma), so a low voice, with few
        # periods in a window, shows its pitch as clearly as a high one.
        normal = correlation[:, shortest:] / taper_correlation[shortest : longest + 1]
        peak = normal.max(axis=1) / np.maximum(correlation[:, 0], 1e-20)
        voiced[first : first + count] = peak > VOICED_CORRELATION
    return mfcc, level, voiced


@cache
def _filters(sample_rate: int, n_fft: int) -> tuple[np.ndarray, ...]:
    """The mel filterbank (for `n_fft`); the speech band (150 Hz to 4 kHz, for 2 * `n_fft`:
    hum and hiss left out) and the band where a pitch is looked for; and the DCT-II that
    turns log mel energies into cepstra."""
    freqs = np.fft.rfftfreq(n_fft, 1.0 / sample_rate)
    high = min(MEL_HIGH_HZ, sample_rate / 2)

    def to_mel(hz):
        return 2595.0 * np.log10(1.0 + np.asarray(hz) / 700.0)

    edges = 700.0 * (10 ** (np.linspace(to_mel(MEL_LOW_HZ), to_mel(high), N_MELS + 2) / 2595) - 1)
    mel = np.zeros((freqs.size, N_MELS), np.float32)
    for m in range(N_MELS):
        left, centre, right = edges[m : m + 3]
        rising = (freqs - left) / (centre - left)
        falling = (right - freqs) / (right - centre)
        mel[:, m] = np.clip(np.minimum(rising, falling), 0.0, None)
    wide = np.fft.rfftfreq(2 * n_fft, 1.0 / sample_rate)
    band = ((wide >= 150.0) & (wide <= 4000.0)).astype(np.float32)
    voice_band = ((wide >= 200.0) & (wide <= 3000.0)).astype(np.float32)
    k = np.arange(N_MELS)[:, None]
    dct = np.cos(np.pi / N_MELS * (k + 0.5) * np.arange(N_MFCC)[None, :]).astype(np.float32)
    return mel, band, voice_band, dct


def normalized(mfcc: np.ndarray, quiet: np.ndarray) -> np.ndarray:
    """Features for the warp: MFCCs scaled by the mean and spread of the speech alone (two
    voices, two rooms, one scale, however much of each is pause), and one more column that
    says speech or pause, so the path keeps pauses on pauses."""
    speaking = ~covered(quiet, len(mfcc))
    basis = mfcc[speaking] if speaking.sum() > 10 else mfcc
    if not len(basis):
        return np.zeros((len(mfcc), N_MFCC + 1), np.float32)
    spread = basis.std(axis=0)
    scaled = (mfcc - basis.mean(axis=0)) / np.where(spread > 1e-6, spread, 1.0)
    # A pause is a pause: hiss, hum, a breath or espeak's digital silence all look alike, so
    # that the path puts pauses of any length on pauses, whatever the rooms sound like.
    scaled[~speaking] = 0.0
    activity = np.where(speaking, SPEECH_WEIGHT, -SPEECH_WEIGHT)[:, None]
    return np.hstack([scaled, activity]).astype(np.float32)


def pooled(features: np.ndarray, factor: int) -> np.ndarray:
    """Mean of every `factor` frames (the last, partial group included)."""
    if factor == 1 or not len(features):
        return features
    groups = -(-len(features) // factor)
    padded = np.concatenate(
        [features, np.repeat(features[-1:], groups * factor - len(features), axis=0)]
    )
    return padded.reshape(groups, factor, -1).mean(axis=1)
