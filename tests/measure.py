"""Measurements on rendered audio, used by the tests (numbers with units, never eyeballing)."""

from __future__ import annotations

import numpy as np


def dominant_frequency(x: np.ndarray, sr: int, lo_hz: float = 50.0, hi_hz: float = 2000.0) -> float:
    """The strongest frequency in `x`, in Hz, to well under 1 Hz (Hann, 8x zero-pad, parabola)."""
    n = x.size * 8
    spectrum = np.abs(np.fft.rfft(x * np.hanning(x.size), n))
    freqs = np.fft.rfftfreq(n, 1 / sr)
    band = (freqs >= lo_hz) & (freqs <= hi_hz)
    i = int(np.flatnonzero(band)[np.argmax(spectrum[band])])
    a, b, c = np.log(spectrum[i - 1 : i + 2] + 1e-30)
    offset = 0.5 * (a - c) / (a - 2 * b + c)
    return float((i + offset) * sr / n)


def active_span(x: np.ndarray, threshold: float) -> tuple[int, int]:
    """First and one-past-last sample whose magnitude exceeds `threshold`."""
    idx = np.flatnonzero(np.abs(x) > threshold)
    return int(idx[0]), int(idx[-1]) + 1


def max_jump(x: np.ndarray, at: int, radius: int) -> float:
    """Largest sample-to-sample step within `radius` samples of `at`."""
    lo, hi = max(0, at - radius), min(x.size, at + radius)
    return float(np.max(np.abs(np.diff(x[lo:hi])))) if hi - lo > 1 else 0.0


def rms_db(x: np.ndarray) -> float:
    return float(20 * np.log10(np.sqrt(np.mean(np.square(x, dtype=np.float64))) + 1e-12))


def high_band_db(x: np.ndarray, at: int, radius: int, sr: int, cutoff_hz: float = 4000.0) -> float:
    """Share of the energy above `cutoff_hz` in a Hann window around `at`, in dB.

    A soft tone has nothing up there; a click (a step in level or phase) splatters into it.
    """
    segment = x[max(0, at - radius) : at + radius].astype(np.float64)
    power = np.abs(np.fft.rfft(segment * np.hanning(segment.size))) ** 2
    freqs = np.fft.rfftfreq(segment.size, 1 / sr)
    return float(10 * np.log10(power[freqs >= cutoff_hz].sum() / (power.sum() + 1e-30) + 1e-30))


def band(x: np.ndarray, sr: int, center_hz: float, width_hz: float = 40.0) -> np.ndarray:
    """`x` through a Gaussian band-pass around `center_hz` (zero phase, so no time shift)."""
    spectrum = np.fft.rfft(x.astype(np.float64))
    freqs = np.fft.rfftfreq(x.size, 1 / sr)
    return np.fft.irfft(spectrum * np.exp(-(((freqs - center_hz) / width_hz) ** 2)), x.size)


def onsets(
    x: np.ndarray, sr: int, center_hz: float, level: float, refractory_s: float = 0.5
) -> np.ndarray:
    """Times (s) where a burst at `center_hz` with peak `level` starts (crosses half of it)."""
    envelope = np.abs(band(x, sr, center_hz))
    hop = int(0.001 * sr)  # 1 ms envelope: the max over each hop
    frames = envelope[: envelope.size // hop * hop].reshape(-1, hop).max(axis=1)
    above = frames > 0.5 * level
    rising = np.flatnonzero(above[1:] & ~above[:-1]) + 1
    kept: list[int] = []
    for frame in rising:
        if not kept or frame - kept[-1] > refractory_s * 1000:
            kept.append(int(frame))
    return np.array(kept) * hop / sr


def best_match(needle: np.ndarray, haystack: np.ndarray) -> float:
    """The highest normalized cross-correlation of `needle` anywhere in `haystack` (1: it is
    there, at some gain)."""
    n = 1 << (haystack.size + needle.size).bit_length()
    corr = np.fft.irfft(np.fft.rfft(haystack, n) * np.conj(np.fft.rfft(needle, n)), n)
    corr = corr[: haystack.size - needle.size + 1]
    energy = np.concatenate([[0.0], np.cumsum(haystack**2)])
    windows = energy[needle.size :] - energy[: -needle.size]
    return float(np.max(corr / (np.linalg.norm(needle) * np.sqrt(np.maximum(windows, 1e-12)))))
