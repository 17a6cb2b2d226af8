"""Where she is silent: pauses in a reading, from its level and its voicing. A breath or a
rustle has no voice in it, so it belongs between lines, not in them."""

from __future__ import annotations

import numpy as np

from breathcast.voice.align.features import HOP_S, WINDOW_S, analyse
from breathcast.voice.align.spans import Span, at_least, runs

JOIN_S = 0.12  # a voiceless sound this close to a voiced one belongs to the same word
MIN_VOICE_S = 0.04  # voiced this long at least: a vowel, not a blip of hum in a breath
MIN_PAUSE_S = 0.15  # quieter than this long is a pause (shorter: a stop consonant)
ONSET_MARGIN_DB = 3.0  # a line starts where the level first rises this far above the floor
REFINE_BEFORE_S = 0.1  # …but no more than this before the pause ends (a breath is no word)
REFINE_AFTER_S = 0.04  # …and after a line, no more than this (the room's echo is no word)


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
    voice = at_least(loud & voiced, round(MIN_VOICE_S / HOP_S))
    sounds = runs(loud)
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
    silent = runs(quiet)
    keep = silent[:, 1] - silent[:, 0] >= round(MIN_PAUSE_S / HOP_S)
    # The reading's own start and end count as pauses of any length.
    return silent[keep | (silent[:, 0] == 0) | (silent[:, 1] == level_db.size)]


def refine(level_db: np.ndarray, start: int, end: int) -> tuple[int, int]:
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


def speech_span(pcm: np.ndarray, sample_rate: int) -> Span:
    """Where the words of a take are, in samples: after the pause it opens with and before
    the pause it ends on (each at least MIN_PAUSE_S; a breath or the room's echo is pause);
    the whole take when there is no such pause, or nothing but pause."""
    _, level, voiced = analyse(pcm, sample_rate)
    frames, shortest = level.size, round(MIN_PAUSE_S / HOP_S)
    quiet = [Span(int(a), int(b)) for a, b in pauses(level, voiced) if b - a >= shortest]
    start = quiet[0].end if quiet and quiet[0].start == 0 else 0
    end = quiet[-1].start if quiet and quiet[-1].end == frames else frames
    if end <= start:
        return Span(0, pcm.size)
    hop = HOP_S * sample_rate
    window = round(WINDOW_S * sample_rate)
    return Span(round(start * hop), min(pcm.size, round((end - 1) * hop) + window))
