"""The breath-pacing tone, synthesized in numpy straight from a breathing block.

Pitch rises and the tone swells on the inhale; it falls and fades on the exhale; on holds it
stays put and softens (or goes quiet). Pitch is integrated into one continuous phase and every
change of pitch or level is a raised-cosine ramp, so there is no click anywhere.

A soft chime marks the start of every phase, so inhale, hold and exhale can be told apart with
the eyes closed: high for the inhale, middle for a hold, low for the exhale. The chimes sit
above the tone's harmonics (which stay under 900 Hz) so they never blur into it.
"""

from __future__ import annotations

import numpy as np

from breathcast.config import SoundSettings
from breathcast.timeline import BreathBlock

EXHALE_FLOOR = 0.3  # the tone's level at the end of an exhale (1.0 = full)
HOLD_RAMP_S = 0.4  # holds settle to their level this fast, then stay steady
EDGE_FADE_IN_S = 0.12
EDGE_FADE_OUT_S = 0.35
# A soft timbre: the fundamental and two quiet harmonics (never a square-wave beep).
HARMONICS = ((1, 1.0), (2, 0.3), (3, 0.12))

CHIME_HZ = {"in": 1568.0, "hold_in": 1174.7, "out": 987.8, "hold_out": 1174.7}  # G6, D6, B5
CHIME_GAIN = {"in": 1.0, "hold_in": 0.6, "out": 1.0, "hold_out": 0.6}
CHIME_ATTACK_S = 0.008
CHIME_DECAY_S = 0.35  # time constant of the exponential ring-out
CHIME_LENGTH_S = 1.6  # it has faded by 73 dB by then, and ends with a short raised cosine


def raised_cosine(n: int) -> np.ndarray:
    """0 -> 1 over n samples, with zero slope at both ends."""
    if n <= 0:
        return np.zeros(0)
    return 0.5 - 0.5 * np.cos(np.linspace(0.0, np.pi, n))


def _glide(start: float, end: float, n: int, ramp: int) -> np.ndarray:
    shape = np.ones(n)
    shape[:ramp] = raised_cosine(ramp)
    return start + (end - start) * shape


def tone_peak(sound: SoundSettings) -> float:
    """Amplitude at full envelope for the configured RMS relative to speech."""
    rms = 10 ** ((sound.speech_level_dbfs + sound.tone_level_db) / 20)
    waveform_rms = np.sqrt(sum(a * a for _, a in HARMONICS) / 2)
    return float(rms / waveform_rms)


def chime(kind: str, sound: SoundSettings, room: int) -> np.ndarray:
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


def render_block(block: BreathBlock, sound: SoundSettings) -> np.ndarray:
    """The pacing tone (and chimes) for one breathing block, `block.length` samples of float32."""
    sr = sound.sample_rate
    pitch_end = {
        "in": sound.tone_high_hz,
        "hold_in": sound.tone_high_hz,
        "out": sound.tone_low_hz,
        "hold_out": sound.tone_low_hz,
    }
    level_end = {
        "in": 1.0,
        "hold_in": sound.tone_hold_level,
        "out": EXHALE_FLOOR,
        "hold_out": sound.tone_hold_level * EXHALE_FLOOR,
    }
    freq = np.empty(block.length)
    level = np.empty(block.length)
    f, a = sound.tone_low_hz, EXHALE_FLOOR
    for phase in block.phases:
        lo, hi = phase.start - block.start, phase.start - block.start + phase.length
        is_hold = phase.kind.startswith("hold")
        ramp = min(round(HOLD_RAMP_S * sr), phase.length) if is_hold else phase.length
        freq[lo:hi] = _glide(f, pitch_end[phase.kind], phase.length, ramp)
        level[lo:hi] = _glide(a, level_end[phase.kind], phase.length, ramp)
        f, a = pitch_end[phase.kind], level_end[phase.kind]

    fade_in = min(round(EDGE_FADE_IN_S * sr), block.length // 2)
    fade_out = min(round(EDGE_FADE_OUT_S * sr), block.length // 2)
    level[:fade_in] *= raised_cosine(fade_in)
    level[block.length - fade_out :] *= raised_cosine(fade_out)[::-1]

    theta = 2 * np.pi * np.cumsum(freq) / sr
    out = tone_peak(sound) * level * sum(weight * np.sin(k * theta) for k, weight in HARMONICS)
    if sound.chimes:
        for phase in block.phases:
            lo = phase.start - block.start
            strike = chime(phase.kind, sound, block.length - lo)
            out[lo : lo + strike.size] += strike
    return out.astype(np.float32)
