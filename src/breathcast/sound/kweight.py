"""BS.1770 K-weighting: what a loudness meter hears of a sound, in 10 ms steps.

Used to predict an episode's loudness before a sample is rendered: each voice clip's
K-weighted energy is measured once (by FFT), and the tone and bed, whose frequencies and
levels are known in closed form, are weighted analytically.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

STEP_S = 0.01  # resolution of every energy profile
K_TAIL_S = 0.1  # the K-filter's ring after a clip ends (its 38 Hz high-pass settles in ~20 ms)


def step_samples(sample_rate: int) -> int:
    return round(STEP_S * sample_rate)


def biquads(sample_rate: int) -> tuple[tuple[list[float], list[float]], ...]:
    """The K-weighting (shelf, then high-pass) as two biquads, from the analog prototype by
    the bilinear transform, as libebur128 does; at 48 kHz they equal the standard's table."""
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
    return (shelf_b, shelf_a), (high_b, high_a)


def k_response(freqs: np.ndarray, sample_rate: int) -> np.ndarray:
    """The K-weighting's complex response at `freqs` (Hz)."""
    z = np.exp(-2j * np.pi * np.asarray(freqs, dtype=np.float64) / sample_rate)  # z^-1
    response = np.ones(z.shape, np.complex128)
    for b, a in biquads(sample_rate):
        response *= (b[0] + b[1] * z + b[2] * z * z) / (a[0] + a[1] * z + a[2] * z * z)
    return response


def k_power(freqs: np.ndarray, sample_rate: int) -> np.ndarray:
    """|K(f)|²: how much of a sine's power at f a BS.1770 meter counts."""
    return np.abs(k_response(freqs, sample_rate)) ** 2


@lru_cache(maxsize=32)
def _rfft_response(sample_rate: int, n: int) -> np.ndarray:
    return k_response(np.fft.rfftfreq(n, 1 / sample_rate), sample_rate).astype(np.complex64)


def _fft_size(n: int) -> int:
    """A length >= n that the FFT handles fast, from a short list (so responses are reused)."""
    octave = 1 << max(3, (n - 1).bit_length() - 1)
    return next(octave * m // 8 for m in (8, 9, 10, 12, 15, 16) if octave * m // 8 >= n)


def energy_profile(pcm: np.ndarray, sample_rate: int) -> np.ndarray:
    """A clip's K-weighted energy (sum of squares) in 10 ms steps, its filter ring included."""
    step = step_samples(sample_rate)
    size = pcm.size + round(K_TAIL_S * sample_rate)
    n = _fft_size(size)
    spectrum = np.fft.rfft(pcm.astype(np.float32), n) * _rfft_response(sample_rate, n)
    weighted = np.fft.irfft(spectrum, n)[:size].astype(np.float64)
    steps = -(-size // step)
    padded = np.zeros(steps * step)
    padded[:size] = weighted * weighted
    return padded.reshape(steps, step).sum(axis=1)


def mean_k_power(signal: np.ndarray, sample_rate: int) -> float:
    """The K-weighted power of a (long, steady) signal relative to its plain power."""
    spectrum = np.abs(np.fft.rfft(signal.astype(np.float64))) ** 2
    weights = k_power(np.fft.rfftfreq(signal.size, 1 / sample_rate), sample_rate)
    return float(np.sum(spectrum * weights) / max(np.sum(spectrum), 1e-30))
