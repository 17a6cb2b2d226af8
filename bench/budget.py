"""The CPU one episode costs, stage by stage, and the fastest it could be on this machine.

    python bench/budget.py          (after bench/run.py has made the 15-minute episode)

Each stage of one build is run alone, one after the other, on the 15-minute bench episode
(bench/run.py's project, warm voice cache, espeak), and its CPU time measured:
- start-up: a fresh Python importing what a build imports;
- the plan: timeline, voice clips from the cache, the water loops and the loudness prediction;
- rendering and mastering every chunk (the main thread of a build);
- the meter on those samples (its thread);
- LAME on those samples (its thread);
- the Opus encoder on those samples (its process).

In a build these overlap on the cores, except the start-up and the plan, which come before the
first sample; and LAME is one thread, which no number of cores shortens. So no build here can
take less than: start-up + plan + the longer of LAME alone and the rest spread over the cores.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from pathlib import Path

from breathcast.build import episode_mixer, predicted_lufs
from breathcast.core import BreathPattern, load_config
from breathcast.script import read_script
from breathcast.sound import ffmpeg
from breathcast.sound.encode import opus_args
from breathcast.sound.loudness import mastering_gain
from breathcast.sound.master import Master
from breathcast.sound.meter import StreamMeter
from breathcast.sound.mp3 import encode_mp3, to_pcm16
from breathcast.voice import VoicingContext, get_engine

HERE = Path(__file__).resolve().parent
PROJECT = HERE / "out" / "project"
SCRIPT = PROJECT / "scripts" / "bench-15.md"
IMPORTS = (
    "import breathcast.cli, breathcast.build.builder, breathcast.build.produce, "
    "breathcast.sound.encode"
)


def child_cpu(command: list[str], stdin: bytes | None = None) -> float:
    """CPU seconds (user + system) of one child process, from wait4()."""
    proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    if stdin is not None:
        proc.stdin.write(stdin)
    proc.stdin.close()
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"{command[0]} failed")
    return usage.ru_utime + usage.ru_stime


def cpu(work) -> tuple[float, object]:
    started = time.process_time()
    result = work()
    return time.process_time() - started, result


def stages() -> dict[str, float]:
    config = load_config(PROJECT)
    sound = config.sound
    script = read_script(SCRIPT)
    startup = min(child_cpu([sys.executable, "-c", IMPORTS]) for _ in range(3))

    def plan():
        context = VoicingContext.open(config)
        voiced = context.voice(script, get_engine("espeak", config), jobs=1)
        timeline, mixer = episode_mixer(script, BreathPattern.parse("4:6"), voiced, config)
        return timeline, mixer, predicted_lufs(timeline, voiced, mixer)

    planning, (timeline, mixer, predicted) = cpu(plan)
    gain = mastering_gain(predicted, sound)
    master = Master(mixer.mix, timeline.length, sound.sample_rate, gain, sound.true_peak_dbtp)
    rendering, chunks = cpu(lambda: list(master.chunks()))
    pcm16 = [bytes(to_pcm16(c)) for c in chunks]

    def meter():
        listening = StreamMeter(sound, timeline.program_end)
        for block in pcm16:
            listening.write(block)
        return listening.result()

    metering, _ = cpu(meter)

    def lame():  # with the 16-bit conversion, which a build does once for all three
        return encode_mp3(chunks, io.BytesIO(), sound.sample_rate, sound.bitrate)

    laming, _ = cpu(lame)
    opus = [ffmpeg.ffmpeg_exe(), "-v", "error", *opus_args(sound), "-y", os.devnull]
    opusing = child_cpu(opus, b"".join(pcm16))
    return {
        "start-up (imports)": startup,
        "plan, clips, water loops, prediction": planning,
        "render and master": rendering,
        "meter": metering,
        "LAME (MP3)": laming,
        "Opus (ffmpeg)": opusing,
    }


def main() -> None:
    if not SCRIPT.exists():
        raise SystemExit(f"{SCRIPT} is missing: run `python bench/run.py` once first")
    costs = stages()
    serial = costs["start-up (imports)"] + costs["plan, clips, water loops, prediction"]
    overlapped = sum(costs.values()) - serial
    cores = os.cpu_count() or 1
    print("CPU per stage, the 15-minute bench episode, each stage run alone:\n")
    print("| stage | CPU time |")
    print("|---|---|")
    for name, seconds in costs.items():
        print(f"| {name} | {seconds:.2f} s |")
    print(f"| all | {sum(costs.values()):.2f} s |")
    lame = costs["LAME (MP3)"]
    floor = serial + max(lame, overlapped / cores)
    print(
        f"\nBefore the first sample {serial:.2f} s run on one core; the other "
        f"{overlapped:.2f} s overlap on {cores} cores at best ({overlapped / cores:.2f} s), "
        f"but LAME's thread alone needs {lame:.2f} s: no build of this episode can take less "
        f"than {floor:.2f} s here."
    )


if __name__ == "__main__":
    main()
