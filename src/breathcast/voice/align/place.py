"""Each line of the script placed in the reading: the warp's path carried over to the
reading, every edge snapped to a pause, false starts dropped, doubtful lines flagged."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from breathcast.voice.align.dtw import FINE, dtw, warp
from breathcast.voice.align.features import HOP_S, N_MFCC, analyse, normalized, pooled
from breathcast.voice.align.pauses import pauses, refine
from breathcast.voice.align.spans import Span, covered

REFERENCE_GAP_S = 0.5  # silence between the reference lines
SNAP_REACH_S = 0.8  # a pause further than this from the path's estimate is not taken
SAID_AGAIN = 0.6  # her words match her earlier words this much better than unrelated speech
LENGTH_RANGE = (0.5, 2.0)  # a line this much shorter or longer than expected is flagged


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
        spans.append(Span(at, at + len(features)))
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
    spoken = np.flatnonzero(~covered(reference_quiet, len(reference)))
    estimates = []
    for start, end in spans:
        inner = spoken[(spoken >= start) & (spoken < end)]
        if inner.size:
            start, end = int(inner[0]), int(inner[-1]) + 1
        estimates.append(Span(int(first[start]), int(last[end - 1]) + 1))

    snapped = _snap(estimates, quiet, len(level))
    stretches, oks = [], []
    for (start, end), ok in snapped:
        stretches.append(Span(*refine(level, start, end)))
        oks.append(ok)
    # Her pace against the reference's, from the lines themselves: what length each should be.
    ratios = [s.length / r.length for s, r in zip(stretches, spans, strict=True)]
    pace = float(np.median(ratios))
    expected = [pace * r.length for r in spans]
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


def _room(quiet: np.ndarray, start: int, end: int) -> Span:
    """Where the pauses around [start, end) begin and end: up to there a cut is silence."""
    before = quiet[(quiet[:, 0] <= start) & (quiet[:, 1] >= start - 2)]
    after = quiet[(quiet[:, 1] >= end) & (quiet[:, 0] <= end + 2)]
    return Span(
        int(before[:, 0].min()) if len(before) else start,
        int(after[:, 1].max()) if len(after) else end,
    )


def _snap(estimates: list[Span], quiet: np.ndarray, frames: int) -> list[tuple[Span, bool]]:
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
    return [(Span(s, max(e, s + 1)), ok) for s, e, ok in zip(starts, ends, sure, strict=True)]


def _pieces(quiet: np.ndarray, start: int, end: int) -> list[Span]:
    """The stretch [start, end) cut at the pauses inside it."""
    inside = quiet[(quiet[:, 0] > start) & (quiet[:, 1] < end)]
    bounds = [start, *inside.ravel().tolist(), end]
    return [Span(bounds[k], bounds[k + 1]) for k in range(0, len(bounds), 2)]


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


def _opening_cost(features: np.ndarray, said: Span, later: Span) -> float:
    """How well `said` matches the opening of `later` (both reading frames): her own voice
    against itself, which tells a repeated phrase far more surely than any reference can."""
    return _fit(features[said.start : said.end], features[later.start : later.end], at_start=True)


def _drop_false_starts(
    features: np.ndarray,
    quiet: np.ndarray,
    stretches: list[Span],
    targets: list[np.ndarray],
    expected: list[float],
) -> tuple[list[Span], dict[int, int]]:
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
        _opening_cost(features, Span(max(s, e - 60), e), stretches[k + 1])
        for k, (s, e) in enumerate(stretches[:-1][:: max(1, len(stretches) // 12)])
    ]
    if not unrelated:
        return stretches, {}
    threshold = SAID_AGAIN * float(np.median(unrelated))

    def fits_better(part: Span, whole: Span, k: int) -> bool:
        length, full = part.length, whole.length
        return length >= 0.6 * expected[k] and abs(length - expected[k]) < abs(full - expected[k])

    kept, dropped = [], {}
    for k, (start, end) in enumerate(stretches):
        pieces = _pieces(quiet, start, end)
        # The line begun again: of the beginnings whose words came before them too, the one
        # that leaves the line nearest its length.
        restarts = [
            u
            for u in range(1, len(pieces))
            if fits_better(Span(pieces[u].start, end), Span(start, end), k)
            and _opening_cost(features, Span(start, pieces[u - 1].end), Span(pieces[u].start, end))
            < threshold
        ]
        if restarts:
            u = min(restarts, key=lambda u: abs(end - pieces[u].start - expected[k]))
            dropped[k] = start
            start, pieces = pieces[u].start, pieces[u:]
        # The next line begun here: the longest tail that is the next line's opening.
        for v in range(1, len(pieces) if k + 1 < len(stretches) else 0):
            tail, rest = Span(pieces[v].start, end), Span(start, pieces[v - 1].end)
            said = features[tail.start : tail.end]
            if (
                fits_better(rest, Span(start, end), k)
                and _opening_cost(features, tail, stretches[k + 1]) < threshold
                and _fit(said, targets[k + 1], at_start=True)
                < _fit(said, targets[k], at_start=False)
            ):
                dropped[k + 1] = tail.start
                end = rest.end
                break
        kept.append(Span(start, end))
    return kept, dropped


def _cost(reading: np.ndarray, target: np.ndarray) -> float:
    if not len(reading) or not len(target):
        return float("inf")
    a, b = pooled(reading, FINE), pooled(target, FINE)
    lo = np.zeros(len(a), np.int64)
    hi = np.full(len(a), len(b), np.int64)
    return dtw(a, b, lo, hi)[1]
