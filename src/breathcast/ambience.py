"""The bed under the voice: synthesized water, or the user's own track, in numpy.

Water is two periodic noise loops (a deep wash and a brighter foam) made by shaping random
spectra, so they tile without a seam, mixed by a wave envelope. In breathing blocks the waves
follow the breath: they swell with the inhale and recede with the exhale. Elsewhere they move
slowly and irregularly, from a seed, so every build of an episode is identical.
"""

from __future__ import annotations

import zlib

import numpy as np

from breathcast.config import SoundSettings
from breathcast.timeline import Timeline
from breathcast.tone import raised_cosine

LOOP_SAMPLES = 2**20  # about 24 s of noise; the wave envelope hides any repetition
WAVE_LOW = 0.15  # envelope at the end of an exhale (1.0 = the crest of an inhale)
BLEND_S = 2.0  # the waves ease into and out of the breath over this long
CONTROL_RATE = 100  # envelope points per second, interpolated to the sample rate
CHUNK = 2**18  # samples synthesized at a time


def seed_for(name: str) -> int:
    return zlib.crc32(name.encode("utf-8"))


def _noise_loop(rng: np.random.Generator, sr: int, shape) -> np.ndarray:
    """A periodic noise loop with magnitude spectrum `shape(f)`, RMS 1."""
    freqs = np.fft.rfftfreq(LOOP_SAMPLES, 1 / sr)
    phases = rng.uniform(0, 2 * np.pi, freqs.size)
    spectrum = shape(np.maximum(freqs, 1.0)) * np.exp(1j * phases)
    spectrum[0] = 0.0
    loop = np.fft.irfft(spectrum, LOOP_SAMPLES)
    return loop / np.sqrt(np.mean(loop**2))


def _lowpass(f, corner, order=2):
    return 1 / np.sqrt(1 + (f / corner) ** (2 * order))


def _highpass(f, corner, order=2):
    return 1 / np.sqrt(1 + (corner / f) ** (2 * order))


def _free_waves(rng: np.random.Generator, t: np.ndarray) -> np.ndarray:
    """Slow, irregular swell in [0, 1]: three incommensurate seeded periods."""
    periods = (rng.uniform(7, 11), rng.uniform(12, 18), rng.uniform(21, 31))
    weights = (0.55, 0.3, 0.15)
    phases = rng.uniform(0, 2 * np.pi, 3)
    wave = sum(
        w * np.sin(2 * np.pi * t / p + ph)
        for w, p, ph in zip(weights, periods, phases, strict=True)
    )
    return WAVE_LOW + (1 - WAVE_LOW) * (0.5 + 0.5 * wave)


def wave_envelope(timeline: Timeline, rng: np.random.Generator) -> np.ndarray:
    """The wave height over the episode at the control rate, in [WAVE_LOW, 1]."""
    sr = timeline.sample_rate
    n = int(np.ceil(timeline.length / sr * CONTROL_RATE)) + 1
    t = np.arange(n) / CONTROL_RATE
    free = _free_waves(rng, t)
    breath = np.full(n, WAVE_LOW)
    weight = np.zeros(n)
    blend = int(BLEND_S * CONTROL_RATE)
    for block in timeline.blocks:
        height = WAVE_LOW
        for phase in block.phases:
            lo = phase.start * CONTROL_RATE // sr
            hi = (phase.start + phase.length) * CONTROL_RATE // sr
            end = {"in": 1.0, "out": WAVE_LOW}.get(phase.kind, height)
            breath[lo:hi] = height + (end - height) * raised_cosine(hi - lo)
            height = end
        lo = block.start * CONTROL_RATE // sr
        hi = (block.start + block.length) * CONTROL_RATE // sr
        weight[lo:hi] = 1.0
        # Ease in before the block, so the first inhale already meets a rising sea, and out after.
        before = slice(max(0, lo - blend), lo)
        weight[before] = np.maximum(
            weight[before], raised_cosine(blend)[blend - (lo - before.start) :]
        )
        after = slice(hi, min(n, hi + blend))
        weight[after] = np.maximum(weight[after], raised_cosine(blend)[::-1][: after.stop - hi])
        breath[before] = WAVE_LOW
        breath[after] = WAVE_LOW
    return weight * breath + (1 - weight) * free


def water(timeline: Timeline, seed: int) -> np.ndarray:
    """The water bed for a whole episode, float32, RMS about 1 before fades."""
    sr = timeline.sample_rate
    rng = np.random.default_rng(seed)
    deep = _noise_loop(rng, sr, lambda f: f**-0.5 * _highpass(f, 60) * _lowpass(f, 700))
    foam = _noise_loop(rng, sr, lambda f: f**-0.5 * _highpass(f, 700) * _lowpass(f, 5000, 3))
    control = wave_envelope(timeline, rng)
    control_times = np.arange(control.size) / CONTROL_RATE
    out = np.empty(timeline.length, np.float32)
    for lo in range(0, timeline.length, CHUNK):  # in chunks: memory stays flat for long episodes
        index = np.arange(lo, min(lo + CHUNK, timeline.length))
        wave = np.interp(index / sr, control_times, control)
        looped = index % LOOP_SAMPLES
        chunk = deep[looped] * (0.3 + 0.7 * wave) + 0.35 * foam[looped] * wave**2  # foam on crests
        out[lo : lo + index.size] = chunk / 0.75
    return out


def loop_track(track: np.ndarray, length: int, sr: int, crossfade_s: float = 3.0) -> np.ndarray:
    """Repeat `track` to `length` samples, each join an equal-power crossfade."""
    if track.size == 0:
        return np.zeros(length, np.float32)
    fade = min(int(crossfade_s * sr), track.size // 4)
    step = track.size - fade
    out = np.zeros(length + track.size, np.float64)
    fade_in = np.sin(0.5 * np.pi * raised_cosine(fade)) if fade else np.zeros(0)
    fade_out = np.cos(0.5 * np.pi * raised_cosine(fade)) if fade else np.zeros(0)
    piece = track.astype(np.float64)
    for start in range(0, length, max(step, 1)):
        copy = piece.copy()
        if start > 0 and fade:
            copy[:fade] *= fade_in
        if fade:
            copy[-fade:] *= fade_out
        out[start : start + copy.size] += copy
    return out[:length].astype(np.float32)


def fade_edges(bed: np.ndarray, sound: SoundSettings) -> np.ndarray:
    sr = sound.sample_rate
    fade_in = min(int(sound.ambient_fade_in_s * sr), bed.size // 2)
    fade_out = min(int(sound.ambient_fade_out_s * sr), bed.size // 2)
    bed[:fade_in] *= raised_cosine(fade_in).astype(np.float32)
    bed[bed.size - fade_out :] *= raised_cosine(fade_out)[::-1].astype(np.float32)
    return bed


def bed(
    ambient: str, track: np.ndarray | None, timeline: Timeline, sound: SoundSettings, seed: int
) -> np.ndarray | None:
    """The episode's bed at its level under the voice, faded in and out; None for no bed."""
    if not ambient:
        return None
    if track is None:
        raw = water(timeline, seed)
    else:
        raw = loop_track(track, timeline.length, sound.sample_rate, sound.music_crossfade_s)
        rms = float(np.sqrt(np.mean(np.square(track, dtype=np.float64)))) if track.size else 0.0
        raw = raw / rms if rms > 0 else raw
    level = 10 ** ((sound.speech_level_dbfs + sound.bed_level_db) / 20)
    return fade_edges((raw * level).astype(np.float32), sound)
