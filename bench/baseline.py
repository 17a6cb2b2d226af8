"""The floor every build figure is held against: ffmpeg alone encoding the same audio, with the
fastest ffmpeg on the machine (Debian's where installed, else the bundled one from pip).

A build delivers an MP3 and, beside it, an Ogg Opus file, so the main baseline is one ffmpeg
command that encodes the same WAV into both, at the same bitrates and settings (MP3: LAME at
its default quality, CBR; Opus: mono, 48 kHz, complexity 6, 60 ms frames). The MP3-only
encode is the second reference.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

from breathcast.core import SoundSettings
from breathcast.sound import ffmpeg


def fastest_ffmpeg() -> tuple[str, str]:
    """(name, command) of the fastest ffmpeg here: Debian's when installed."""
    if shutil.which("ffmpeg"):
        return "Debian's", shutil.which("ffmpeg")
    return "bundled", ffmpeg.ffmpeg_exe()


def bare_command(exe: str, wav: Path, out: Path, opus: bool, sound: SoundSettings) -> list[str]:
    """ffmpeg encoding `wav` to out.mp3 (and out.opus), as a build makes them."""
    command = [exe, "-loglevel", "error", "-y", "-i", str(wav)]
    command += ["-c:a", "libmp3lame", "-b:a", sound.bitrate, str(out.with_suffix(".mp3"))]
    if opus:
        command += ["-ac", "1", "-af", "aresample=48000:resampler=soxr", "-c:a", "libopus"]
        command += ["-b:a", sound.opus_bitrate, "-compression_level", "6"]
        command += ["-frame_duration", "60", str(out.with_suffix(".opus"))]
    return command


def serial_bare_encodes(mp3s: Iterable[Path], opus: bool, exe: str | None = None) -> float:
    """Seconds for ffmpeg alone to encode the audio of each of `mp3s` in turn (the WAVs are
    decoded first, untimed)."""
    exe = exe or fastest_ffmpeg()[1]
    sound = SoundSettings()
    total = 0.0
    with tempfile.TemporaryDirectory(prefix="breathcast-bare-") as folder:
        for i, mp3 in enumerate(mp3s):
            wav = Path(folder) / f"{i}.wav"
            ffmpeg.run(["-y", "-i", str(mp3), "-c:a", "pcm_s16le", str(wav)], None, "a WAV")
            command = bare_command(exe, wav, Path(folder) / f"{i}-bare", opus, sound)
            started = time.perf_counter()
            subprocess.run(command, check=True)
            total += time.perf_counter() - started
            wav.unlink()
    return total
