"""The baseline we do not use: mixing the same timeline by overlaying pydub segments one by one.

    python bench/naive.py

Each `overlay` copies the whole growing track, so the cost grows with length x events.
breathcast renders the same timeline in numpy chunks instead, as a build streams it.
"""

from __future__ import annotations

import time
import warnings

import numpy as np

with warnings.catch_warnings():  # pydub warns about ffmpeg on PATH; nothing here needs it
    warnings.simplefilter("ignore", RuntimeWarning)
    from pydub import AudioSegment

from breathcast.core import BreathPattern, SoundSettings
from breathcast.script import parse_script
from breathcast.sound import Mixer, plan, tone
from breathcast.voice.voicing import prepare_clip

SR = 44100


def segment(pcm: np.ndarray) -> AudioSegment:
    samples = np.clip(pcm * 32767, -32768, 32767).astype("<i2")
    return AudioSegment(samples.tobytes(), frame_rate=SR, sample_width=2, channels=1)


def naive_mix(timeline, clips, sound) -> AudioSegment:
    track = AudioSegment.silent(duration=timeline.duration_s * 1000, frame_rate=SR)
    for clip in timeline.clips:
        track = track.overlay(segment(clips[clip.text]), position=clip.start * 1000 / SR)
    for block in timeline.blocks:
        pcm = tone.PacingTone([block], sound)(block.start, block.start + block.length)
        track = track.overlay(segment(pcm), position=block.start * 1000 / SR)
    return track


SOUND = SoundSettings()
CLIP_S = 4.0  # every synthetic line lasts 4 s
LINES_PER_UNIT, CYCLES_PER_UNIT = 6, 4  # one unit: 6 lines (~29 s) + 4 breaths (40 s) at 4:6


def synthetic(minutes: float):
    """A script of `minutes` (40% speech, the rest breathing) and in-memory clips for it."""
    units = max(1, round(minutes * 60 / (LINES_PER_UNIT * (CLIP_S + SOUND.line_gap_s) + 40.9)))
    body = "".join(
        "".join(f"Zin {u}-{i}.\n" for i in range(LINES_PER_UNIT)) + f"[adem {CYCLES_PER_UNIT}x]\n"
        for u in range(units)
    )
    script = parse_script("---\ntitle: Bench\n---\n" + body, "bench.md")
    rng = np.random.default_rng(0)
    clip = prepare_clip(rng.standard_normal(int(CLIP_S * SR)).astype(np.float32), SOUND)
    return script, {s.text: clip for s in script.speech}


def main() -> None:
    print("Mixing the same timeline (voice clips and tone blocks, no bed), in seconds:")
    print(
        "| episode | events | pydub overlays | breathcast render | ratio |\n|---|---|---|---|---|"
    )
    for minutes in (5, 15, 30):
        script, clips = synthetic(minutes)
        timeline = plan(
            script, {k: v.size for k, v in clips.items()}, BreathPattern.parse("4:6"), SOUND
        )
        events = len(timeline.clips) + len(timeline.blocks)
        started = time.perf_counter()
        naive_mix(timeline, clips, SOUND)
        naive = time.perf_counter() - started
        started = time.perf_counter()
        for _ in Mixer(timeline, clips, SOUND).chunks():  # as a build streams it
            pass
        ours = time.perf_counter() - started
        row = f"| {timeline.duration_s / 60:.1f} min | {events} | {naive:.1f} s | {ours:.2f} s"
        print(f"{row} | {naive / ours:.0f}x |")


if __name__ == "__main__":
    main()
