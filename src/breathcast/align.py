"""Find each line of a script in one reading of it, the way aeneas made standard.

The script is voiced offline (espeak), both it and the reading become MFCC frames, and dynamic
time warping finds the cheapest monotone path between them: first coarsely (200 ms frames) in
a wide band around the diagonal, then finely (20 ms) in a narrow band around the coarse path,
so the work grows with the length of the reading, not with its square. Each line's ends,
carried over the path, are then snapped to the nearest pause in the reading, where a cut is
clean. Last, every line's stretch is checked on its own: a stretch that holds the line twice
(a slip, then the line again) keeps the last reading, and a line that matches its voice
poorly is flagged for her to listen to.

Pure numpy, no files: `align_reading` takes the reading's samples and the reference clips.
Hand-written DTW because the libraries that do it (dtw-python, dtaidistance, librosa) fill the
whole N×M matrix (a 12-minute reading at 20 ms is 36,000² cells) or need numba.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

HOP_S = 0.010  # analysis frames: 25 ms windows every 10 ms
WINDOW_S = 0.025
N_MELS, N_MFCC = 26, 13
SPEECH_WEIGHT = 1.5  # the speech-or-pause column: speech against pause costs 3
MEL_LOW_HZ, MEL_HIGH_HZ = 60.0, 7600.0
PITCH_LOW_HZ, PITCH_HIGH_HZ = 60.0, 400.0
VOICED_CORRELATION = 0.5  # a frame whose autocorrelation peaks this high has a pitch
JOIN_S = 0.12  # a voiceless sound this close to a voiced one belongs to the same word
MIN_VOICE_S = 0.04  # voiced this long at least: a vowel, not a blip of hum in a breath
FINE = 2  # fine DTW frames: 20 ms
COARSE = 20  # coarse DTW frames: 200 ms
COARSE_RADIUS_S = 60.0  # the coarse band: at least a minute off the diagonal…
COARSE_RADIUS_SHARE = 0.2  # …or a fifth of the reading
FINE_RADIUS_S = 0.6  # the fine band beyond the coarse path's cells
REFERENCE_GAP_S = 0.5  # silence between the reference lines
MIN_PAUSE_S = 0.15  # quieter than this long is a pause (shorter: a stop consonant)
SNAP_REACH_S = 0.8  # a pause further than this from the path's estimate is not taken
ONSET_MARGIN_DB = 3.0  # a line starts where the level first rises this far above the floor
REFINE_BEFORE_S = 0.1  # …but no more than this before the pause ends (a breath is no word)
REFINE_AFTER_S = 0.04  # …and after a line, no more than this (the room's echo is no word)
SAID_AGAIN = 0.6  # her words match her earlier words this much better than unrelated speech
LENGTH_RANGE = (0.5, 2.0)  # a line this much shorter or longer than expected is flagged
ROWS_AT_ONCE = 64  # DTW rows whose distances are computed together


@dataclass(frozen=True)
class Placed:
    """Where one line is in the reading, in seconds, and how sure we are."""

    start_s: float
    end_s: float
    cost: float  # per-frame DTW cost against its reference: lower is a better match
    confident: bool
    repeated_at_s: float | None = None  # an earlier reading of this line was dropped here
    room_before_s: float = 0.0  # where the pause before the line begins (a cut may use it)
    room_after_s: float = 0.0  # where the pause after the line ends


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
    speaking = ~_mask(quiet, len(mfcc))
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


def _mask(runs: np.ndarray, frames: int) -> np.ndarray:
    mask = np.zeros(frames, bool)
    for start, end in runs:
        mask[start:end] = True
    return mask


def pooled(features: np.ndarray, factor: int) -> np.ndarray:
    """Mean of every `factor` frames (the last, partial group included)."""
    if factor == 1 or not len(features):
        return features
    groups = -(-len(features) // factor)
    padded = np.concatenate(
        [features, np.repeat(features[-1:], groups * factor - len(features), axis=0)]
    )
    return padded.reshape(groups, factor, -1).mean(axis=1)


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


def pauses(level_db: np.ndarray, voiced: np.ndarray) -> np.ndarray:
    """The reading's pauses as (start, end) frame pairs, at least MIN_PAUSE_S long: frames
    quieter than a threshold between its noise floor and its speech level, and sounds with
    no voice in them (a breath, a rustle), which belong between lines, not in them. A
    voiceless sound joined to a voiced one (the 's' of "neus", the 'ch' of "zacht") is
    speech."""
    if not level_db.size:
        return np.zeros((0, 2), np.int64)
    floor, speech = np.percentile(level_db, [10, 90])
    threshold = floor + max(6.0, 0.3 * (speech - floor))
    loud = level_db >= threshold
    # A voice is loud (hum is periodic too) and lasts (a vowel is longer than a blip).
    voice = _runs_at_least(loud & voiced, round(MIN_VOICE_S / HOP_S))
    sounds = np.flatnonzero(np.diff(np.concatenate([[0], loud.astype(np.int8), [0]])))
    sounds = sounds.reshape(-1, 2)
    voiced_sounds = sounds[[voice[a:b].any() for a, b in sounds]] if len(sounds) else sounds
    join = round(JOIN_S / HOP_S)
    quiet = ~loud
    for start, end in sounds:
        if voice[start:end].any():
            continue
        # A voiceless sound right after or before a voiced one is a word's edge ("rustig").
        near = (voiced_sounds[:, 1] > start - join) & (voiced_sounds[:, 0] < end + join)
        if not near.any():
            quiet[start:end] = True
    edges = np.flatnonzero(np.diff(np.concatenate([[0], quiet.astype(np.int8), [0]])))
    runs = edges.reshape(-1, 2)
    keep = runs[:, 1] - runs[:, 0] >= round(MIN_PAUSE_S / HOP_S)
    # The reading's own start and end count as pauses of any length.
    return runs[keep | (runs[:, 0] == 0) | (runs[:, 1] == level_db.size)]


def _runs_at_least(mask: np.ndarray, frames: int) -> np.ndarray:
    """`mask` with its runs of True shorter than `frames` cleared."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(np.int8), [0]])))
    out = np.zeros_like(mask)
    for start, end in edges.reshape(-1, 2):
        if end - start >= frames:
            out[start:end] = True
    return out


