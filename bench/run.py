"""The benchmarks, in one command, with figures for the README.

    python bench/run.py

First whole builds (below), then the CPU each stage of one costs (bench/budget.py), the
MP3 encoders side by side (bench/encoders.py), the naive pydub baseline (bench/naive.py),
concurrent synthesis (bench/tts.py), the build loop (bench/loop.py), the studio's edit to
ear (bench/studio.py), the import of a 12-minute reading of her own voice (bench/align.py)
and putting the site online (bench/deploy.py).

Whole builds: a generated project with a 15-minute and a 60-minute script of distinct Dutch
lines (over 40% of the time speech, the rest breathing, with the water bed), voiced by espeak
once (the project is kept in bench/out/ so later runs start warm). Each episode is then timed
as one whole `breathcast build --force` process with -j as it chooses (start-up, planning,
rendering, metering, the MP3 and the Opus file, tags and sidecars), side by side with ffmpeg
alone encoding a WAV of the same audio (bench/baseline.py, the fastest ffmpeg here): into the
same MP3 and Opus files in one command, and into the MP3 alone. Every figure is a median of 3
runs. CPU time is the build's and every process it ran; peak RSS is the largest of them, from
wait4().
"""

from __future__ import annotations

import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import budget
import deploy
import encoders
import loop
import naive
import studio
import tts
from baseline import fastest_ffmpeg, serial_bare_encodes

from breathcast.sound import ffmpeg

HERE = Path(__file__).resolve().parent
PROJECT = HERE / "out" / "project"
BITRATE = "128k"
RUNS = 3
LINES_PER_UNIT, CYCLES_PER_UNIT = 9, 4  # one unit: 9 lines (~45 s) + 4 breaths (40 s) at 4:6
UNITS = {15: 11, 60: 40}  # measured with espeak: 15.7 and about 60 minutes
OPENINGS = ["Je adem", "Je buik", "Je kindje", "De golf", "Je hart", "Het water"]
ENDINGS = ["wordt rustig en zacht", "mag landen, hier en nu", "zakt mee met elke uitademing",
           "voelt warm en veilig", "komt vanzelf tot rust"]  # fmt: skip


def script_text(minutes: int) -> str:
    """A script of distinct lines (each its own voice clip, as in a real script)."""
    lines = []
    for u in range(UNITS[minutes]):
        lines += [f"# Deel {u + 1}"]
        for i in range(LINES_PER_UNIT):
            n = u * LINES_PER_UNIT + i
            lines.append(f"{OPENINGS[n % 6]} {ENDINGS[n // 6 % 5]}, zin {n + 1}.")
        lines.append(f"[adem {CYCLES_PER_UNIT}x]")
    return f"---\ntitle: Bench {minutes}\nambient: water\n---\n\n" + "\n".join(lines) + "\n"


def make_project() -> None:
    (PROJECT / "scripts").mkdir(parents=True, exist_ok=True)
    (PROJECT / "breathcast.toml").write_text(
        f'ratios = ["4:6"]\nengine = "espeak"\n\n[sound]\nbitrate = "{BITRATE}"\n'
    )
    for minutes in (15, 60):
        path = PROJECT / "scripts" / f"bench-{minutes}.md"
        if not path.exists() or path.read_text() != script_text(minutes):
            path.write_text(script_text(minutes))


def build(*args: str) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak RSS in MB of the largest process) of one whole
    `breathcast build`."""
    command = [sys.executable, "-m", "breathcast", "--project", str(PROJECT), "build", "-q", *args]
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"breathcast build {' '.join(args)} failed")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def speech_share(vtt: Path, duration_s: float) -> float:
    """Fraction of the episode that is speech, from the WebVTT transcript's cue times."""

    def seconds(stamp: str) -> float:
        h, m, s = stamp.split(":")
        return int(h) * 3600 + int(m) * 60 + float(s)

    cues = re.findall(r"([\d:.]+) --> ([\d:.]+)", vtt.read_text())
    return sum(seconds(b) - seconds(a) for a, b in cues) / duration_s


def cpu_name() -> str:
    with open("/proc/cpuinfo") as info:
        names = [line.split(":", 1)[1].strip() for line in info if "model name" in line]
    return names[0] if names else platform.processor()


def whole_builds() -> None:
    make_project()
    started = time.perf_counter()
    build("--engine", "espeak")  # voices what is not cached yet
    print(f"(warm-up build, voicing what was missing: {time.perf_counter() - started:.0f} s)")
    name, exe = fastest_ffmpeg()
    print(f"Bare encodes with {name} ffmpeg; targets for 15 minutes: <= 0.75x MP3 + Opus, "
          "<= 1.15x MP3 alone.\n")  # fmt: skip
    print("| episode | speech | breathcast build, -j auto | its CPU time | bare MP3 + Opus "
          "| build / bare MP3 + Opus | bare MP3 alone | build / bare MP3 | peak RSS |")  # fmt: skip
    print("|---" * 9 + "|")
    totals = {}
    for minutes in (15, 60):
        script = str(PROJECT / "scripts" / f"bench-{minutes}.md")
        timed = [build("--force", "--engine", "espeak", script) for _ in range(RUNS)]
        seconds = statistics.median(wall for wall, _, _ in timed)
        cpu = statistics.median(cpu for _, cpu, _ in timed)
        peak = max(rss for _, _, rss in timed)
        mp3 = PROJECT / "build" / f"bench-{minutes}" / f"bench-{minutes}-4-6.mp3"
        both = statistics.median(serial_bare_encodes([mp3], True, exe) for _ in range(RUNS))
        alone = statistics.median(serial_bare_encodes([mp3], False, exe) for _ in range(RUNS))
        duration = ffmpeg.decode_file(mp3, 8000).size / 8000
        share = speech_share(mp3.with_suffix(".vtt"), duration)
        totals[minutes] = seconds
        print(
            f"| {duration / 60:.1f} min | {share:.0%} | {seconds:.2f} s | {cpu:.1f} s "
            f"| {both:.2f} s | {seconds / both:.2f}x | {alone:.2f} s | {seconds / alone:.2f}x "
            f"| {peak:.0f} MB |"
        )
    print(f"\n60 minutes cost {totals[60] / totals[15]:.2f}x the 15-minute episode "
          "(target <= 4.2x; peak RSS at 60 minutes <= 150 MB).\n")  # fmt: skip


def main() -> None:
    print(f"machine: {os.cpu_count()} cores, {cpu_name()}, Python {platform.python_version()}")
    print(f"Whole builds of one episode, warm voice cache, espeak, {BITRATE}:")
    whole_builds()
    budget.main()
    print()
    sys.stdout.flush()
    encoders.main()
    print()
    naive.main()
    print()
    tts.main()
    print()
    loop.main()
    print()
    studio.main()
    print()
    # In a fresh process: Linux carries a process's peak RSS over exec() into its children, so
    # the alignment's would start at this process's (a gigabyte after the pydub baseline).
    sys.stdout.flush()
    subprocess.run([sys.executable, str(HERE / "align.py")], check=True)
    print()
    deploy.main()


if __name__ == "__main__":
    main()
