"""Her voice in: a whole reading of a script cut into one take per line, or one line's take.

    report = import_reading(config, "scripts/water-en-rust.md", "opname.m4a")

The reading is kept as it was; it is aligned with the script (align.py) against the script
voiced by espeak, and every line's stretch is cut from it, with a little of the pauses
around it, at 48 kHz. The reading's quietest half second is kept as its noise profile.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from breathcast.core import AudioError, Config, RecordingError, Said
from breathcast.script import Script, Speech, clock, normalize_text, read_script
from breathcast.sound import ffmpeg
from breathcast.voice.align import Placed, align_reading
from breathcast.voice.context import VoicingContext
from breathcast.voice.denoise import PROFILE_S, quietest_start
from breathcast.voice.engines import get_engine
from breathcast.voice.takes import TAKE_RATE, Take, TakeStore, now

ALIGN_RATE = 16000  # plenty for finding words, and light: a 12-minute reading is 46 MB
PAD_BEFORE_S = 0.3  # silence kept before a line (at most half the pause before it)
PAD_AFTER_S = 0.4  # and after it: the last word's decay
LONGEST_TAKE_S = 300.0


@dataclass(frozen=True)
class PlacedLine:
    speech: Speech
    placed: Placed
    take: Take | None  # the take kept for this line's text (None: another reading of it won)
    new: bool  # stored by this import (False: it was there already)


@dataclass(frozen=True)
class ImportReport:
    script: str
    reading: Path  # the kept copy in recordings/readings/
    lines: tuple[PlacedLine, ...]

    @property
    def new_takes(self) -> int:
        return sum(line.new for line in self.lines)

    @property
    def unsure(self) -> list[PlacedLine]:
        return [line for line in self.lines if not line.placed.confident]

    @property
    def repeats(self) -> list[PlacedLine]:
        return [line for line in self.lines if line.placed.repeated_at_s is not None]

    def place(self, line: PlacedLine) -> str:
        return f"{Path(self.script).name}:{line.speech.line}"


def checklist(script: Script) -> list[Speech]:
    """What to read, in the order to read it: the lines, then each breathing cue once."""
    return list(script.spoken)


def import_reading(
    config: Config,
    script_path: str | Path,
    reading_path: str | Path,
    on_step: Callable[[str], None] = lambda what: None,
) -> ImportReport:
    """Cut a reading of the whole script into a take per line; importing it again changes
    nothing. A `RecordingError` if it is no audio, or no reading of this script."""
    script = read_script(script_path)
    store = TakeStore.of(config)
    reading_path = Path(reading_path)
    _must_exist(reading_path)
    on_step("listening to the reading")
    reading = _decoded(reading_path, ALIGN_RATE)
    if reading.size < ALIGN_RATE:
        raise RecordingError(
            Said(
                en=f"{reading_path}: the recording is empty; record the script again",
                nl="deze opname is leeg; neem de tekst opnieuw op",
            ),
        )
    copy, _ = store.keep_reading(reading_path, script)  # a reading, so kept as it came
    on_step("voicing the script to compare (espeak)")
    context = VoicingContext.open(config)
    espeak = get_engine("espeak", config)
    reference = context.voice(script, espeak, jobs=config.voice.tts_jobs)
    order = checklist(script)
    on_step("finding every line")
    clips = at_align_rate((reference.clips[s.text] for s in order), config.sound.sample_rate)
    placed = align_reading(reading, ALIGN_RATE, clips, ALIGN_RATE)
    noise_at = _quietest(reading)
    del reading, clips

    # A line said twice in the script keeps its surest reading.
    best: dict[str, int] = {}
    for index, (speech, where) in enumerate(zip(order, placed, strict=True)):
        key = normalize_text(speech.text)
        if key not in best or (where.confident, -where.cost) > (
            placed[best[key]].confident,
            -placed[best[key]].cost,
        ):
            best[key] = index
    windows = {index: _window(placed[index]) for index in best.values()}
    noise = store.add_noise(ffmpeg.decode_file(copy, TAKE_RATE, noise_at, PROFILE_S))

    on_step("cutting the takes")
    stored: dict[int, tuple[Take, bool]] = {}
    for index, pcm in _cut(ffmpeg.decode_blocks(copy, TAKE_RATE), windows):  # each as it is cut
        speech, where = order[index], placed[index]
        described = Take(
            text=normalize_text(speech.text),
            script=Path(script.path).name,
            line=speech.line,
            source=f"reading {copy.name} {clock(where.start_s)}-{clock(where.end_s)}",
            recorded=now(),
            confident=where.confident,
            noise=noise,
            repeated_at_s=where.repeated_at_s,
        )
        stored[index] = store.add(pcm, described)
    lines = [
        PlacedLine(speech, where, *stored.get(index, (None, False)))
        for index, (speech, where) in enumerate(zip(order, placed, strict=True))
    ]
    return ImportReport(script.path, copy, tuple(lines))


def _must_exist(path: Path) -> None:
    if not path.is_file():
        raise RecordingError(
            Said(
                en=f"{path}: there is no such file; give the recording's path",
                nl="deze opname kan ik niet vinden",
            ),
        )


def _decoded(path: Path, rate: int) -> np.ndarray:
    """The recording at `path`, decoded; a `RecordingError` if it is no audio."""
    try:
        return ffmpeg.decode_file(path, rate)
    except AudioError as exc:
        raise RecordingError(
            Said(
                en=f"{path}: this is not a recording breathcast can read ({exc}); save it as WAV, "
                "MP3, M4A, Ogg or WebM",
                nl="dit bestand is geen opname die ik kan lezen; bewaar het als WAV, MP3 of M4A",
            ),
        ) from exc


def at_align_rate(clips: Iterable[np.ndarray], rate: int) -> list[np.ndarray]:
    """The reference clips at ALIGN_RATE, where they analyse three times faster than at
    44.1 kHz: a minute of clips per ffmpeg run, read as they come, so that neither runs nor
    memory pile up."""
    out: list[np.ndarray] = []
    batch: list[np.ndarray] = []

    def flush() -> None:
        edges = np.round(np.cumsum([0] + [c.size for c in batch]) * ALIGN_RATE / rate)
        joined = ffmpeg.resample(np.concatenate(batch), rate, ALIGN_RATE)
        out.extend(joined[int(a) : int(b)] for a, b in zip(edges[:-1], edges[1:], strict=True))
        batch.clear()

    held = 0
    for clip in clips:
        batch.append(clip)
        held += clip.size
        if held >= 60 * rate:
            flush()
            held = 0
    if batch:
        flush()
    return out


def _quietest(reading: np.ndarray) -> float:
    """Where the reading's quietest half second starts, in seconds."""
    return (quietest_start(reading, ALIGN_RATE, PROFILE_S) or 0) / ALIGN_RATE


