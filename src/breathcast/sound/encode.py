"""One episode's master, made once, into its files, on both cores:

    main thread: render → master → 16-bit ─┬─▶ LAME thread ─────────────▶ .mp3
                                           ├─▶ writer thread ─▶ ffmpeg ─▶ .opus
                                           └─▶ meter thread (K-weighting, gates, true peak)

LAME runs in a thread of its own (it releases the GIL), Opus in a process of its own fed by
a thread, and the meter (`meter.StreamMeter`) in a thread of its own, so rendering, metering
and both encoders overlap on the cores; the queues between them are bounded, so memory stays
flat however long the episode. The meter reads the samples the encoders get, as they stream:
nothing is decoded again. If the episode
missed its target (the prediction was off, the limiter moved it), the gain is corrected and
it is made again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import ExitStack
from pathlib import Path

import numpy as np

from breathcast.core import AudioError, SoundSettings, atomic_path
from breathcast.sound import ffmpeg, mp3
from breathcast.sound.loudness import (
    ENCODE_ATTEMPTS,
    ENCODER_GAIN_DB,
    LIMITER_MARGIN_DB,
    LOUDNESS_TOLERANCE_LU,
    Loudness,
    mastering_gain,
)
from breathcast.sound.master import Master
from breathcast.sound.meter import StreamMeter
from breathcast.sound.mixer import Source


def encode_normalized(
    mix: Source,
    length: int,
    predicted_lufs: float,
    dest: str | Path,
    sound: SoundSettings,
    tag: Callable[[dict[str, Path]], None] | None = None,
    measured: int | None = None,
) -> Loudness:
    """Master the mix (`length` samples of the source `mix`) and encode it to an MP3 at the
    target loudness (of its first `measured` samples: all of them by default) and under the
    true-peak ceiling; with `[sound] opus`, an Ogg Opus file beside it from the same samples,
    in the same pass. `tag` gets the finished temp files by suffix (".mp3", ".opus"); only
    then do they reach `dest` (and its .opus), tags and all."""
    if not np.isfinite(predicted_lufs):
        raise AudioError(f"{dest}: the episode is silent; there is nothing to normalize")
    target, ceiling = sound.loudness_lufs, sound.true_peak_dbtp
    gain = mastering_gain(predicted_lufs, sound)
    dest = Path(dest)
    with ExitStack() as outputs:
        files = {".mp3": outputs.enter_context(atomic_path(dest))}
        if sound.opus:
            files[".opus"] = outputs.enter_context(atomic_path(dest.with_suffix(".opus")))
        for _ in range(ENCODE_ATTEMPTS):
            master = Master(mix, length, sound.sample_rate, gain, ceiling - LIMITER_MARGIN_DB)
            meter = StreamMeter(sound, measured)
            encode_files(master.chunks(), files, sound, str(dest), meter)
            final = meter.result()
            if not np.isfinite(final.integrated_lufs):  # too short to gate: nothing to correct
                break
            off_target = target - final.in_mode(sound.loudness_mode)
            over_peak = final.true_peak_dbtp - sound.true_peak_dbtp
            if abs(off_target) <= LOUDNESS_TOLERANCE_LU and over_peak <= 0:
                break
            gain += off_target
            ceiling -= max(over_peak, 0.0) + (0.1 if over_peak > 0 else 0.0)
        if tag is not None:
            tag(files)  # before the renames: the files appear complete, tags and all
    return final


def encode_files(
    chunks: Iterable[np.ndarray],
    files: dict[str, Path],
    sound: SoundSettings,
    name: str,
    meter: StreamMeter | None = None,
) -> None:
    """The MP3 (and, when `files` has one, the Opus file) from the same chunks, at once,
    with `meter` listening."""
    with ExitStack() as running:
        opus = None
        if ".opus" in files:
            args = [*opus_args(sound), "-y", str(files[".opus"])]
            opus = running.enter_context(ffmpeg.Listener(args, f"encode {name} as Opus"))
        file = running.enter_context(open(files[".mp3"], "wb"))
        try:
            listeners = [opus.stdin] if opus else []
            listeners += [meter] if meter is not None else []
            mp3.encode_mp3(chunks, file, sound.sample_rate, sound.bitrate, listeners)
        except OSError as exc:  # the Opus encoder stopped reading: its own log says why
            if opus is not None:
                opus.finish()
            raise AudioError(f"could not encode {name}: {exc.strerror or exc}") from exc
        if opus is not None:
            opus.finish()


def opus_args(sound: SoundSettings) -> list[str]:
    """ffmpeg reading the 16-bit PCM that LAME gets, writing Ogg Opus: mono, 48 kHz.

    The level change LAME makes is made here too, so both files sound (and measure) the same.
    Complexity 6 and 60 ms frames (no one needs low latency in a podcast, and bigger frames
    waste fewer bits) encode more than twice as fast as libopus' defaults.
    """
    rate = ["-f", "s16le", "-ar", str(sound.sample_rate), "-ac", "1", "-i", "pipe:0"]
    resample = f"volume={ENCODER_GAIN_DB}dB,aresample=48000:resampler=soxr"
    encode = ["-c:a", "libopus", "-b:a", sound.opus_bitrate, "-compression_level", "6"]
    encode += ["-frame_duration", "60"]
    return [*rate, "-af", resample, *encode, "-f", "ogg"]