def _refine(level_db: np.ndarray, start: int, end: int) -> tuple[int, int]:
    """Widen a speech stretch to where the level first leaves the floor (a soft onset, a
    breathy 'h', a fading last word), a little."""
    if end <= start:
        return start, end
    floor = float(np.percentile(level_db, 10)) + ONSET_MARGIN_DB
    lowest = max(0, start - round(REFINE_BEFORE_S / HOP_S))
    highest = min(level_db.size, end + round(REFINE_AFTER_S / HOP_S))
    while start > lowest and level_db[start - 1] > floor:
        start -= 1
    while end < highest and level_db[end] > floor:
        end += 1
    return start, end


def align_reading(
    reading: np.ndarray,
    reading_rate: int,
    lines: Sequence[np.ndarray],
    lines_rate: int,
) -> list[Placed]:
    """Where each of `lines` (reference clips, in reading order) is in `reading`."""
    mfcc, level, voiced = analyse(reading, reading_rate)
    quiet = pauses(level, voiced)
    reading_features = normalized(mfcc, quiet)
    gap = round(REFERENCE_GAP_S / HOP_S)
    analysed = [analyse(clip, lines_rate) for clip in lines]
    spans, at = [], gap
    for features, _, _ in analysed:
        spans.append((at, at + len(features)))
        at += len(features) + gap
    # The reference: the lines with silence between them (a pause: `normalized` zeroes it).
    reference = np.zeros((at, N_MFCC), np.float32)
    reference_level = np.full(at, -120.0, np.float32)
    reference_voiced = np.zeros(at, bool)
    for (start, stop), (features, clip_level, clip_voiced) in zip(spans, analysed, strict=True):
        reference[start:stop], reference_level[start:stop] = features, clip_level
        reference_voiced[start:stop] = clip_voiced
    reference_quiet = pauses(reference_level, reference_voiced)
    reference = normalized(reference, reference_quiet)
    path = warp(reading_features, reference)

    # Each reference frame's first and last reading frame on the path.
    first = np.full(len(reference), len(reading_features), np.int64)
    last = np.full(len(reference), -1, np.int64)
    np.minimum.at(first, np.minimum(path[:, 1], len(reference) - 1), path[:, 0])
    np.maximum.at(last, np.minimum(path[:, 1], len(reference) - 1), path[:, 0])
    first = np.minimum.accumulate(first[::-1])[::-1]  # columns the path skipped
    last = np.maximum.accumulate(last)
    # A line's ends are its first and last spoken reference frames (a clip's quiet edges
    # would take the pauses around it along).
    spoken = np.flatnonzero(~_mask(reference_quiet, len(reference)))
    estimates = []
    for start, end in spans:
        inner = spoken[(spoken >= start) & (spoken < end)]
        if inner.size:
            start, end = int(inner[0]), int(inner[-1]) + 1
        estimates.append((int(first[start]), int(last[end - 1]) + 1))

    snapped = _snap(estimates, quiet, len(level))
    stretches, oks = [], []
    for (start, end), ok in snapped:
        stretches.append(_refine(level, start, end))
        oks.append(ok)
    # Her pace against the reference's, from the lines themselves: what length each should be.
    ratios = [(e - s) / (b - a) for (s, e), (a, b) in zip(stretches, spans, strict=True)]
    pace = float(np.median(ratios))
    expected = [pace * (b - a) for a, b in spans]
    targets = [reference[a:b] for a, b in spans]
    stretches, repeated = _drop_false_starts(reading_features, quiet, stretches, targets, expected)
    placed = []
    for k, ((start, end), ok) in enumerate(zip(stretches, oks, strict=True)):
        said = reading_features[start:end]
        cost = _cost(said, targets[k])
        # Sure: it sounds more like its own line than like the lines around it, and it is
        # about as long as that line should be (a skipped line fails one or the other).
        neighbours = [_cost(said, targets[j]) for j in (k - 1, k + 1) if 0 <= j < len(targets)]
        length = (end - start) / max(expected[k], 1.0)
        sure = ok and all(cost < other for other in neighbours)
        sure = sure and LENGTH_RANGE[0] <= length <= LENGTH_RANGE[1]
        placed.append((start, end, cost, sure))
    return [
        Placed(
            start * HOP_S,
            end * HOP_S,
            round(cost, 3),
            sure,
            round(repeated[index] * HOP_S, 2) if index in repeated else None,
            *(edge * HOP_S for edge in _room(quiet, start, end)),
        )
        for index, (start, end, cost, sure) in enumerate(placed)
    ]


