"""Runs of frames: a stretch of a recording as (start, end) frame numbers, end exclusive.

Pauses and sounds are found as runs of a boolean mask; the idiom that turns one into the
other lives here, once.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class Span(NamedTuple):
    """A stretch of frames [start, end)."""

    start: int
    end: int

    @property
    def length(self) -> int:
        return self.end - self.start


def runs(mask: np.ndarray) -> np.ndarray:
    """The runs of True in `mask`, as a (k, 2) array of [start, end) frame pairs."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(np.int8), [0]])))
    return edges.reshape(-1, 2)


def covered(spans: np.ndarray, frames: int) -> np.ndarray:
    """A mask of `frames` frames, True inside every one of `spans`."""
    mask = np.zeros(frames, bool)
    for start, end in spans:
        mask[start:end] = True
    return mask


def at_least(mask: np.ndarray, frames: int) -> np.ndarray:
    """`mask` with its runs of True shorter than `frames` cleared."""
    out = np.zeros_like(mask)
    for start, end in runs(mask):
        if end - start >= frames:
            out[start:end] = True
    return out
