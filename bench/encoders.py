"""MP3 encoders side by side: the same 15 minutes of episode audio, 128 kbps CBR, mono.

    python bench/encoders.py

Every candidate that installs from pip is timed in this process on the same float samples
(conversion included), and ffmpeg's own libmp3lame as a whole command on a file of them: the
bundled static ffmpeg (imageio-ffmpeg) and Debian's, when it is installed. Candidates that are
not installed are listed as such; breathcast itself needs only lameenc.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from breathcast.sound import ffmpeg, mp3

SR = 44100
HERE = Path(__file__).resolve().parent
EPISODE = HERE / "out" / "project" / "build" / "bench-15" / "bench-15-4-6.mp3"


def with_lameenc(pcm: np.ndarray, dest: Path) -> None:
    with open(dest, "wb") as file:  # breathcast's own path: LAME quality 3, Info frame
        mp3.encode_mp3((pcm[i : i + 2**17] for i in range(0, pcm.size, 2**17)), file, SR, "128k")


def with_pyav(pcm: np.ndarray, dest: Path) -> None:
    import av

    with av.open(str(dest), "w", format="mp3") as container:
        stream = container.add_stream("libmp3lame", rate=SR, layout="mono")
        stream.bit_rate = 128_000
        for i in range(0, pcm.size, 2**17):
            frame = av.AudioFrame.from_ndarray(
                pcm[None, i : i + 2**17], format="fltp", layout="mono"
            )
            frame.sample_rate = SR
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))


def with_soundfile(pcm: np.ndarray, dest: Path) -> None:
    import soundfile

    with soundfile.SoundFile(
        dest, "w", SR, 1, format="MP3", subtype="MPEG_LAYER_III", bitrate_mode="CONSTANT",
        compression_level=0.5,
    ) as file:  # fmt: skip
        for i in range(0, pcm.size, 2**17):
            file.write(pcm[i : i + 2**17])


def with_pedalboard(pcm: np.ndarray, dest: Path) -> None:
    from pedalboard.io import AudioFile

    with AudioFile(str(dest), "w", SR, 1, quality="128 kbps") as file:
        for i in range(0, pcm.size, 2**17):
            file.write(pcm[None, i : i + 2**17])


def command(exe: str) -> Callable[[np.ndarray, Path], None]:
    def encode(pcm: np.ndarray, dest: Path) -> None:
        source = dest.with_suffix(".f32")
        if not source.exists():
            source.write_bytes(pcm.tobytes())
        args = [exe, "-loglevel", "error", "-y", *ffmpeg.pcm_format(SR), "-i", str(source)]
        subprocess.run([*args, "-c:a", "libmp3lame", "-b:a", "128k", str(dest)], check=True)

    return encode


def timed(encode, pcm: np.ndarray, folder: Path, runs: int = 3) -> tuple[float, int] | str:
    dest = folder / "out.mp3"
    times = []
    try:
        for _ in range(runs):
            started = time.perf_counter()
            encode(pcm, dest)
            times.append(time.perf_counter() - started)
    except ImportError as exc:
        return f"not installed ({exc.name})"
    except Exception as exc:  # a candidate that cannot do it is a result too
        return f"failed: {exc}"
    return statistics.median(times), dest.stat().st_size


def main() -> None:
    if not EPISODE.exists():
        raise SystemExit(f"{EPISODE} is missing: run `python bench/run.py` once first")
    pcm = ffmpeg.decode_file(EPISODE, SR)
    candidates = {
        "lameenc (breathcast, in-process)": with_lameenc,
        "PyAV libmp3lame (in-process)": with_pyav,
        "soundfile / libsndfile (in-process)": with_soundfile,
        "pedalboard (in-process)": with_pedalboard,
        "ffmpeg command, bundled (imageio-ffmpeg)": command(ffmpeg.ffmpeg_exe()),
    }
    if shutil.which("ffmpeg"):
        candidates["ffmpeg command, Debian's"] = command(shutil.which("ffmpeg"))
    print(f"MP3 encoders, {pcm.size / SR / 60:.1f} min of mono audio, 128 kbps, median of 3:")
    print("| encoder | time | x real time |\n|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for name, encode in candidates.items():
            result = timed(encode, pcm, Path(folder))
            if isinstance(result, str):
                print(f"| {name} | {result} | |")
            else:
                seconds, _ = result
                print(f"| {name} | {seconds:.2f} s | {pcm.size / SR / seconds:.0f}x |")


if __name__ == "__main__":
    main()
