"""The therapist's loop, timed as whole processes on the shipped scripts (2 scripts x 3 ratios).

    python bench/loop.py

- a no-op build (nothing changed), wall time of the whole `breathcast build` process;
- a full warm-cache build (`--force`, every clip already voiced) with -j 1 and with -j 2;
- the therapist's edit: one line of Water & Rust changed, then a plain `breathcast build`
  (one new clip, that script's three episodes rebuilt, the other script skipped).
The espeak voice is used, so it runs offline.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def breathcast(project: Path, *args: str) -> float:
    command = [sys.executable, "-m", "breathcast", "--project", str(project), "build",
               "--engine", "espeak", "-q", *args]  # fmt: skip
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    project = Path(tempfile.mkdtemp(prefix="breathcast-bench-"))
    shutil.copytree(REPO / "scripts", project / "scripts")
    shutil.copy(REPO / "breathcast.toml", project / "breathcast.toml")
    breathcast(project)  # voices every clip and builds everything once
    no_op = statistics.median(breathcast(project) for _ in range(5))
    serial = statistics.median(breathcast(project, "--force", "-j", "1") for _ in range(3))
    parallel = statistics.median(breathcast(project, "--force", "-j", "2") for _ in range(3))
    script = project / "scripts" / "water-en-rust.md"
    original = script.read_text(encoding="utf-8")
    edits: dict[str, list[float]] = {"1": [], "2": []}
    for n in range(3):
        for jobs in edits:
            minutes = 2 * n + int(jobs) + 2  # a new line every time: one clip to voice
            edited = original.replace("Neem deze paar minuten", f"Neem deze {minutes} minuten")
            script.write_text(edited, encoding="utf-8")
            edits[jobs].append(breathcast(project, "-j", jobs))
            script.write_text(original, encoding="utf-8")
            breathcast(project)  # back as it was, for the next round
    print("Build loop, 2 scripts x 3 ratios, espeak, warm voice cache:")
    print("| build | wall time |\n|---|---|")
    print(f"| no-op (nothing changed), median of 5 | {no_op:.2f} s |")
    print(f"| full, -j 1, median of 3 | {serial:.1f} s |")
    print(f"| full, -j 2, median of 3 | {parallel:.1f} s ({serial / parallel:.2f}x faster) |")
    for jobs, times in edits.items():
        print(
            f"| one line edited: 1 new clip, 3 episodes, -j {jobs}, median of 3 "
            f"| {statistics.median(times):.1f} s |"
        )
    shutil.rmtree(project)


if __name__ == "__main__":
    main()
