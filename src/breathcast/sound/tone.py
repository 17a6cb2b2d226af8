"""The breath-pacing tone, synthesized in numpy straight from the breathing blocks.

Pitch rises and the tone swells on the inhale; it falls and fades on the exhale; on holds it
stays put and softens (or goes quiet). Pitch is integrated into one continuous phase and every
change of pitch or level is a raised-cosine ramp, so there is no click anywhere.

A soft chime marks the start of every phase, so inhale, hold and exhale can be told apart with
the eyes closed: high for the inhale, middle for a hold, low for the exhale. The chimes sit
above the tone's harmonics (which stay under 900 Hz) so they never blur into it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from breathcast.core import Phase, SoundSettings
from breathcast.sound.dsp import raised_cosine
from breathcast.sound.kweight import energy_profile, k_power, step_samples
from breathcast.sound.timeline import BreathBlock

EXHALE_FLOOR = 0.3  # the tone's level at the end of an exhale (1.0 = full)
HOLD_RAMP_S = 0.4  # holds settle to their level this fast, then stay steady
ANCHOR_SAMPLES = 2**15  # the oscillator's phase angle is computed exactly this often
EDGE_FADE_IN_S = 0.12
EDGE_FADE_OUT_S = 0.35
# A soft timbre: the fundamental and two quiet harmonics (never a square-wave beep).
HARMONICS = ((1, 1.0), (2, 0.3), (3, 0.12))

# G6, D6, B5
CHIME_HZ = {Phase.IN: 1568.0, Phase.HOLD_IN: 1174.7, Phase.OUT: 987.8, Phase.HOLD_OUT: 1174.7}
CHIME_GAIN = {Phase.IN: 1.0, Phase.HOLD_IN: 0.6, Phase.OUT: 1.0, Phase.HOLD_OUT: 0.6}
CHIME_ATTACK_S = 0.008
CHIME_DECAY_S = 0.35  # time constant of the exponential ring-out
CHIME_LENGTH_S = 1.6  # exp(-1.6/0.35): 40 dB down by then; it ends with a short raised cosine


def tone_peak(sound: SoundSettings) -> float:
    """Amplitude at full envelope for the configured RMS relative to speech."""
    rms = 10 ** ((sound.speech_level_dbfs + sound.tone_level_db) / 20)
    waveform_rms = np.sqrt(sum(a * a for _, a in HARMONICS) / 2)
    return float(rms / waveform_rms)


def chime(kind: Phase, sound: SoundSettings, room: int) -> np.ndarray:
    """One soft bell-like strike: a sine with a faint inharmonic partial, ringing out.

    It fits in `room` samples: cut short, it still ends on a raised-cosine release.
    """
    sr = sound.sample_rate
    n = min(round(CHIME_LENGTH_S * sr), room)
    t = np.arange(n) / sr
    envelope = np.exp(-t / CHIME_DECAY_S)
    attack = min(round(CHIME_ATTACK_S * sr), n // 2)
    envelope[:attack] *= raised_cosine(attack)
    release = min(round(0.1 * sr), n - attack)
    envelope[n - release :] *= raised_cosine(release)[::-1]
    f = CHIME_HZ[kind]
    wave = np.sin(2 * np.pi * f * t) + 0.15 * np.exp(-t / 0.1) * np.sin(2 * np.pi * 2.76 * f * t)
    peak = tone_peak(sound) * 10 ** (sound.chime_level_db / 20) * CHIME_GAIN[kind]
    return peak * envelope * wave / 1.15


@dataclass(frozen=True)
class _PhaseTone:
    """One phase of the tone: where it starts, what it glides between, and its phase angle."""

    start: int  # in the episode
    length: int
    kind: Phase
    f0: float
    f1: float
    a0: float
    a1: float
    ramp: int  # the glide lasts this many samples, then holds f1 and a1
    theta0: float  # the oscillator's phase angle before the first sample (radians, wrapped)
    block_start: int
    block_end: int


def _ramp(k: np.ndarray, n: int) -> np.ndarray:
    """`raised_cosine(n)` at sample indices k (clamped to 1 after the ramp), float32."""
    if n <= 1:
        return (k >= n).astype(np.float32)
    x = np.minimum(k, n - 1).astype(np.float32) * np.float32(np.pi / (n - 1))
    return np.float32(0.5) - np.float32(0.5) * np.cos(x)


def _ramp_sum(k: int, n: int) -> float:
    """sum(_ramp(j, n) for j in 0..k), in closed form: the glide's integral, for the phase angle."""
    if k < 0:
        return 0.0
    if n <= 1:
        return float(k + 1 - n)
    if k >= n - 1:
        return n / 2 + (k - (n - 1))
    a = np.pi / (n - 1)
    cosines = np.sin((k + 1) * a / 2) * np.cos(k * a / 2) / np.sin(a / 2)
    return float(0.5 * (k + 1) - 0.5 * cosines)


