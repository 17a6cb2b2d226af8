"""The plan: every clip, pause and breath phase of one episode at an exact sample offset.

Pure arithmetic on a `Script`, the clip lengths and a `BreathPattern`; no audio is touched.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from breathcast.core import BreathPattern, Phase, Said, SoundSettings, at_line
from breathcast.script import BREATH_CUES, Breathe, Chapter, FadeOut, Pause, Script, Speech
from breathcast.sound.mp3 import FRAME_SAMPLES

MELODY_ALONE_S = 1.0  # with `melody: under`, its first notes alone before the first word


@dataclass(frozen=True)
class ClipEvent:
    start: int
    length: int
    text: str
    line: int


@dataclass(frozen=True)
class PauseEvent:
    start: int
    length: int
    line: int


@dataclass(frozen=True)
class PhaseEvent:
    start: int
    length: int
    kind: Phase
    cycle: int


@dataclass(frozen=True)
class BreathBlock:
    start: int
    length: int
    line: int
    phases: tuple[PhaseEvent, ...]

    @property
    def cycles(self) -> int:
        return self.phases[-1].cycle + 1


@dataclass(frozen=True)
class ChapterEvent:
    start: int
    title: str
    line: int


@dataclass(frozen=True)
class Span:
    """Something of the episode that is not the voice: the melody, or the closing fade."""

    start: int
    length: int

    @property
    def end(self) -> int:
        return self.start + self.length


@dataclass(frozen=True)
class Timeline:
    sample_rate: int
    length: int
    pattern: BreathPattern
    clips: tuple[ClipEvent, ...]
    pauses: tuple[PauseEvent, ...]
    blocks: tuple[BreathBlock, ...]
    chapters: tuple[ChapterEvent, ...]
    warnings: tuple[Said, ...] = ()  # e.g. a breath cue that did not fit its phase
    melodies: tuple[Span, ...] = ()  # the recurring melody: at the start, and at the end
    fade: Span | None = None  # `[uitfaden]`: the bed going on alone, fading to silence

    @property
    def program_end(self) -> int:
        """Where what is listened to ends: before a closing fade, which is the bed going to
        sleep, not program; loudness is measured up to here."""
        return self.fade.start if self.fade is not None else self.length

    @property
    def duration_s(self) -> float:
        return self.length / self.sample_rate


def plan(
    script: Script,
    clip_lengths: Mapping[str, int],
    pattern: BreathPattern,
    sound: SoundSettings,
    melody: int = 0,
) -> Timeline:
    """Lay the script out in time. `clip_lengths` maps each spoken text to its length in
    samples; `melody` is the recurring melody's (0: none), which opens the episode and, unless
    it ends in a fade, closes it."""
    sr = sound.sample_rate

    def samples(seconds: float) -> int:
        return round(seconds * sr)

    cursor = samples(sound.lead_in_s)
    started = False  # a chapter before any sound starts at 0, as podcast chapters expect
    clips, pauses, blocks, chapters, warnings = [], [], [], [], []
    melodies, fade = [], None
    if melody:
        melodies.append(Span(cursor, melody))
        under = script.melody == "under"  # the words start over it, ducking it
        cursor += samples(MELODY_ALONE_S) if under else melody + samples(sound.melody_gap_s)
    for step in script.steps:
        if isinstance(step, Chapter):
            chapters.append(ChapterEvent(cursor if started else 0, step.title, step.line))
        elif isinstance(step, Speech):
            length = clip_lengths[step.text]
            clips.append(ClipEvent(cursor, length, step.text, step.line))
            cursor += length + samples(sound.line_gap_s)
            if step.text.endswith(("...", "…")):  # the speaker trails off: let it land
                cursor += samples(sound.ellipsis_pause_s)
            started = True
        elif isinstance(step, Pause):
            seconds = sound.paragraph_pause_s if step.seconds is None else step.seconds
            pauses.append(PauseEvent(cursor, samples(seconds), step.line))
            cursor += samples(seconds)
        elif isinstance(step, Breathe):
            block = _breath_block(cursor, step, pattern, sr)
            blocks.append(block)
            if step.cues:
                cues, dropped = _cues(block, clip_lengths, sound.cue_cycles, step.line, sr)
                clips += cues
                warnings += [at_line(script.path, step.line, note) for note in dropped]
            cursor += block.length + samples(sound.line_gap_s)
            started = True
        elif isinstance(step, FadeOut):
            fade = Span(cursor, samples(step.seconds))
    if fade is not None:
        end = fade.end  # the fade is the tail: it ends in digital silence
    elif melody:
        melodies.append(Span(cursor + samples(sound.melody_gap_s - sound.line_gap_s), melody))
        end = melodies[-1].end + samples(sound.tail_s)
    else:
        end = cursor + samples(sound.tail_s)
    # Whole MP3 frames (at most 26 ms more of the silent tail): LAME then pads the last frame
    # least, so the file's frames hold one frame more than the audio, as ffprobe shows.
    end = -(-end // FRAME_SAMPLES) * FRAME_SAMPLES
    return Timeline(
        sample_rate=sr,
        length=end,
        pattern=pattern,
        clips=tuple(sorted(clips, key=lambda clip: clip.start)),
        pauses=tuple(pauses),
        blocks=tuple(blocks),
        chapters=tuple(chapters),
        warnings=tuple(dict.fromkeys(warnings)),
        melodies=tuple(melodies),
        fade=fade,
    )


def _cues(
    block: BreathBlock, clip_lengths: Mapping[str, int], cycles: int, line: int, sr: int
) -> tuple[list[ClipEvent], list[Said]]:
    """A spoken cue at the start of each phase of the first `cycles` cycles, if it fits."""
    cues, dropped = [], []
    for phase in block.phases:
        if phase.cycle >= cycles:
            break
        text = BREATH_CUES[phase.kind]
        length = clip_lengths[text]
        if length > phase.length:
            dropped.append(
                Said(
                    f"the cue {text!r} ({length / sr:.1f} s) is longer than its "
                    f"{phase.length / sr:g} s phase, so it is left out",
                    f"het woordje ‘{text}’ duurt {_seconds(length / sr)}, langer dan het "
                    f"{phase.kind.words.name} ({_seconds(phase.length / sr)}), dus daar zegt de "
                    "stem het niet; bij een rustiger ademritme past het wel",
                )
            )
            continue
        cues.append(ClipEvent(phase.start, length, text, line))
    return cues, dropped


def _breath_block(start: int, step: Breathe, pattern: BreathPattern, sr: int) -> BreathBlock:
    # Boundaries are rounded from the exact elapsed time, so fractional phases never drift.
    phases, elapsed = [], 0.0
    for cycle in range(step.cycle_count(pattern)):
        for kind, seconds in pattern.phases:
            begin, elapsed = round(elapsed * sr), elapsed + seconds
            phases.append(PhaseEvent(start + begin, round(elapsed * sr) - begin, kind, cycle))
    return BreathBlock(start, round(elapsed * sr), step.line, tuple(phases))


def _seconds(value: float) -> str:
    """Seconds as Dutch says them: `0,9 seconde`, `2 seconden`."""
    shown = f"{round(value, 1):g}".replace(".", ",")
    return f"{shown} seconde" if round(value, 1) < 2 else f"{shown} seconden"
