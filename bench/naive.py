"""The baseline we do not use: mixing the same timeline by overlaying pydub segments one by one.

    python bench/naive.py

Each `overlay` copies the whole growing track, so the cost grows with length x events.
breathcast places the same clips into one numpy buffer instead (render in bench/run.py).
"""

from __future__ import annotations

import time
import warnings

import numpy as np

with warnings.catch_warnings():  # pydub warns about ffmpeg on PATH; nothing here needs it
    warnings.simplefilter("ignore", RuntimeWarning)
    from pydub import AudioSegment

from breathcast import tone
from breathcast.breath import BreathPattern
from breathcast.render import render
from breathcast.timeline import plan

SR = 44100


def segment(pcm: np.ndarray) -> AudioSegment:
    samples = np.clip(pcm * 32767, -32768, 32767).astype("<i2")
    return AudioSegment(samples.tobytes(), frame_rate=SR, sample_width=2, channels=1)


def naive_mix(timeline, clips, sound) -> AudioSegment:
    track = AudioSegment.silent(duration=timeline.duration_s * 1000, frame_rate=SR)
    for clip in timeline.clips:
        track = track.overlay(segment(clips[clip.text]), position=clip.start * 1000 / SR)
    for block in timeline.blocks:
        pcm = tone.render_block(block, sound)
        track = track.overlay(segment(pcm), position=block.start * 1000 / SR)
    return track


def main() -> None:
    from run import SOUND, synthetic  # the same synthetic episodes as the main benchmark

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
        render(timeline, clips, SOUND)
        ours = time.perf_counter() - started
        row = f"| {timeline.duration_s / 60:.1f} min | {events} | {naive:.1f} s | {ours:.2f} s"
        print(f"{row} | {naive / ours:.0f}x |")


if __name__ == "__main__":
    main()
