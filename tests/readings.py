"""Readings of a script made the way a real one is messy, with the truth of where each line is.

Another espeak voice than the reference (a variant: another speaker), the tempo changed, random
pauses of 0.3-3 s, a pause inside one line (at its comma), one line with a false start read
again, breaths in the longer pauses, pink noise, mains hum, and a little reverb. Used by the
alignment tests and by bench/align.py.
"""

from __future__ import annotations

import io
import wave
from dataclasses import dataclass

import numpy as np

from breathcast.sound import ffmpeg
from breathcast.voice.engines.espeak_engine import _library

NOISE_DBFS = -50.0  # pink noise, RMS
HUM_DBFS = -56.0  # 50 Hz and its harmonics
BREATH_DBFS = -38.0
SPEECH_DBFS = -20.0  # the reading's speech level, RMS of the voiced part
REVERB_RT60_S = 0.3
REVERB_WET_DB = -14.0


@dataclass(frozen=True)
class Reading:
    pcm: np.ndarray  # float32, mono
    sample_rate: int
    truth: list[tuple[float, float]]  # each line's speech, in seconds
    comma_line: int | None  # index of the line read with a pause inside
    repeated_line: int | None  # index of the line with a false start before it
    false_start: tuple[float, float] | None  # where that false start is

    def wav(self) -> bytes:
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(self.sample_rate)
            samples = np.clip(np.round(self.pcm * 32767), -32768, 32767).astype("<i2")
            out.writeframes(samples.tobytes())
        return buffer.getvalue()


def speak(text: str, voice: str, tempo: float) -> tuple[np.ndarray, int]:
    """`text` in espeak's `voice`, at `tempo` (pitch kept), trimmed to its speech."""
    library = _library()
    pcm = np.frombuffer(library.synthesize(text, voice, 160), "<i2").astype(np.float32) / 32768
    rate = library.sample_rate
    if tempo != 1.0:
        pcm = ffmpeg.filter_pcm(pcm, rate, f"atempo={tempo:g}")
    return trim(pcm, rate), rate


def trim(pcm: np.ndarray, rate: int) -> np.ndarray:
    """Cut to the first and last 5 ms frame within 40 dB of the loudest: the true speech."""
    frame = rate // 200
    power = np.mean(np.square(pcm[: pcm.size // frame * frame].reshape(-1, frame)), axis=1)
    loud = np.flatnonzero(power > power.max() * 1e-4)
    return pcm[loud[0] * frame : (loud[-1] + 1) * frame]


def pink(n: int, rng: np.random.Generator) -> np.ndarray:
    spectrum = np.fft.rfft(rng.standard_normal(n))
    spectrum /= np.sqrt(np.maximum(np.arange(spectrum.size), 1))
    noise = np.fft.irfft(spectrum, n)
    return (noise / np.sqrt(np.mean(noise**2))).astype(np.float32)


def make_reading(
    texts: list[str],
    *,
    seed: int = 0,
    voice: str = "nl+f3",
    tempo: float = 1.0,
    comma: bool = True,
    repeat: bool = True,
    noise_dbfs: float = NOISE_DBFS,
) -> Reading:
    rng = np.random.default_rng(seed)
    parts: list[np.ndarray] = []
    truth: list[tuple[float, float]] = []
    rate = _library().sample_rate
    at = 0

    def place(pcm: np.ndarray) -> tuple[int, int]:
        nonlocal at
        parts.append(pcm)
        start = at
        at += pcm.size
        return start, at

    def silence(seconds: float) -> None:
        place(np.zeros(int(seconds * rate), np.float32))

    comma_line = next((i for i, t in enumerate(texts) if ", " in t), None) if comma else None
    repeated_line = len(texts) // 2 if repeat and len(texts) > 2 else None
    false_start = None
    breaths: list[int] = []
    silence(rng.uniform(0.4, 1.0))
    for index, text in enumerate(texts):
        if index == repeated_line:
            clip, _ = speak(text, voice, tempo)
            cut = int(clip.size * 0.5)
            start, end = place(clip[:cut] * np.linspace(1, 0, cut) ** 0.3)  # she stops
            false_start = (start / rate, end / rate)
            silence(rng.uniform(0.6, 1.2))
        if index == comma_line:
            first, second = text.split(", ", 1)
            a, _ = speak(first + ",", voice, tempo)
            b, _ = speak(second, voice, tempo)
            start, _ = place(a)
            silence(0.7)
            _, end = place(b)
        else:
            clip, _ = speak(text, voice, tempo)
            start, end = place(clip)
        truth.append((start / rate, end / rate))
        pause = rng.uniform(0.3, 3.0)
        if pause > 1.2:
            breaths.append(at + int(rng.uniform(0.3, pause - 0.8) * rate))
        silence(pause)
    speech = np.concatenate(parts)
    voiced = speech[np.abs(speech) > 1e-3]
    speech *= 10 ** (SPEECH_DBFS / 20) / np.sqrt(np.mean(voiced**2))
    speech = reverb(speech, rate, rng)
    n = speech.size
    t = np.arange(n) / rate
    hum = sum(np.sin(2 * np.pi * 50 * h * t) / h for h in (1, 2, 3)).astype(np.float32)
    hum *= 10 ** (HUM_DBFS / 20) / np.sqrt(np.mean(hum**2))
    noise = pink(n, rng) * 10 ** (noise_dbfs / 20)
    out = speech + hum + noise
    for start in breaths:
        out[start : start + int(0.45 * rate)] += breath(int(0.45 * rate), rate, rng)
    return Reading(out.astype(np.float32), rate, truth, comma_line, repeated_line, false_start)


def breath(n: int, rate: int, rng: np.random.Generator) -> np.ndarray:
    """An in-breath: band-limited noise (about 500 Hz to 3 kHz) that swells and fades."""
    spectrum = np.fft.rfft(rng.standard_normal(n))
    freqs = np.fft.rfftfreq(n, 1 / rate)
    spectrum[(freqs < 500) | (freqs > 3000)] = 0
    noise = np.fft.irfft(spectrum, n)
    noise *= np.sin(np.linspace(0, np.pi, n)) ** 2
    return (noise / np.sqrt(np.mean(noise**2)) * 10 ** (BREATH_DBFS / 20)).astype(np.float32)


def reverb(pcm: np.ndarray, rate: int, rng: np.random.Generator) -> np.ndarray:
    """A small room: decaying noise as the impulse response, mixed under the dry sound."""
    length = int(REVERB_RT60_S * rate)
    decay = np.exp(-6.9 * np.arange(length) / length)  # -60 dB at RT60
    response = rng.standard_normal(length) * decay
    response *= 10 ** (REVERB_WET_DB / 20) / np.sqrt(np.sum(response**2))
    size = 1 << (pcm.size + length - 1).bit_length()
    wet = np.fft.irfft(np.fft.rfft(pcm, size) * np.fft.rfft(response, size), size)[: pcm.size]
    return (pcm + wet).astype(np.float32)
