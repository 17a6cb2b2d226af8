"""The ffmpeg binary from imageio-ffmpeg, for what it does well: decoding, filters, metering."""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack
from functools import cache
from pathlib import Path

import numpy as np
import psutil

from breathcast.core import AudioError

LISTENER_NICENESS = 10
LISTENER_PIPE_BYTES = 1 << 20  # about a minute of 128 kbps MP3
try:
    import fcntl  # POSIX; on Linux a pipe can be made larger
except ImportError:  # Windows
    fcntl = None
F_SETPIPE_SZ = getattr(fcntl, "F_SETPIPE_SZ", 1031)  # Linux; elsewhere the call just fails


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


def _command(args: Sequence[str], loglevel: str | None = None) -> list[str]:
    """The ffmpeg command line: quiet, never reading the terminal."""
    level = ["-loglevel", loglevel] if loglevel else []
    return [ffmpeg_exe(), "-hide_banner", "-nostats", *level, "-nostdin", *args]


def _failure(what: str, log: bytes, code: int) -> AudioError:
    """What failed, in the last lines ffmpeg logged (or its exit status)."""
    detail = log.decode(errors="replace").strip().splitlines()[-3:]
    return AudioError(f"ffmpeg could not {what}: {' / '.join(detail) or f'exit status {code}'}")


def run(args: Sequence[str], stdin: bytes | None, what: str, loglevel: str = "error"):
    """Run ffmpeg; returns the finished process, or raises `AudioError` saying what failed."""
    try:
        result = subprocess.run(
            _command(args, loglevel), input=stdin, capture_output=True, check=False
        )
    except OSError as exc:
        raise AudioError(f"cannot run ffmpeg to {what}: {exc}") from exc
    if result.returncode != 0:
        raise _failure(what, result.stderr, result.returncode)
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


def resample(pcm: np.ndarray, sample_rate: int, to_rate: int) -> np.ndarray:
    """Mono float32 PCM at `to_rate` (ffmpeg's resampler: silence stays exactly silent)."""
    data = np.ascontiguousarray(pcm, dtype="<f4").tobytes()
    args = [*pcm_format(sample_rate), "-i", "pipe:0", *pcm_format(to_rate), "pipe:1"]
    return np.frombuffer(run(args, data, "resample audio").stdout, dtype="<f4").copy()


def decode_file(
    path: str | Path, sample_rate: int, start_s: float = 0.0, seconds: float | None = None
) -> np.ndarray:
    """Decode an audio file (e.g. an encoded episode) to mono float32; or `seconds` of it
    from `start_s` on."""
    span = ["-ss", f"{start_s:.3f}"] if start_s else []
    if seconds is not None:
        span += ["-t", f"{seconds:.3f}"]
    args = [*span, "-i", str(path), *pcm_format(sample_rate), "pipe:1"]
    out = run(args, None, f"decode {path}").stdout
    return np.frombuffer(out, dtype="<f4").copy()


def decode_blocks(path: str | Path, sample_rate: int) -> Iterator[np.ndarray]:
    """Decode an audio file to mono float32 a second at a time, as it is read: a long
    recording never has to be held whole."""
    args = ["-i", str(path), *pcm_format(sample_rate), "pipe:1"]
    with tempfile.TemporaryFile() as log:
        try:
            proc = subprocess.Popen(_command(args, "error"), stdout=subprocess.PIPE, stderr=log)
        except OSError as exc:
            raise AudioError(f"cannot run ffmpeg to decode {path}: {exc}") from exc
        size = sample_rate * 4  # a second of float32
        try:
            while block := proc.stdout.read(size):
                yield np.frombuffer(block[: len(block) // 4 * 4], dtype="<f4").copy()
        finally:
            proc.stdout.close()  # read to the end, or left early: either way ffmpeg stops
            code = proc.wait()
        if code != 0:
            log.seek(0)
            raise _failure(f"decode {path}", log.read(), code)


class Listener:
    """An ffmpeg that reads a stream on its stdin while it is being written: a loudness meter
    (its verdict is its log), or a second encoder writing a file of its own. `finish()` waits
    for it; leaving the `with` block without that stops it. `args` end with its output."""

    def __init__(self, args: Sequence[str], what: str):
        self.what = what
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - closed by __exit__
        try:
            self.proc = subprocess.Popen(
                _command(args, "info"),
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=self._log,
            )
        except OSError as exc:
            self._log.close()
            raise AudioError(f"cannot run ffmpeg to {what}: {exc}") from exc
        self.stdin = self.proc.stdin
        # A listener may lag behind and catch up at the end: it yields the cores to the work
        # it listens to (an encoder on the critical path), instead of slowing it down.
        with contextlib.suppress(OSError, psutil.Error):
            lower = LISTENER_NICENESS if os.name != "nt" else psutil.BELOW_NORMAL_PRIORITY_CLASS
            psutil.Process(self.proc.pid).nice(lower)
        if fcntl is not None:
            with contextlib.suppress(OSError):  # room to lag (Linux)
                fcntl.fcntl(self.stdin.fileno(), F_SETPIPE_SZ, LISTENER_PIPE_BYTES)

    def finish(self) -> str:
        with contextlib.suppress(BrokenPipeError):  # it stopped early: its log says why
            self.stdin.close()
        code = self.proc.wait()
        self._log.seek(0)
        log = self._log.read()
        if code != 0:
            raise _failure(self.what, log, code)
        return log.decode(errors="replace")

    def __enter__(self) -> Listener:
        return self

    def __exit__(self, *_exc) -> None:
        if self.proc.poll() is None:
            _stop([self.proc])
        self._log.close()


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
                        _command(args),
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
                raise _failure(what, log.read(), code)
        logs[-1].seek(0)
        return logs[-1].read().decode(errors="replace")


def _stop(procs: Sequence[subprocess.Popen]) -> None:
    for proc in procs:
        proc.kill()
        proc.wait()
