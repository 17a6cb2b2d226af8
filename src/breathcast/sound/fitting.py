"""One script, many lengths: the same words, with the breathing and the longer pauses made
to fit the length asked for.

    fitted = fit(script, clip_lengths, pattern, sound, Length("3m", 180.0))

Breathing is the exercise, so words go before breaths: the parts marked `[optioneel]` (a
chapter, or a paragraph) are left out, in their order (`[optioneel 1]` first, then 2, …, then
the unnumbered ones, the last first), until the script fits with every breathing block at
what is written. Only when nothing more may go are breaths taken away, never below
MIN_CYCLES (or what is written, if fewer). Then breathing blocks change their number of
whole breaths (never more than MAX_STRETCH times what is written); explicit pauses of
STRETCHY_PAUSE_S or longer flex within PAUSE_RANGE, and what is still missing (less than a
breath) becomes a rest after the breathing blocks. Every episode lands within TOLERANCE_S of
its length, at every ratio (a ratio changes the length of a breath, so the count of breaths
differs per ratio). Pure arithmetic on the plan: nothing is voiced again, so one voice cache
serves every length.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from breathcast.core import BreathPattern, Said, ScriptError, SoundSettings
from breathcast.script import (
    Breathe,
    Chapter,
    FadeOut,
    Length,
    OptionalPart,
    Pause,
    Script,
    Speech,
    Step,
    clock,
    leaving_order,
    script_parts,
)
from breathcast.sound.timeline import plan

MIN_CYCLES = 4  # a block shorter than this is no longer a breathing exercise
MAX_STRETCH = 4
STRETCHY_PAUSE_S = 2.0
PAUSE_RANGE = (0.75, 1.5)
TOLERANCE_S = 5.0
AIM_PAST_S = 0.3


def fit(
    script: Script,
    clip_lengths: Mapping[str, int],
    pattern: BreathPattern,
    sound: SoundSettings,
    length: Length,
    melody: int = 0,
) -> Script:
    """`script` made to last `length` at `pattern`; a `ScriptError` at the `lengths:` line
    (saying the shortest, or the longest, that is possible) when it cannot."""

    def duration(steps: tuple[Step, ...]) -> float:
        return plan(replace(script, steps=steps), clip_lengths, pattern, sound, melody).duration_s

    target = length.seconds
    parts = script_parts(script.steps)
    kept = set(range(len(parts)))

    def steps_of(kept: set[int]) -> tuple[Step, ...]:
        return tuple(step for i in sorted(kept) for step in parts[i].steps)

    for unit in leaving_order(parts):
        if _at_written(steps_of(kept), duration, pattern) <= target + AIM_PAST_S:
            break
        if unit <= kept and any(isinstance(s, Speech) for s in steps_of(kept - unit)):
            kept -= unit
    steps = steps_of(kept)
    shortest, longest = _range(steps, duration, pattern)
    if shortest > target + TOLERANCE_S:
        raise _impossible(script, length, pattern, shortest, "short")
    if longest < target - TOLERANCE_S:
        raise _impossible(script, length, pattern, longest, "long")
    # A little past the length: players cut to the whole second, and show 10:00, not 9:59.
    return replace(script, steps=_stretch(steps, duration, pattern, target + AIM_PAST_S))


def _limits(step: Breathe, pattern: BreathPattern) -> tuple[int, int, int]:
    """A block's written breaths, and the fewest and most it may have."""
    written = step.cycle_count(pattern)
    return written, min(written, MIN_CYCLES), max(written * MAX_STRETCH, MIN_CYCLES)


def _stretchy(step: Step) -> bool:
    return isinstance(step, Pause) and step.seconds is not None and step.seconds >= STRETCHY_PAUSE_S


def _with(steps, cycles: dict[int, int], scale: float = 1.0) -> tuple[Step, ...]:
    """`steps` with block i at cycles[i] breaths, and the stretchy pauses times `scale`."""
    out = []
    for i, step in enumerate(steps):
        if i in cycles:
            step = replace(step, cycles=cycles[i], seconds=None)
        elif _stretchy(step):
            step = replace(step, seconds=round(step.seconds * scale, 3))
        out.append(step)
    return tuple(out)


def _at_written(steps, duration, pattern) -> float:
    """How long these steps last as written: every block at its breaths, every pause as is."""
    written = {i: _limits(s, pattern)[0] for i, s in enumerate(steps) if isinstance(s, Breathe)}
    return duration(_with(steps, written))


