"""The benchmarks, in one command, with figures for the README.

    python bench/run.py

First whole builds (below), then the MP3 encoders side by side (bench/encoders.py), the
naive pydub baseline (bench/naive.py), concurrent synthesis (bench/tts.py), the build loop
(bench/loop.py), the studio's edit to ear (bench/studio.py), the import of a 12-minute
reading of her own voice (bench/align.py) and putting the site online (bench/deploy.py).

Whole builds: a generated project with a 15-minute and a 60-minute script of distinct Dutch
lines (over 40% of the time speech, the rest breathing, with the water bed), voiced by espeak
once (the project is kept in bench/out/ so later runs start warm). Each episode is then timed
as one whole `breathcast build --force` process (start-up, planning, rendering, loudness,
encoding, tags and sidecars), against a bare ffmpeg encode of a WAV of the same length at the
same bitrate, with the bundled ffmpeg and with Debian's when it is installed: the floor for
making that MP3 with ffmpeg. The ratio is against the faster of the two; every figure is a
median of 3 runs. Peak RSS is the largest process of the build (Python or the ffmpeg it
runs), from wait4().
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import align
import deploy
import encoders
import loop
import naive
import studio
import tts

from breathcast import ffmpeg

HERE = Path(__file__).resolve().parent
PROJECT = HERE / "out" / "project"
BITRATE = "128k"
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


def build(*args: str) -> tuple[float, float]:
    """(seconds, peak RSS in MB of the largest process) of one whole `breathcast build`."""
    command = [sys.executable, "-m", "breathcast", "--project", str(PROJECT), "build", "-q", *args]
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"breathcast build {' '.join(args)} failed")
    return seconds, usage.ru_maxrss / 1024


def ffmpegs() -> dict[str, str]:
    """The ffmpeg commands on this machine: the bundled one, and Debian's if installed."""
    found = {"bundled": ffmpeg.ffmpeg_exe()}
    if shutil.which("ffmpeg"):
        found["Debian"] = shutil.which("ffmpeg")
    return found


def bare_encode(mp3: Path, exe: str) -> float:
    """Seconds for ffmpeg alone to encode a WAV as long as `mp3` (its own audio) to an MP3."""
    wav = mp3.with_name("same-length.wav")
    ffmpeg.run(["-y", "-i", str(mp3), "-c:a", "pcm_s16le", str(wav)], None, "write the WAV")
    command = [exe, "-loglevel", "error", "-y", "-i", str(wav)]
    command += ["-c:a", "libmp3lame", "-b:a", BITRATE, str(wav.with_name("bare.mp3"))]
    started = time.perf_counter()
    subprocess.run(command, check=True)
    seconds = time.perf_counter() - started
    wav.unlink()
    wav.with_name("bare.mp3").unlink()
    return seconds


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
    exes = ffmpegs()
    names = " | ".join(f"bare encode, {name} ffmpeg" for name in exes)
    ratios = " | ".join(f"vs {name}" for name in exes)
    print(f"| episode | speech | breathcast build | {names} | {ratios} | peak RSS |")
    print("|---" * (4 + 2 * len(exes)) + "|")
    totals = {}
    for minutes, runs in ((15, 3), (60, 3)):
        script = f"scripts/bench-{minutes}.md"
        timed = [build("--force", "--engine", "espeak", str(PROJECT / script)) for _ in range(runs)]
        seconds = statistics.median(t for t, _ in timed)
        peak = max(rss for _, rss in timed)
        mp3 = PROJECT / "build" / f"bench-{minutes}" / f"bench-{minutes}-4-6.mp3"
        bare = {
            n: statistics.median(bare_encode(mp3, e) for _ in range(runs)) for n, e in exes.items()
        }
        duration = ffmpeg.decode_file(mp3, 8000).size / 8000
        share = speech_share(mp3.with_suffix(".vtt"), duration)
        totals[minutes] = seconds
        fastest = min(bare.values())
        print(
            f"| {duration / 60:.1f} min | {share:.0%} | {seconds:.2f} s | "
            + " | ".join(f"{b:.2f} s" for b in bare.values())
            + " | "
            + " | ".join(
                f"{seconds / b:.2f}x" + (" (fastest)" if b == fastest else "")
                for b in bare.values()
            )
            + f" | {peak:.0f} MB |"
        )
    print(f"60 minutes cost {totals[60] / totals[15]:.2f}x the 15-minute episode.\n")


def main() -> None:
    print(f"machine: {os.cpu_count()} cores, {cpu_name()}, Python {platform.python_version()}")
    print(f"Whole builds of one episode, warm voice cache, espeak, {BITRATE}:")
    whole_builds()
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
    align.main()
    print()
    deploy.main()


if __name__ == "__main__":
    main()
