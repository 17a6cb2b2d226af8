"""Her own voice: a 12-minute reading imported, aligned, cut and cleaned.

    python bench/align.py

A generated script of the lines of both scripts (each line once, until the reading lasts about
12 minutes), read the messy way tests/readings.py makes it (another espeak voice, 0.92x tempo,
pauses of 0.3-3 s, a comma pause, a false start, breaths, pink noise, hum, reverb) and kept
as a WAV in bench/out/align/ with its truth. Then, each in its own process so that the
generator's memory is not counted:

- the alignment alone (decode at 16 kHz, analyse, DTW in a band, snap to pauses), with the
  share of boundaries within 120 ms of the truth;
- the whole `breathcast record import` (keep a copy, voice the reference with espeak from a
  warm cache, align, cut 48 kHz takes, store them; the takes are cleaned when a build first
  uses them).

Three runs each; the median time and the largest peak RSS are reported.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OUT = HERE / "out" / "align"
MINUTES = 12.0
TOLERANCE_S = 0.120


def make_project() -> None:
    """The script and its reading, once (generating the reading takes about a minute)."""
    sys.path.insert(0, str(REPO / "tests"))
    from readings import make_reading

    from breathcast.script import read_script

    texts: list[str] = []
    for name in ("water-en-rust.md", "warme-plek.md"):
        for speech in read_script(REPO / "scripts" / name).spoken:
            if speech.text not in texts:
                texts.append(speech.text)
    # Enough lines for about 12 minutes: each a little changed, so that every line is new.
    lines, n = [], 0
    while len(lines) < 200:
        lines += [f"{text.rstrip('.')}, deel {n + 1}." for text in texts]
        n += 1
    reading = make_reading(lines[:100], seed=3, voice="nl+f2", tempo=0.92)
    seconds = reading.pcm.size / reading.sample_rate
    count = max(10, round(100 * MINUTES * 60 / seconds))
    if count != 100:
        reading = make_reading(lines[:count], seed=3, voice="nl+f2", tempo=0.92)
        lines = lines[:count]
    (OUT / "scripts").mkdir(parents=True, exist_ok=True)
    body = "\n\n".join(lines[:count])
    (OUT / "scripts" / "lang.md").write_text(f"---\ntitle: Lang\n---\n\n{body}\n")
    (OUT / "breathcast.toml").write_text('ratios = ["4:6"]\nengine = "opname"\n')
    (OUT / "reading.wav").write_bytes(reading.wav())
    (OUT / "truth.json").write_text(json.dumps(reading.truth))


def align_only() -> None:
    """In a child process: the alignment alone, printed as JSON."""
    import numpy as np

    from breathcast.core import load_config
    from breathcast.script import read_script
    from breathcast.sound import ffmpeg
    from breathcast.voice import VoicingContext, get_engine
    from breathcast.voice.align import align_reading
    from breathcast.voice.recording import ALIGN_RATE, at_align_rate, checklist

    config = load_config(OUT)
    rate = config.sound.sample_rate
    script = read_script(OUT / "scripts" / "lang.md")
    reference = VoicingContext.open(config).voice(script, get_engine("espeak", config), jobs=2)
    started = time.perf_counter()
    clips = at_align_rate((reference.clips[s.text] for s in checklist(script)), rate)
    reading = ffmpeg.decode_file(OUT / "reading.wav", ALIGN_RATE)
    placed = align_reading(reading, ALIGN_RATE, clips, ALIGN_RATE)
    seconds = time.perf_counter() - started
    truth = np.array(json.loads((OUT / "truth.json").read_text()))
    found = np.array([[p.start_s, p.end_s] for p in placed])
    within = float(np.mean(np.abs(found - truth) <= TOLERANCE_S))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    minutes = reading.size / ALIGN_RATE / 60
    print(json.dumps({"seconds": seconds, "rss": rss, "within": within, "minutes": minutes}))


def timed(command: list[str]) -> tuple[float, float, str]:
    """(seconds, peak RSS in MB of the largest child, stdout) of one whole process."""
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"{' '.join(command)} failed")
    return time.perf_counter() - started, usage.ru_maxrss / 1024, out


def main() -> None:
    if not (OUT / "truth.json").exists():
        print("(making the 12-minute reading once, about a minute)")
        subprocess.run([sys.executable, __file__, "--make"], check=True)  # its memory stays there
    first = json.loads(timed([sys.executable, __file__, "--align-only"])[2])  # warms the cache
    aligned = [first] + [
        json.loads(timed([sys.executable, __file__, "--align-only"])[2]) for _ in range(2)
    ]
    imports = []
    for _ in range(3):
        shutil.rmtree(OUT / "recordings", ignore_errors=True)
        seconds, rss, _ = timed(
            [
                sys.executable,
                "-m",
                "breathcast",
                "--project",
                str(OUT),
                "record",
                "import",
                str(OUT / "scripts" / "lang.md"),
                str(OUT / "reading.wav"),
            ]  # fmt: skip
        )
        imports.append((seconds, rss))
    minutes = first["minutes"]
    print(f"Her own voice: a {minutes:.1f}-minute reading (3 runs, median, largest peak RSS):")
    print("| step | time | peak RSS | boundaries within 120 ms |\n|---|---|---|---|")
    print(
        f"| alignment alone | {statistics.median(a['seconds'] for a in aligned):.1f} s "
        f"| {max(a['rss'] for a in aligned):.0f} MB | {100 * first['within']:.1f}% |"
    )
    print(
        f"| whole `record import` | {statistics.median(s for s, _ in imports):.1f} s "
        f"| {max(r for _, r in imports):.0f} MB | |"
    )


if __name__ == "__main__":
    {"--align-only": align_only, "--make": make_project}.get("".join(sys.argv[1:]), main)()