def _window(where: Placed) -> tuple[float, float]:
    """The stretch to cut for a line: the line, and some of the pauses around it."""
    start = max(where.start_s - PAD_BEFORE_S, (where.room_before_s + where.start_s) / 2)
    end = min(where.end_s + PAD_AFTER_S, (where.end_s + where.room_after_s) / 2)
    return max(0.0, start), end


def _cut(
    blocks: Iterable[np.ndarray], windows: dict[int, tuple[float, float]]
) -> Iterator[tuple[int, np.ndarray]]:
    """Cut each window (seconds) out of a stream of TAKE_RATE blocks, keeping in memory only
    from the earliest window not yet complete."""
    pending = sorted(
        ((round(a * TAKE_RATE), round(b * TAKE_RATE), key) for key, (a, b) in windows.items()),
    )
    buffer = np.zeros(0, np.float32)
    offset = 0  # the sample number of buffer[0]
    for block in blocks:
        buffer = np.concatenate([buffer, block])
        while pending and pending[0][1] <= offset + buffer.size:
            start, end, key = pending.pop(0)
            yield key, buffer[max(0, start - offset) : end - offset].copy()
        # Keep from the next window's start: no further than what has arrived, so that
        # `offset` never runs ahead of the stream when the next window starts later.
        keep_from = min((pending[0][0] if pending else offset + buffer.size) - offset, buffer.size)
        if keep_from > 0:
            buffer, offset = buffer[keep_from:], offset + keep_from
    for start, end, key in pending:  # windows that run past the end
        yield key, buffer[max(0, start - offset) : max(0, end - offset)].copy()


def record_line(
    config: Config,
    script_path: str | Path,
    line: int,
    audio_path: str | Path,
    text: str | None = None,
    source: str = "",
) -> Take:
    """Keep the recording `audio_path` as the take of line `line` (of the cue `text`, for a
    breathing block with several): a `RecordingError` saying what to do otherwise."""
    script = read_script(script_path)
    name = Path(script.path).name
    here = [s for s in script.spoken if s.line == line]
    if text is not None:
        here = [s for s in here if normalize_text(s.text) == normalize_text(text)]
    if not here:
        raise RecordingError(
            Said(
                en=f"{name}:{line}: there is no spoken line here to record; pick a line with text "
                "(`breathcast takes` lists them)",
                nl=f"regel {line} heeft geen tekst om in te spreken",
            ),
        )
    if len(here) > 1:
        choices = ", ".join(repr(s.text) for s in here)
        raise RecordingError(
            f"{name}:{line}: this breathing block has several cues ({choices}); say which one "
            "with --text",
        )
    audio_path = Path(audio_path)
    _must_exist(audio_path)
    pcm = _decoded(audio_path, TAKE_RATE)
    if pcm.size < TAKE_RATE // 4 or float(np.max(np.abs(pcm), initial=0.0)) < 1e-3:
        raise RecordingError(
            Said(
                en=f"{audio_path}: there is no sound in this recording; is the microphone on? "
                "Record the line again",
                nl="er staat geen geluid in deze opname; staat de microfoon aan? Neem opnieuw op",
            ),
        )
    if pcm.size > LONGEST_TAKE_S * TAKE_RATE:
        raise RecordingError(
            Said(
                en=f"{audio_path}: {clock(pcm.size / TAKE_RATE)} is long for one line; for a whole "
                "reading use `breathcast record import`",
                nl="dit is wel erg lang voor één zin; importeer een hele lezing bij Opnemen",
            ),
        )
    speech = here[0]
    described = Take(
        text=normalize_text(speech.text),
        script=name,
        line=speech.line,
        source=source or f"file {audio_path.name}",
        recorded=now(),
    )
    return TakeStore.of(config).add(pcm, described)[0]