def _room(quiet: np.ndarray, start: int, end: int) -> tuple[int, int]:
    """Where the pauses around [start, end) begin and end: up to there a cut is silence."""
    before = quiet[(quiet[:, 0] <= start) & (quiet[:, 1] >= start - 2)]
    after = quiet[(quiet[:, 1] >= end) & (quiet[:, 0] <= end + 2)]
    return (
        int(before[:, 0].min()) if len(before) else start,
        int(after[:, 1].max()) if len(after) else end,
    )


def _snap(
    estimates: list[tuple[int, int]], quiet: np.ndarray, frames: int
) -> list[tuple[tuple[int, int], bool]]:
    """Move every line edge onto the pause that best fits the path's estimate of it: the
    pause before the first line, between each two lines, and after the last. A line whose
    edge found no pause in reach (or the same pause as its neighbour) keeps the estimate and
    loses its confidence."""
    reach = round(SNAP_REACH_S / HOP_S)
    edges = np.array([[0, 0], [frames, frames]], np.int64)  # the reading's own ends
    candidates = np.concatenate([quiet, edges]) if len(quiet) else edges
    candidates = candidates[np.argsort(candidates[:, 0], kind="stable")]
    n = len(estimates)
    starts = [s for s, _ in estimates]
    ends = [e for _, e in estimates]
    sure = [True] * n
    taken = -1
    for k in range(n + 1):
        if k == 0:
            score = np.abs(candidates[:, 1] - starts[0])
            near = score <= reach
        elif k == n:
            score = np.abs(candidates[:, 0] - ends[-1])
            near = score <= reach
        else:
            score = np.abs(candidates[:, 0] - ends[k - 1]) + np.abs(candidates[:, 1] - starts[k])
            near = (candidates[:, 1] >= ends[k - 1] - reach) & (
                candidates[:, 0] <= starts[k] + reach
            )
        near &= np.arange(len(candidates)) > taken  # pauses come in order
        if not near.any():
            sure[max(0, k - 1)] = False
            sure[min(n - 1, k)] = False
            continue
        taken = int(np.argmin(np.where(near, score, np.iinfo(np.int64).max)))
        if k:
            ends[k - 1] = int(candidates[taken, 0])
        if k < n:
            starts[k] = int(candidates[taken, 1])
    return [((s, max(e, s + 1)), ok) for s, e, ok in zip(starts, ends, sure, strict=True)]


