"""The ffmpeg binary from imageio-ffmpeg, and the two things we ask of it: decode and encode."""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from contextlib import ExitStack
from functools import cache
from pathlib import Path

import numpy as np

from breathcast.errors import AudioError


@cache
def ffmpeg_exe() -> str:
    """The static ffmpeg shipped by imageio-ffmpeg (BREATHCAST_FFMPEG overrides it)."""
    override = os.environ.get("BREATHCAST_FFMPEG")
    if override:
        return override
    import imageio_ffmpeg

    try:
        return imageio_ffmpeg.get_ffmpeg_exe()
    except RuntimeError as exc:  # pragma: no cover - only on a broken install
        raise AudioError(f"ffmpeg not found ({exc}); reinstall with `pip install -e .`") from exc


def pcm_format(sample_rate: int) -> list[str]:
    """ffmpeg's words for our PCM: mono little-endian float32 at `sample_rate`."""
    return ["-f", "f32le", "-ar", str(sample_rate), "-ac", "1"]


def run(args: Sequence[str], stdin: bytes | None, what: str, loglevel: str = "error"):
    """Run ffmpeg; returns the finished process, or raises `AudioError` saying what failed."""
    try:
        result = subprocess.run(
            [ffmpeg_exe(), "-hide_banner", "-nostats", "-loglevel", loglevel, "-nostdin", *args],
            input=stdin,
            capture_output=True,
            check=False,
        )
    except OSError as exc:
        raise AudioError(f"cannot run ffmpeg to {what}: {exc}") from exc
    if result.returncode != 0:
        detail = result.stderr.decode(errors="replace").strip().splitlines()[-3:]
        reason = " / ".join(detail) or f"exit status {result.returncode}"
        raise AudioError(f"ffmpeg could not {what}: {reason}")
    return result


def decode(data: bytes, input_args: Sequence[str], sample_rate: int) -> np.ndarray:
    """Decode any audio bytes to mono float32 at `sample_rate`, resampling once with soxr."""
    resample = f"aresample={sample_rate}:resampler=soxr"
    args = [*input_args, "-i", "pipe:0", "-af", resample, *pcm_format(sample_rate), "pipe:1"]
    out = run(args, data, "decode a voice clip").stdout
    return np.frombuffer(out, dtype="<f4").copy()


def filter_pcm(pcm: np.ndarray, sample_rate: int, filters: str) -> np.ndarray:
    """Mono float32 PCM through ffmpeg `filters`, back as float32 of the same rate."""
    pcm_args = ["-f", "f32le", "-ar", str(sample_rate), "-ac", "1"]
    data = np.ascontiguousarray(pcm, dtype="<f4").tobytes()
    out = run(
        [*pcm_args, "-i", "pipe:0", "-af", filters, *pcm_args, "pipe:1"], data, "filter audio"
    )
    return np.frombuffer(out.stdout, dtype="<f4").copy()


def decode_file(path: str | Path, sample_rate: int) -> np.ndarray:
    """Decode an audio file (e.g. an encoded episode) to mono float32."""
    out = run(["-i", str(path), *pcm_format(sample_rate), "pipe:1"], None, f"decode {path}").stdout
    return np.frombuffer(out, dtype="<f4").copy()


def encode_mp3(
    chunks: Iterable[np.ndarray],
    dest: str | Path,
    sample_rate: int,
    bitrate: str,
    filters: str | None = None,
    listen: Sequence[str] | None = None,
    name: str | None = None,
) -> str:
    """Stream float32 PCM chunks into an MP3 at `dest`, through ffmpeg `filters`.

    `dest` is written in place and must be seekable (so the Xing/Info header with the exact
    length is filled in): give it a temp path from `files.atomic_path`, so that only a complete
    file is ever renamed into place. Errors name `name` (the episode). With `listen`, the same
    MP3 bytes are also teed, as they are written, into a second ffmpeg that decodes them with
    those arguments (a loudness meter, say); its log is returned. The listener works on the
    second core while the encoder runs, so checking the file costs no pass of its own.
    """
    name = name or str(dest)
    if listen is None:
        output = ["-f", "mp3", str(dest)]
    else:
        output = ["-map", "0:a", "-f", "tee", f"[f=mp3]{_tee_escape(dest)}|[f=mp3]pipe:1"]
    encode = [
        *("-loglevel", "error", "-y", *pcm_format(sample_rate), "-i", "pipe:0"),
        *(["-af", filters] if filters else []),
        *("-c:a", "libmp3lame", "-b:a", bitrate, *output),
    ]
    if listen is None:
        return pipe_through(chunks, (encode, f"encode {name}"))
    meter = ["-loglevel", "info", "-f", "mp3", "-i", "pipe:0", *listen]
    return pipe_through(
        chunks, (encode, f"encode {name}"), (meter, f"check the encoding of {name}")
    )


def pipe_through(chunks: Iterable[np.ndarray], *stages: tuple[Sequence[str], str]) -> str:
    """Stream float32 PCM chunks through a chain of ffmpeg processes, each reading the output
    of the one before, and return the last one's log. Each stage is (its arguments, what it
    does, for errors). Nothing is held whole: memory stays flat however long the stream."""
    with ExitStack() as stack:
        logs = [stack.enter_context(tempfile.TemporaryFile()) for _ in stages]
        procs: list[subprocess.Popen] = []
        try:
            for n, ((args, _), log) in enumerate(zip(stages, logs, strict=True)):
                procs.append(
                    subprocess.Popen(
                        [ffmpeg_exe(), "-hide_banner", "-nostats", "-nostdin", *args],
                        stdin=procs[-1].stdout if procs else subprocess.PIPE,
                        stdout=subprocess.PIPE if n < len(stages) - 1 else subprocess.DEVNULL,
                        stderr=log,
                    )
                )
                if n:
                    procs[-2].stdout.close()  # the next stage owns the read end now
        except OSError as exc:
            _stop(procs)
            raise AudioError(f"cannot run ffmpeg to {stages[len(procs)][1]}: {exc}") from exc
        try:
            for chunk in chunks:
                procs[0].stdin.write(np.ascontiguousarray(chunk, dtype="<f4").tobytes())
            procs[0].stdin.close()
        except BrokenPipeError:
            pass  # ffmpeg stopped early; its exit status and log say why
        except BaseException:
            _stop(procs)
            raise
        codes = [proc.wait() for proc in procs]
        for code, log, (_, what) in zip(codes, logs, stages, strict=True):
            if code != 0:
                log.seek(0)
                detail = log.read().decode(errors="replace").strip().splitlines()[-3:]
                reason = " / ".join(detail) or f"exit status {code}"
                raise AudioError(f"ffmpeg could not {what}: {reason}")
        logs[-1].seek(0)
        return logs[-1].read().decode(errors="replace")


def _tee_escape(path: str | Path) -> str:
    """A file name as the tee muxer reads it: its special characters backslash-escaped."""
    return "".join("\\" + c if c in "\\|[]:" else c for c in str(path))


def _stop(procs: Sequence[subprocess.Popen]) -> None:
    for proc in procs:
        proc.kill()
        proc.wait()
