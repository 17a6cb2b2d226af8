"""Mastering as a source: one linear gain, and a look-ahead peak limiter that stands guard.

Every voice clip was already levelled with its peaks held (`voice.level_clip`), so the gain
that brings an episode to its loudness target pushes only a few peaks over the ceiling. The
limiter lowers the gain smoothly around exactly those: its gain curve is the running minimum
of what each sample needs, averaged over the same window, so it never lets a sample over the
ceiling and never steps (the gain ramps over `2 * LOOKAHEAD_S`). Like every source it is a
pure function of the sample range: it reads a little of the mix on either side of the range
it renders, so a stream of chunks equals one whole render, and nothing is delayed.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from breathcast.sound.mixer import CHUNK, Source

LOOKAHEAD_S = 0.010  # the gain starts falling this long before a peak, and is back after it


def running_min(x: np.ndarray, width: int) -> np.ndarray:
    """min(x[i : i + width]) for every i with a whole window (van Herk / Gil-Werman: linear)."""
    n = x.size
    padded = np.concatenate([x, np.full(-n % width, np.inf, x.dtype)]).reshape(-1, width)
    prefix = np.minimum.accumulate(padded, axis=1).ravel()
    suffix = np.minimum.accumulate(padded[:, ::-1], axis=1)[:, ::-1].ravel()
    i = np.arange(n - width + 1)
    return np.minimum(suffix[i], prefix[i + width - 1])


def box_mean(x: np.ndarray, width: int) -> np.ndarray:
    """mean(x[i : i + width]) for every i with a whole window."""
    sums = np.concatenate([[0.0], np.cumsum(x, dtype=np.float64)])
    return (sums[width:] - sums[:-width]) / width


class Master:
    """`source` (the mix of `length` samples) times `gain_db`, its sample peaks held at
    `ceiling_dbfs`."""

    def __init__(
        self, source: Source, length: int, sample_rate: int, gain_db: float, ceiling_dbfs: float
    ):
        self.source, self.length = source, length
        self.gain = np.float32(10 ** (gain_db / 20))
        self.ceiling = np.float32(10 ** (ceiling_dbfs / 20))
        self.half = max(1, round(LOOKAHEAD_S * sample_rate))  # the min and mean windows: 2h+1

    def _mix(self, lo: int, hi: int) -> np.ndarray:
        """The gained mix over [lo, hi), silence outside the episode."""
        out = np.zeros(hi - lo, np.float32)
        a, b = max(lo, 0), min(hi, self.length)
        if a < b:
            out[a - lo : b - lo] = self.source(a, b)
        out *= self.gain
        return out

    def __call__(self, lo: int, hi: int) -> np.ndarray:
        h = self.half
        reach = 2 * h  # a sample's gain depends on the mix this far on either side
        wide = self._mix(lo - reach, hi + reach)
        inner = wide[reach : reach + hi - lo]
        if not wide.size or float(np.max(np.abs(wide))) <= self.ceiling:
            return inner  # nothing near this range needs limiting: the common case
        needed = np.minimum(1.0, self.ceiling / np.maximum(np.abs(wide), 1e-30))
        gain = box_mean(running_min(needed, 2 * h + 1), 2 * h + 1)  # aligned with `inner`
        # A hair under the need, so float rounding never lets a sample through the ceiling.
        return (inner * (gain * (1 - 1e-6))).astype(np.float32)

    def chunks(self, size: int = CHUNK) -> Iterator[np.ndarray]:
        for lo in range(0, self.length, size):
            yield self(lo, min(lo + size, self.length))