class PacingTone:
    """The pacing tone (and chimes) of every breathing block, rendered for any sample range.

    Every sample is a function of its position alone (the oscillator's phase angle at a phase
    start is known in closed form), so an episode can be rendered in chunks of any size and
    in any order, and joins nothing.
    """

    def __init__(self, blocks: Sequence[BreathBlock], sound: SoundSettings):
        self.sound = sound
        self.peak = tone_peak(sound)
        sr = sound.sample_rate
        pitch_end = {
            Phase.IN: sound.tone_high_hz,
            Phase.HOLD_IN: sound.tone_high_hz,
            Phase.OUT: sound.tone_low_hz,
            Phase.HOLD_OUT: sound.tone_low_hz,
        }
        level_end = {
            Phase.IN: 1.0,
            Phase.HOLD_IN: sound.tone_hold_level,
            Phase.OUT: EXHALE_FLOOR,
            Phase.HOLD_OUT: sound.tone_hold_level * EXHALE_FLOOR,
        }
        self.phases: list[_PhaseTone] = []
        for block in blocks:
            f, a, theta = sound.tone_low_hz, EXHALE_FLOOR, 0.0
            for phase in block.phases:
                hold = phase.kind.is_hold
                ramp = min(round(HOLD_RAMP_S * sr), phase.length) if hold else phase.length
                f1, a1 = pitch_end[phase.kind], level_end[phase.kind]
                end = block.start + block.length
                self.phases.append(
                    _PhaseTone(
                        phase.start,
                        phase.length,
                        phase.kind,
                        f,
                        f1,
                        a,
                        a1,
                        ramp,
                        theta,
                        block.start,
                        end,
                    )  # fmt: skip
                )
                swept = f * phase.length + (f1 - f) * _ramp_sum(phase.length - 1, ramp)
                theta = (theta + 2 * np.pi * swept / sr) % (2 * np.pi)
                f, a = f1, a1
        self.starts = np.array([p.start for p in self.phases], dtype=np.int64)
        self.longest = max((p.length for p in self.phases), default=0)
        self._chimes: dict[tuple[str, int], np.ndarray] = {}
        self._chime_energies: dict[tuple[str, int], np.ndarray] = {}

    def __call__(self, lo: int, hi: int) -> np.ndarray:
        out = np.zeros(hi - lo, np.float32)
        reach = max(self.longest, round(CHIME_LENGTH_S * self.sound.sample_rate))
        first = int(np.searchsorted(self.starts, lo - reach, side="left"))
        last = int(np.searchsorted(self.starts, hi, side="left"))
        for phase in self.phases[first:last]:
            self._add_phase(phase, lo, hi, out)
        return out

    def _add_phase(self, p: _PhaseTone, lo: int, hi: int, out: np.ndarray) -> None:
        sr = self.sound.sample_rate
        a, b = max(lo, p.start), min(hi, p.start + p.length)
        if a < b:
            k = np.arange(a - p.start, b - p.start)
            u = _ramp(k, p.ramp)
            # The phase angle: closed form at every anchor, a running sum from there. Summing
            # the float32 ramp drifts (by 1e-6 of full scale over an 8 s phase), so anchors
            # come often enough that a render of any range, in any chunks, is the same.
            cycles = np.empty(k.size)
            for s in range(0, k.size, ANCHOR_SAMPLES):
                span = slice(s, s + ANCHOR_SAMPLES)
                before = p.f0 * k[s] + (p.f1 - p.f0) * _ramp_sum(int(k[s]) - 1, p.ramp)
                start = (p.theta0 / (2 * np.pi) + before / sr) % 1.0
                cycles[span] = np.cumsum((p.f0 + (p.f1 - p.f0) * u[span].astype(np.float64)) / sr)
                cycles[span] += start
            cycles -= cycles.astype(np.int64)  # positive, so truncation is the floor
            theta32 = cycles.astype(np.float32) * np.float32(2 * np.pi)  # in cycles until here
            level = np.float32(p.a0) + np.float32(p.a1 - p.a0) * u
            self._edge_fades(level, a, p)
            wave = sum(np.float32(w) * np.sin(np.float32(n) * theta32) for n, w in HARMONICS)
            out[a - lo : b - lo] += np.float32(self.peak) * level * wave
        if self.sound.chimes:
            strike = self._chime(p.kind, p.block_end - p.start)
            a, b = max(lo, p.start), min(hi, p.start + strike.size)
            if a < b:
                out[a - lo : b - lo] += strike[a - p.start : b - p.start]

    def _edge_fades(self, level: np.ndarray, a: int, p: _PhaseTone) -> None:
        """Soften the block's first and last moments (samples a.. of `level`) in place."""
        sr, length = self.sound.sample_rate, p.block_end - p.block_start
        fade_in = min(round(EDGE_FADE_IN_S * sr), length // 2)
        fade_out = min(round(EDGE_FADE_OUT_S * sr), length // 2)
        k = np.arange(a - p.block_start, a - p.block_start + level.size)
        head = k < fade_in
        if head.any():
            level[head] *= _ramp(k[head], fade_in)
        tail = k >= length - fade_out
        if tail.any():
            level[tail] *= _ramp(length - 1 - k[tail], fade_out)

    def k_energy(self, length: int) -> np.ndarray:
        """The tone's K-weighted energy in each 10 ms step of an episode of `length` samples,
        without rendering it: its partials glide slowly, so each step's power is their
        powers weighted at their frequencies; each chime adds its own measured profile."""
        sr = self.sound.sample_rate
        step = step_samples(sr)
        energy = np.zeros(-(-length // step))
        partials = [(n, w * w / 2) for n, w in HARMONICS]  # a sine's power is its peak² / 2
        for p in self.phases:
            first = -(-(2 * p.start - step) // (2 * step))  # steps whose middle is in the phase
            last = -(-(2 * (p.start + p.length) - step) // (2 * step))
            if first >= last:
                continue
            k = (np.arange(first, last) + 0.5) * step - p.start
            u = _ramp(k, p.ramp).astype(np.float64)
            level = p.a0 + (p.a1 - p.a0) * u
            block = p.block_end - p.block_start
            at = k + (p.start - p.block_start)
            fade_in = min(round(EDGE_FADE_IN_S * sr), block // 2)
            fade_out = min(round(EDGE_FADE_OUT_S * sr), block // 2)
            level *= np.where(at < fade_in, _ramp(at, fade_in), 1.0)
            level *= np.where(at >= block - fade_out, _ramp(block - 1 - at, fade_out), 1.0)
            f = p.f0 + (p.f1 - p.f0) * u
            weighted = sum(power * k_power(n * f, sr) for n, power in partials)
            energy[first:last] += step * (self.peak * level) ** 2 * weighted
            if self.sound.chimes:
                profile = self._chime_energy(p.kind, p.block_end - p.start)
                at_step = round(p.start / step)
                part = profile[: max(0, energy.size - at_step)]
                energy[at_step : at_step + part.size] += part
        return energy

    def _chime_energy(self, kind: Phase, room: int) -> np.ndarray:
        key = (kind, min(room, round(CHIME_LENGTH_S * self.sound.sample_rate)))
        if key not in self._chime_energies:
            sr = self.sound.sample_rate
            self._chime_energies[key] = energy_profile(self._chime(kind, room), sr)
        return self._chime_energies[key]

    def _chime(self, kind: Phase, room: int) -> np.ndarray:
        key = (kind, min(room, round(CHIME_LENGTH_S * self.sound.sample_rate)))
        if key not in self._chimes:
            self._chimes[key] = chime(kind, self.sound, room).astype(np.float32)
        return self._chimes[key]
