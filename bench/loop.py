"""The therapist's loop on the shipped catalogue, timed as whole processes.

    python bench/loop.py

The shipped scripts at every length and ratio they list (24 episodes, 3 hours of audio),
with the espeak voice (so it runs offline) and a warm voice cache:
- the full catalogue (`--force`, -j as it chooses), wall time and CPU time (the process and
  every process it ran), against the serial bare ffmpeg encodes of the same audio: MP3 and
  Opus in one command each, and MP3 alone (bench/baseline.py); then once at -j 1 and -j 2;
- a no-op build (nothing changed);
- the therapist's edit: one line of Water & Rust changed, then a plain `breathcast build`
  (one new clip, its 9 episodes rebuilt, the rest skipped), against the bare encodes of those.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from baseline import fastest_ffmpeg, serial_bare_encodes

REPO = Path(__file__).resolve().parent.parent


def breathcast(project: Path, *args: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds of it and every process it waited for) of one build."""
    command = [sys.executable, "-m", "breathcast", "--project", str(project), "build",
               "--engine", "espeak", "-q", *args]  # fmt: skip
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"breathcast build {' '.join(args)} failed")
    return time.perf_counter() - started, usage.ru_utime + usage.ru_stime


def built(project: Path, rebuilt_only: bool = False) -> list[Path]:
    episodes = json.loads((project / "build" / "report.json").read_text())["episodes"]
    return [
        project / "build" / e["path"]
        for e in episodes
        if not rebuilt_only or e["status"] == "built"
    ]


def main() -> None:
    project = Path(tempfile.mkdtemp(prefix="breathcast-bench-"))
    shutil.copytree(REPO / "scripts", project / "scripts")
    shutil.copy(REPO / "breathcast.toml", project / "breathcast.toml")
    breathcast(project)  # voices every clip and builds everything once
    catalogue = built(project)
    report = json.loads((project / "build" / "report.json").read_text())
    minutes = sum(e["duration_s"] for e in report["episodes"]) / 60
    no_op = statistics.median(breathcast(project)[0] for _ in range(5))
    full = [breathcast(project, "--force") for _ in range(3)]
    full_wall = statistics.median(w for w, _ in full)
    full_cpu = statistics.median(c for _, c in full)
    by_jobs = {jobs: breathcast(project, "--force", "-j", jobs) for jobs in ("1", "2")}
    name, exe = fastest_ffmpeg()
    bare_both = serial_bare_encodes(catalogue, opus=True, exe=exe)
    bare_mp3 = serial_bare_encodes(catalogue, opus=False, exe=exe)
    script = project / "scripts" / "water-en-rust.md"
    original = script.read_text(encoding="utf-8")
    edits = []
    for n in range(3):  # a new line every time: one clip to voice
        edited = original.replace("Neem deze paar minuten", f"Neem deze {n + 2} minuten")
        script.write_text(edited, encoding="utf-8")
        edits.append(breathcast(project))
    rebuilt = built(project, rebuilt_only=True)
    edit_wall = statistics.median(w for w, _ in edits)
    edit_bare = serial_bare_encodes(rebuilt, opus=True, exe=exe)
    print(
        f"The shipped catalogue: {len(catalogue)} episodes, {minutes:.0f} minutes of audio, "
        f"espeak, warm voice cache, {os.cpu_count()} cores; baselines: {name} ffmpeg"
    )
    print("| build | wall time | CPU time | serial bare encodes, MP3 + Opus | ratio |")
    print("|---|---|---|---|---|")
    print(
        f"| full catalogue, -j auto, median of 3 | {full_wall:.1f} s | {full_cpu:.1f} s "
        f"| {bare_both:.1f} s (MP3 alone {bare_mp3:.1f} s) | {full_wall / bare_both:.2f}x "
        f"({full_wall / bare_mp3:.2f}x the MP3 alone) |"
    )
    for jobs, (wall, cpu) in by_jobs.items():
        print(f"| full catalogue, -j {jobs}, once | {wall:.1f} s | {cpu:.1f} s | | |")
    print(f"| no-op (nothing changed), median of 5 | {no_op:.2f} s | | | |")
    print(
        f"| one line of Water & Rust edited: 1 new clip, {len(rebuilt)} episodes, median "
        f"of 3 | {edit_wall:.1f} s | {statistics.median(c for _, c in edits):.1f} s "
        f"| {edit_bare:.1f} s | {edit_wall / edit_bare:.2f}x |"
    )
    shutil.rmtree(project)


if __name__ == "__main__":
    main()