def _pieces(quiet: np.ndarray, start: int, end: int) -> list[tuple[int, int]]:
    """The stretch [start, end) cut at the pauses inside it."""
    inside = quiet[(quiet[:, 0] > start) & (quiet[:, 1] < end)]
    bounds = [start, *inside.ravel().tolist(), end]
    return [(bounds[k], bounds[k + 1]) for k in range(0, len(bounds), 2)]


def _fit(part: np.ndarray, other: np.ndarray, at_start: bool) -> float:
    """How well `part` matches the opening (`at_start`) or the ending of `other`."""
    a = pooled(part, FINE)
    b = pooled(other, FINE)
    b = b[: 2 * len(a) + 5] if at_start else b[-(2 * len(a) + 5) :]
    if not len(a) or not len(b):
        return float("inf")
    lo = np.zeros(len(a), np.int64)
    hi = np.full(len(a), len(b), np.int64)
    return dtw(a, b, lo, hi, free_start=not at_start, free_end=at_start)[1]


def _opening_cost(features: np.ndarray, said: tuple[int, int], later: tuple[int, int]) -> float:
    """How well `said` matches the opening of `later` (both reading frames): her own voice
    against itself, which tells a repeated phrase far more surely than any reference can."""
    return _fit(features[said[0] : said[1]], features[later[0] : later[1]], at_start=True)


def _drop_false_starts(
    features: np.ndarray,
    quiet: np.ndarray,
    stretches: list[tuple[int, int]],
    targets: list[np.ndarray],
    expected: list[float],
) -> tuple[list[tuple[int, int]], dict[int, int]]:
    """Each line's stretch without false starts, and where each dropped one began.

    A false start is speech followed by a pause and then the same words again: the opening
    of this line (then the line is begun again), or at the end of the line before it, the
    opening of the next line. She is compared with herself: a part counts as said again when
    it matches the opening of what follows clearly better than unrelated speech of hers does
    (the opening of each next line against the end of the line before). Dropping it must
    bring the line nearer the length it should have (`expected`, in frames): a line that
    repeats its own words ("Voel je hand. Voel je buik.") is left whole. And a tail is only
    the next line's if it sounds more like that line's opening than like this line's ending
    (`targets`: the reference of each line): "Rustig." before "Zo rustig…" stays."""
    unrelated = [
        _opening_cost(features, (max(s, e - 60), e), stretches[k + 1])
        for k, (s, e) in enumerate(stretches[:-1][:: max(1, len(stretches) // 12)])
    ]
    if not unrelated:
        return stretches, {}
    threshold = SAID_AGAIN * float(np.median(unrelated))

    def fits_better(part: tuple[int, int], whole: tuple[int, int], k: int) -> bool:
        length, full = part[1] - part[0], whole[1] - whole[0]
        return length >= 0.6 * expected[k] and abs(length - expected[k]) < abs(full - expected[k])

    kept, dropped = [], {}
    for k, (start, end) in enumerate(stretches):
        pieces = _pieces(quiet, start, end)
        # The line begun again: of the beginnings whose words came before them too, the one
        # that leaves the line nearest its length.
        restarts = [
            u
            for u in range(1, len(pieces))
            if fits_better((pieces[u][0], end), (start, end), k)
            and _opening_cost(features, (start, pieces[u - 1][1]), (pieces[u][0], end)) < threshold
        ]
        if restarts:
            u = min(restarts, key=lambda u: abs(end - pieces[u][0] - expected[k]))
            dropped[k] = start
            start, pieces = pieces[u][0], pieces[u:]
        # The next line begun here: the longest tail that is the next line's opening.
        for v in range(1, len(pieces) if k + 1 < len(stretches) else 0):
            tail, rest = (pieces[v][0], end), (start, pieces[v - 1][1])
            said = features[tail[0] : tail[1]]
            if (
                fits_better(rest, (start, end), k)
                and _opening_cost(features, tail, stretches[k + 1]) < threshold
                and _fit(said, targets[k + 1], at_start=True)
                < _fit(said, targets[k], at_start=False)
            ):
                dropped[k + 1] = tail[0]
                end = rest[1]
                break
        kept.append((start, end))
    return kept, dropped


def _cost(reading: np.ndarray, target: np.ndarray) -> float:
    if not len(reading) or not len(target):
        return float("inf")
    a, b = pooled(reading, FINE), pooled(target, FINE)
    lo = np.zeros(len(a), np.int64)
    hi = np.full(len(a), len(b), np.int64)
    return dtw(a, b, lo, hi)[1]