def _range(steps, duration, pattern) -> tuple[float, float]:
    """The shortest and the longest these steps can be made."""
    blocks = {i: _limits(s, pattern) for i, s in enumerate(steps) if isinstance(s, Breathe)}
    low = duration(_with(steps, {i: lo for i, (_, lo, _) in blocks.items()}, PAUSE_RANGE[0]))
    high = duration(_with(steps, {i: hi for i, (_, _, hi) in blocks.items()}, PAUSE_RANGE[1]))
    return low, high


def _stretch(steps, duration, pattern, target: float) -> tuple[Step, ...]:
    """Whole breaths to come nearest the target without passing it (each block in proportion
    to what is written), then the stretchy pauses, then, for what is left (less than a
    breath), a rest after each breathing block: the listener stays with the breath."""
    blocks = {i: _limits(s, pattern) for i, s in enumerate(steps) if isinstance(s, Breathe)}
    cycles = {i: written for i, (written, _, _) in blocks.items()}
    breath = pattern.cycle_s
    missing = target - duration(_with(steps, cycles))
    written_total = sum(w for w, _, _ in blocks.values())
    if written_total:
        factor = 1 + missing / (written_total * breath)
        cycles = {i: min(hi, max(lo, round(w * factor))) for i, (w, lo, hi) in blocks.items()}
    missing = target - duration(_with(steps, cycles))
    while missing > breath / 2 or missing < 0:  # one breath at a time, where there is most room
        step = 1 if missing > 0 else -1
        room = {
            i: (hi - cycles[i] if step > 0 else cycles[i] - lo) / w
            for i, (w, lo, hi) in blocks.items()
            if (cycles[i] < hi if step > 0 else cycles[i] > lo)
        }
        if not room or (step > 0 and missing < breath):
            break
        cycles[max(room, key=room.get)] += step
        missing -= step * breath
    fitted = _with(steps, cycles)
    stretchy = sum(s.seconds for s in fitted if _stretchy(s))
    if stretchy:
        missing = target - duration(fitted)
        scale = min(PAUSE_RANGE[1], max(PAUSE_RANGE[0], 1 + missing / stretchy))
        fitted = _with(fitted, {}, scale)
    missing = target - duration(fitted)
    if missing > 0 and blocks:
        fitted = _rest_after_blocks(fitted, min(missing, breath * len(blocks)))
    return fitted


def _rest_after_blocks(steps: tuple[Step, ...], seconds: float) -> tuple[Step, ...]:
    """`seconds` of silence shared among the breathing blocks, right after each."""
    count = sum(isinstance(s, Breathe) for s in steps)
    share = round(seconds / count, 3)
    out: list[Step] = []
    for step in steps:
        out.append(step)
        if isinstance(step, Breathe) and share > 0:
            out.append(Pause(share, step.line))
    return tuple(out)


def _impossible(script: Script, length: Length, pattern, reached: float, side: str) -> ScriptError:
    line = script.line_of("lengths")
    optional = any(
        isinstance(s, Chapter) and s.optional or isinstance(s, OptionalPart) for s in script.steps
    )
    fade = next((s for s in script.steps if isinstance(s, FadeOut)), None)
    counts = (
        f" (the closing [uitfaden {clock(fade.seconds)}] counts in it)" if fade else "",
        f" (het uitfaden van {clock(fade.seconds)} telt mee)" if fade else "",
    )
    if side == "short":
        said = Said(
            f"lengths: {length.text} is shorter than this script can be at {pattern}: "
            f"{clock(reached)}{counts[0]} with every breathing block at {MIN_CYCLES} breaths "
            "(or as written, where fewer)"
            + (" and the [optioneel] parts left out" if optional else "")
            + "; write a longer length, or mark a chapter or paragraph [optioneel]",
            f"korter dan {clock(reached)} kan niet: ook met elk ademblok op {MIN_CYCLES} "
            "ademhalingen (of minder, als er minder staan)"
            + (" en zonder de optionele delen" if optional else "")
            + f" duurt het zo lang, {pattern.in_dutch}{counts[1]}; kies een langere lengte",
        )
    else:
        said = Said(
            f"lengths: {length.text} is longer than this script can be at {pattern}: "
            f"{clock(reached)}{counts[0]} with every breathing block at {MAX_STRETCH} times its "
            "breaths; write a shorter length, or a longer breathing block",
            f"langer dan {clock(reached)} kan niet: ook met elk ademblok {MAX_STRETCH} keer "
            f"zo lang duurt het niet langer, {pattern.in_dutch}{counts[1]}; kies een kortere "
            "lengte",
        )
    return ScriptError(script.path, line, said)
