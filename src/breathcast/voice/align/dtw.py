"""Dynamic time warping in a band: the cheapest monotone path between two feature
sequences, coarse then fine, so the work grows with their length, not its square."""

from __future__ import annotations

import numpy as np

from breathcast.voice.align.features import HOP_S, pooled

FINE = 2  # fine DTW frames: 20 ms
COARSE = 20  # coarse DTW frames: 200 ms
COARSE_RADIUS_S = 60.0  # the coarse band: at least a minute off the diagonal…
COARSE_RADIUS_SHARE = 0.2  # …or a fifth of the reading
FINE_RADIUS_S = 0.6  # the fine band beyond the coarse path's cells
ROWS_AT_ONCE = 64  # DTW rows whose distances are computed together


def dtw(
    a: np.ndarray,
    b: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    free_start: bool = False,
    free_end: bool = False,
) -> tuple[np.ndarray, float]:
    """The cheapest monotone path from (0, 0) to (len(a)-1, len(b)-1) through the band where
    row i may use columns lo[i]:hi[i] (both never decreasing). Returns the path as (k, 2)
    [row, column] pairs and its cost per step (symmetric weights: a diagonal step counts the
    local distance twice, so paths of any shape compare fairly). With `free_start` and
    `free_end` the path may start, or end, in any column of `b`: which part of `b` is `a`?

    Row by row, a whole row at once: the horizontal steps within a row are a running minimum
    (D[j] = S[j] + min over k<=j of (T[k] - S[k]), S the row's cumulative cost), so numpy does
    all the work and memory is one byte per cell of the band."""
    n = len(a)
    moves = []  # per row: 0 diagonal, 1 from above, 2 from the left
    previous = np.zeros(0)
    previous_lo = 0
    b_squares = np.einsum("ij,ij->i", b, b, dtype=np.float64)
    for i in range(n):
        if i % ROWS_AT_ONCE == 0:  # the distances of a block of rows, as one matrix product
            rows = slice(i, min(n, i + ROWS_AT_ONCE))
            columns = slice(int(lo[i]), int(hi[rows.stop - 1]))
            block = _distances(a[rows], b[columns], b_squares[columns])
        start, stop = int(lo[i]), int(hi[i])
        local = block[i - rows.start, start - columns.start : stop - columns.start]
        width = stop - start
        if i == 0:
            above = np.full(width, np.inf)
            diagonal = np.full(width, np.inf)
            if free_start:
                diagonal[:] = -local  # the path may start in any cell of the first row
            diagonal[0] = -local[0]  # the path starts here: its first cell counts once
        else:
            offset = start - previous_lo
            above = _window(previous, offset, width)
            diagonal = _window(np.concatenate([[np.inf], previous]), offset, width)
        from_diagonal = diagonal + 2 * local
        from_above = above + local
        best = np.minimum(from_diagonal, from_above)
        running = np.cumsum(local)
        own = best - running
        reach = np.minimum.accumulate(own)
        # Compared on the same numbers, so rounding never invents a step from the left.
        from_left = own > reach
        row = np.where(from_left, running + reach, best)
        move = np.where(from_diagonal <= from_above, 0, 1).astype(np.uint8)
        move[from_left] = 2
        moves.append(move)
        previous, previous_lo = row, start
    i, j = n - 1, int(hi[-1]) - 1
    if free_end:
        j = int(lo[-1]) + int(np.argmin(previous))
    total = float(previous[j - int(lo[-1])])
    path = []
    while True:
        path.append((i, j))
        if i == 0 and (free_start or j == int(lo[0])):
            break
        move = moves[i][j - int(lo[i])]
        if move == 0:
            i, j = i - 1, j - 1
        elif move == 1:
            i -= 1
        else:
            j -= 1
        if i < 0 or j < 0:
            break
    path = np.array(path[::-1], dtype=np.int64)
    return path, total / (len(a) + int(path[-1, 1]) - int(path[0, 1]) + 1)


def _distances(a: np.ndarray, b: np.ndarray, b_squares: np.ndarray) -> np.ndarray:
    """Euclidean distance of every row of `a` to every row of `b`."""
    a_squares = np.einsum("ij,ij->i", a, a, dtype=np.float64)
    squared = a_squares[:, None] + b_squares[None, :] - 2.0 * (a.astype(np.float64) @ b.T)
    return np.sqrt(np.maximum(squared, 0.0))


def _window(values: np.ndarray, offset: int, width: int) -> np.ndarray:
    """values[offset : offset + width], padded with infinity past the end."""
    out = np.full(width, np.inf)
    count = max(0, min(width, values.size - offset))
    out[:count] = values[offset : offset + count]
    return out


def _diagonal_band(n: int, m: int, radius: int) -> tuple[np.ndarray, np.ndarray]:
    centre = np.arange(n) * (m / max(1, n))
    lo = np.clip(np.floor(centre - radius), 0, m - 1).astype(np.int64)
    hi = np.clip(np.ceil(centre + radius) + 1, 1, m).astype(np.int64)
    lo[0], hi[-1] = 0, m
    return np.maximum.accumulate(lo), np.maximum.accumulate(hi)


def _band_around(path: np.ndarray, factor: int, n: int, m: int, radius: int):
    """The fine band for rows 0..n-1 around a coarse `path` (pooled by `factor`)."""
    rows = path[:, 0]
    first = np.full(rows.max() + 1, np.iinfo(np.int64).max)
    last = np.full(rows.max() + 1, -1)
    np.minimum.at(first, rows, path[:, 1])
    np.maximum.at(last, rows, path[:, 1])
    coarse_row = np.minimum(np.arange(n) // factor, len(first) - 1)
    lo = np.clip(first[coarse_row] * factor - radius, 0, m - 1)
    hi = np.clip((last[coarse_row] + 1) * factor + radius, 1, m)
    lo[0], hi[-1] = 0, m
    return np.maximum.accumulate(lo), np.maximum.accumulate(hi)


def warp(reading: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """The alignment path between two normalized MFCC sequences (10 ms frames), in 10 ms
    frames: coarse, then fine in a band around the coarse path."""
    fine_a, fine_b = pooled(reading, FINE), pooled(reference, FINE)
    step = COARSE // FINE
    coarse_a, coarse_b = pooled(fine_a, step), pooled(fine_b, step)
    n, m = len(coarse_a), len(coarse_b)
    radius = max(COARSE_RADIUS_S / (COARSE * HOP_S), COARSE_RADIUS_SHARE * max(n, m))
    coarse_path, _ = dtw(coarse_a, coarse_b, *_diagonal_band(n, m, int(radius)))
    fine_radius = round(FINE_RADIUS_S / (FINE * HOP_S))
    band = _band_around(coarse_path, step, len(fine_a), len(fine_b), fine_radius)
    path, _ = dtw(fine_a, fine_b, *band)
    return path * FINE  # in 10 ms frames (to within 20 ms)
