"""The breath-pacing tone, synthesized in numpy straight from a breathing block.

Pitch rises and the tone swells on the inhale; it falls and fades on the exhale; on holds it
stays put and softens. Pitch is integrated into one continuous phase and every change of pitch
or level is a raised-cosine ramp, so there is no click anywhere.
"""

from __future__ import annotations

import numpy as np

from breathcast.config import SoundSettings
from breathcast.timeline import BreathBlock

# Envelope level reached at the end of each phase (1.0 = the tone's full level).
PHASE_LEVEL = {"in": 1.0, "hold_in": 0.55, "out": 0.3, "hold_out": 0.2}
HOLD_RAMP_S = 0.4  # holds settle to their level this fast, then stay steady
EDGE_FADE_IN_S = 0.12
EDGE_FADE_OUT_S = 0.35
# A soft timbre: the fundamental and two quiet harmonics (never a square-wave beep).
HARMONICS = ((1, 1.0), (2, 0.3), (3, 0.12))


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


def render_block(block: BreathBlock, sound: SoundSettings) -> np.ndarray:
    """The pacing tone for one breathing block, `block.length` samples of float32."""
    sr = sound.sample_rate
    pitch_end = {
        "in": sound.tone_high_hz,
        "hold_in": sound.tone_high_hz,
        "out": sound.tone_low_hz,
        "hold_out": sound.tone_low_hz,
    }
    freq = np.empty(block.length)
    level = np.empty(block.length)
    f, a = sound.tone_low_hz, PHASE_LEVEL["out"]
    for phase in block.phases:
        lo, hi = phase.start - block.start, phase.start - block.start + phase.length
        is_hold = phase.kind.startswith("hold")
        ramp = min(round(HOLD_RAMP_S * sr), phase.length) if is_hold else phase.length
        freq[lo:hi] = _glide(f, pitch_end[phase.kind], phase.length, ramp)
        level[lo:hi] = _glide(a, PHASE_LEVEL[phase.kind], phase.length, ramp)
        f, a = pitch_end[phase.kind], PHASE_LEVEL[phase.kind]

    fade_in = min(round(EDGE_FADE_IN_S * sr), block.length // 2)
    fade_out = min(round(EDGE_FADE_OUT_S * sr), block.length // 2)
    level[:fade_in] *= raised_cosine(fade_in)
    level[block.length - fade_out :] *= raised_cosine(fade_out)[::-1]

    theta = 2 * np.pi * np.cumsum(freq) / sr
    wave = sum(weight * np.sin(k * theta) for k, weight in HARMONICS)
    return (tone_peak(sound) * level * wave).astype(np.float32)
