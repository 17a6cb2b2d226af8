"""Concurrent synthesis against a local fake of Google that takes 300 ms per request.

    python bench/tts.py

100 uncached lines, voiced once with one job and once with the default pool of 4.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from fake_gtts import FakeGoogle  # noqa: E402

from breathcast.core.config import Config, SoundSettings, VoiceSettings  # noqa: E402
from breathcast.script.parser import parse_script  # noqa: E402
from breathcast.voice.cache import VoiceCache  # noqa: E402
from breathcast.voice.engines import get_engine  # noqa: E402
from breathcast.voice.engines.gtts_engine import ENDPOINT_ENV  # noqa: E402
from breathcast.voice.voicing import VoiceOptions, voice_script  # noqa: E402

LINES = 100
DELAY_S = 0.3


def voice_all(jobs: int, fake: FakeGoogle) -> float:
    script = parse_script(
        "---\ntitle: Bench\n---\n" + "".join(f"Zin nummer {n}, rustig.\n" for n in range(LINES))
    )
    os.environ[ENDPOINT_ENV] = fake.url
    cache = VoiceCache(tempfile.mkdtemp(prefix="breathcast-tts-"), 44100)
    started = time.perf_counter()
    voice_script(
        script, get_engine("gtts", Config()), cache, VoiceOptions(SoundSettings(), jobs=jobs)
    )
    return time.perf_counter() - started


def main() -> None:
    with FakeGoogle() as fake:
        for n in range(LINES):  # the fake's own MP3s are made before timing starts
            fake.audio_for(f"Zin nummer {n}, rustig.")
        fake.delay_s = DELAY_S
        serial = voice_all(1, fake)
        pooled = voice_all(VoiceSettings().tts_jobs, fake)
    print(f"{LINES} uncached lines, {DELAY_S * 1000:.0f} ms per request:")
    print("| jobs | time | vs serial |\n|---|---|---|")
    print(f"| 1 | {serial:.1f} s | 1.00 |")
    print(f"| {VoiceSettings().tts_jobs} | {pooled:.1f} s | {pooled / serial:.2f} |")


if __name__ == "__main__":
    main()
