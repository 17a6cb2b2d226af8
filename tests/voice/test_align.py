"""Alignment of a whole reading with the script's lines, on messy readings the tests make."""

from __future__ import annotations

import numpy as np
import pytest
from readings import make_reading, speak

from breathcast.script import read_script
from breathcast.voice.align import align_reading, dtw

TOLERANCE_S = 0.120


def brute_dtw(a: np.ndarray, b: np.ndarray) -> float:
    cost = np.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).sum(-1))
    total = np.full(cost.shape, np.inf)
    total[0, 0] = cost[0, 0]
    for i in range(len(a)):
        for j in range(len(b)):
            steps = []
            if i and j:
                steps.append(total[i - 1, j - 1] + 2 * cost[i, j])
            if i:
                steps.append(total[i - 1, j] + cost[i, j])
            if j:
                steps.append(total[i, j - 1] + cost[i, j])
            if steps:
                total[i, j] = min(steps)
    return total[-1, -1] / (len(a) + len(b))


def test_the_row_at_a_time_dtw_finds_the_cheapest_path():
    rng = np.random.default_rng(1)
    for _ in range(25):
        n, m = (int(x) for x in rng.integers(2, 25, 2))
        a, b = rng.normal(size=(n, 3)), rng.normal(size=(m, 3))
        path, cost = dtw(a, b, np.zeros(n, np.int64), np.full(n, m, np.int64))
        assert cost == pytest.approx(brute_dtw(a, b), abs=1e-9)
        assert tuple(path[0]) == (0, 0) and tuple(path[-1]) == (n - 1, m - 1)
        steps = np.diff(path, axis=0)
        assert ((steps >= 0) & (steps <= 1)).all() and (steps.sum(axis=1) >= 1).all()


@pytest.fixture(scope="module")
def references():
    """Each script's spoken lines, voiced by espeak's default Dutch voice (the reference)."""
    made = {}
    for name in ("water-en-rust.md", "warme-plek.md"):
        texts = [s.text for s in read_script(f"scripts/{name}").spoken]
        made[name] = (texts, [speak(text, "nl", 1.0)[0] for text in texts])
    return made


READINGS = [
    ("water-en-rust.md", 11, "nl+f3", 1.15),
    ("warme-plek.md", 12, "nl+m3", 0.85),
]


@pytest.mark.slow
@pytest.mark.parametrize(("name", "seed", "voice", "tempo"), READINGS)
def test_every_line_is_found_in_a_messy_reading(references, name, seed, voice, tempo):
    texts, lines = references[name]
    reading = make_reading(texts, seed=seed, voice=voice, tempo=tempo)
    placed = align_reading(reading.pcm, reading.sample_rate, lines, 22050)
    assert len(placed) == len(texts)

    pairs = zip(placed, reading.truth, strict=True)
    errors = np.array([[p.start_s - start, p.end_s - end] for p, (start, end) in pairs])
    within = np.abs(errors) <= TOLERANCE_S
    assert within.mean() >= 0.98, [
        (i, texts[i], errors[i].round(2)) for i in np.flatnonzero(~within.all(axis=1))
    ]
    # No line takes another line's audio.
    for i, p in enumerate(placed):
        for j, (start, end) in enumerate(reading.truth):
            if i != j:
                assert min(p.end_s, end) - max(p.start_s, start) < TOLERANCE_S, (i, j)
    # The line with a pause at its comma is one take, whole.
    comma = reading.comma_line
    assert abs(placed[comma].start_s - reading.truth[comma][0]) <= TOLERANCE_S
    assert abs(placed[comma].end_s - reading.truth[comma][1]) <= TOLERANCE_S
    # The line begun twice: the last reading is kept, and the false start is reported.
    repeated = reading.repeated_line
    assert abs(placed[repeated].start_s - reading.truth[repeated][0]) <= TOLERANCE_S
    assert placed[repeated].repeated_at_s == pytest.approx(reading.false_start[0], abs=0.15)
    assert [i for i, p in enumerate(placed) if p.repeated_at_s is not None] == [repeated]


@pytest.mark.slow
def test_a_line_she_did_not_read_is_not_confident(references):
    texts, lines = references["water-en-rust.md"]
    reading = make_reading(texts[:12], seed=5, comma=False, repeat=False)
    # The reference has a line more than the reading, in the middle: she skipped it.
    skipped = 6
    placed = align_reading(
        reading.pcm, reading.sample_rate, lines[:skipped] + [lines[40]] + lines[skipped:12], 22050
    )
    unsure = [i for i, p in enumerate(placed) if not p.confident]
    assert skipped in unsure or skipped - 1 in unsure or skipped + 1 in unsure, placed
