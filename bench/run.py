"""The benchmarks, in one command, with figures for the README.

    python bench/run.py

First rendering and mastering (below), then the naive pydub baseline (bench/naive.py), then
concurrent synthesis (bench/tts.py), then the build loop (bench/loop.py).

Builds synthetic episodes of 5, 15 and 60 minutes (40% speech, the rest breathing, with the
water bed) from in-memory clips, so only planning, rendering and mastering are timed, and
compares each with a bare ffmpeg encode of a WAV of the same length (the floor for an MP3).
"master + encode" is the whole loudness step: measure, encode, measure the MP3.
"""

from __future__ import annotations

import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import loop
import naive
import numpy as np
import tts

from breathcast import ambience, ffmpeg
from breathcast.breath import BreathPattern
from breathcast.config import SoundSettings
from breathcast.loudness import encode_normalized
from breathcast.render import render
from breathcast.script import parse_script
from breathcast.timeline import plan
from breathcast.voice import prepare_clip

SOUND = SoundSettings()
SR = SOUND.sample_rate
CLIP_S = 4.0  # every synthetic line lasts 4 s
LINES_PER_UNIT, CYCLES_PER_UNIT = 6, 4  # one unit: 6 lines (~29 s) + 4 breaths (40 s) at 4:6


def synthetic(minutes: float):
    units = max(1, round(minutes * 60 / (LINES_PER_UNIT * (CLIP_S + SOUND.line_gap_s) + 40.9)))
    body = "".join(
        "".join(f"Zin {u}-{i}.\n" for i in range(LINES_PER_UNIT)) + f"[adem {CYCLES_PER_UNIT}x]\n"
        for u in range(units)
    )
    script = parse_script("---\ntitle: Bench\nambient: water\n---\n" + body, "bench.md")
    rng = np.random.default_rng(0)
    clip = prepare_clip(rng.standard_normal(int(CLIP_S * SR)).astype(np.float32), SOUND)
    clips = {s.text: clip for s in script.speech}
    return script, clips


def render_mix(timeline, clips) -> np.ndarray:
    bed = ambience.bed("water", None, timeline, SOUND, seed=1)
    return render(timeline, clips, SOUND, bed)


def timed(fn, *args):
    """(result, seconds) of one call."""
    start = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - start


def bare_encode(pcm: np.ndarray, out: Path) -> float:
    """Seconds for ffmpeg alone to turn a WAV of the same length into an MP3."""
    wav = out / "same.wav"
    write_wav = [*ffmpeg.pcm_format(SR), "-i", "pipe:0", "-c:a", "pcm_s16le", "-y", str(wav)]
    ffmpeg.run(write_wav, pcm.tobytes(), "write the WAV")
    command = [ffmpeg.ffmpeg_exe(), "-loglevel", "error", "-y", "-i", str(wav)]
    command += ["-c:a", "libmp3lame", "-b:a", SOUND.bitrate, str(out / "bare.mp3")]
    return timed(subprocess.run, command)[1]


def cpu_name() -> str:
    with open("/proc/cpuinfo") as info:
        names = [line.split(":", 1)[1].strip() for line in info if "model name" in line]
    return names[0] if names else platform.processor()


def main() -> None:
    out = Path(tempfile.mkdtemp(prefix="breathcast-bench-"))
    print(f"machine: {os.cpu_count()} cores, {cpu_name()}, Python {platform.python_version()}")
    print("| episode | plan | render | master + encode | total | bare ffmpeg encode | ratio |")
    print("|---|---|---|---|---|---|---|")
    pattern = BreathPattern.parse("4:6")
    for minutes in (5, 15, 60):
        script, clips = synthetic(minutes)
        lengths = {k: v.size for k, v in clips.items()}
        timeline, t_plan = timed(plan, script, lengths, pattern, SOUND)
        pcm, t_render = timed(render_mix, timeline, clips)
        _, t_encode = timed(encode_normalized, pcm, out / "ep.mp3", SOUND)
        t_bare = bare_encode(pcm, out)
        total = t_plan + t_render + t_encode
        print(
            f"| {timeline.duration_s / 60:.1f} min | {t_plan * 1000:.1f} ms | {t_render:.2f} s "
            f"| {t_encode:.2f} s | {total:.2f} s | {t_bare:.2f} s | {total / t_bare:.2f}x |"
        )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process: {peak_mb:.0f} MB\n")
    sys.stdout.flush()
    naive.main()
    print()
    tts.main()
    print()
    loop.main()


if __name__ == "__main__":
    main()
