"""The bed under the voice: synthesized water, or the user's own track, in numpy.

Water is two periodic noise loops (a deep wash and a brighter foam) made by shaping random
spectra, so they tile without a seam, mixed by a wave envelope. In breathing blocks the waves
follow the breath: they swell with the inhale and recede with the exhale. Elsewhere they move
slowly and irregularly, from a seed, so every build of an episode is identical.
"""

from __future__ import annotations

import zlib
from functools import lru_cache
from pathlib import Path

import numpy as np

from breathcast.core import Phase, Said, ScriptError, SoundSettings
from breathcast.script.parser import MUSIC_FOLDER, Script
from breathcast.sound import ffmpeg
from breathcast.sound.dsp import raised_cosine
from breathcast.sound.kweight import k_power, mean_k_power, step_samples
from breathcast.sound.timeline import Span, Timeline

LOOP_SAMPLES = 2**20  # about 24 s of noise; the wave envelope hides any repetition
WAVE_LOW = 0.15  # envelope at the end of an exhale (1.0 = the crest of an inhale)
BLEND_S = 2.0  # the waves ease into and out of the breath over this long
CONTROL_RATE = 100  # envelope points per second, interpolated to the sample rate
# Before an `[uitfaden]` the sea grows still over the last words, so the closing fade only
# ever goes down: no swell lifts the bed while the listener falls asleep.
CALM_S, STILL = 20.0, 0.5
# The closing fade falls evenly in loudness, FADE_DB over its span (the ear hears level in
# dB: an equal-power or linear curve holds up for most of the span and then drops off), and
# over its last FADE_TAPER share a raised cosine takes it down to exact zero: digital silence.
FADE_DB, FADE_TAPER = 30.0, 0.1


def seed_for(name: str) -> int:
    return zlib.crc32(name.encode("utf-8"))


def _noise_loop(rng: np.random.Generator, sr: int, shape) -> tuple[np.ndarray, float]:
    """A periodic noise loop with magnitude spectrum `shape(f)`, RMS 1, and the share of its
    power a loudness meter counts (K-weighting), from that same spectrum."""
    # In float32 (to 1e-6 of the float64 loop, -120 dB): half the time before the first sample.
    freqs = np.fft.rfftfreq(LOOP_SAMPLES, 1 / sr).astype(np.float32)
    phases = rng.uniform(0, 2 * np.pi, freqs.size).astype(np.float32)
    magnitude = shape(np.maximum(freqs, np.float32(1.0)))
    magnitude[0] = 0.0
    spectrum = np.empty(freqs.size, np.complex64)
    spectrum.real, spectrum.imag = magnitude * np.cos(phases), magnitude * np.sin(phases)
    loop = np.fft.irfft(spectrum, LOOP_SAMPLES)
    # Every 64th bin: the spectrum is smooth, so the share is the same to 1e-7 dB, in a
    # 64th of the time (0.12 s before an episode's first sample otherwise).
    power, at = magnitude[::64] ** 2, freqs[::64]
    power = power.astype(np.float64)
    k_share = float(np.sum(power * k_power(at, sr)) / np.sum(power))
    return loop / np.float32(np.sqrt(np.mean(np.square(loop, dtype=np.float64)))), k_share


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
            end = {Phase.IN: 1.0, Phase.OUT: WAVE_LOW}.get(phase.kind, height)
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
    envelope = weight * breath + (1 - weight) * free
    if timeline.fade is not None:
        calm_from = timeline.fade.start * CONTROL_RATE // sr - int(CALM_S * CONTROL_RATE)
        still = np.clip((np.arange(n) - calm_from) / (CALM_S * CONTROL_RATE), 0, 1)
        still = 0.5 - 0.5 * np.cos(np.pi * still)
        envelope = (1 - still) * envelope + still * STILL
    return envelope


@lru_cache(maxsize=4)
def _water_loops(seed: int, sr: int) -> tuple[np.ndarray, np.ndarray, dict, float, float]:
    """The deep and the foam loop of a seed (the same for every pattern of a script, so made
    once per process), the generator's state after them, and how much of each loop's power a
    loudness meter counts (K-weighting)."""
    rng = np.random.default_rng(seed)
    shape_deep = lambda f: f**-0.5 * _highpass(f, 60) * _lowpass(f, 700)  # noqa: E731
    shape_foam = lambda f: f**-0.5 * _highpass(f, 700) * _lowpass(f, 5000, 3)  # noqa: E731
    deep, k_deep = _noise_loop(rng, sr, shape_deep)
    foam, k_foam = _noise_loop(rng, sr, shape_foam)
    deep, foam = deep.astype(np.float32), foam.astype(np.float32)
    deep.flags.writeable = foam.flags.writeable = False  # shared by every episode
    return deep, foam, rng.bit_generator.state, k_deep, k_foam


class Water:
    """The water bed for a whole episode as a source: any range, RMS about 1 before fades."""

    def __init__(self, timeline: Timeline, seed: int):
        self.sr = timeline.sample_rate
        self.deep, self.foam, state, self.k_deep, self.k_foam = _water_loops(seed, self.sr)
        rng = np.random.default_rng()
        rng.bit_generator.state = state  # where the loops left the seeded generator
        self.control = wave_envelope(timeline, rng)

    def k_power(self, positions: np.ndarray) -> np.ndarray:
        """The K-weighted power of the water at sample `positions` (before level and fades)."""
        points = np.arange(self.control.size)
        wave = np.interp(positions * CONTROL_RATE / self.sr, points, self.control)
        deep = (0.3 + 0.7 * wave) ** 2 * self.k_deep  # the two loops are independent noises
        foam = (0.35 * wave * wave) ** 2 * self.k_foam
        return (deep + foam) / 0.75**2

    def __call__(self, lo: int, hi: int) -> np.ndarray:
        wave = _upsample(self.control, self.sr, lo, hi)
        deep, foam = _looped(self.deep, lo, hi), _looped(self.foam, lo, hi)
        # The deep wash is always there and swells with the wave; foam rides the crests.
        chunk = deep * (np.float32(0.3) + np.float32(0.7) * wave)
        chunk += np.float32(0.35) * foam * (wave * wave)
        chunk *= np.float32(1 / 0.75)
        return chunk


def _upsample(control: np.ndarray, sr: int, lo: int, hi: int) -> np.ndarray:
    """`control` (CONTROL_RATE points a second) linearly interpolated at samples lo..hi."""
    per, rest = divmod(sr, CONTROL_RATE)
    if rest:  # a rate that is not a whole multiple: the general (slower) search
        position = np.arange(lo, hi) * (CONTROL_RATE / sr)
        return np.interp(position, np.arange(control.size), control).astype(np.float32)
    # Each control interval is `per` samples: its straight line, for all of them at once
    # (a third of np.interp's time, and the same in any chunks).
    first, last = lo // per, -(-hi // per)
    local = control[first : last + 1].astype(np.float32)
    if local.size < last - first + 1:  # past the envelope's end, it holds its last value
        local = np.concatenate([local, np.full(last - first + 1 - local.size, local[-1])])
    fraction = np.arange(per, dtype=np.float32) / np.float32(per)
    lines = local[:-1, None] + np.diff(local)[:, None] * fraction[None, :]
    return lines.ravel()[lo - first * per : hi - first * per]


def _looped(loop: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """Samples lo..hi of `loop` repeated forever, copied from contiguous slices."""
    parts, at = [], lo
    while at < hi:
        offset = at % loop.size
        take = min(hi - at, loop.size - offset)
        parts.append(loop[offset : offset + take])
        at += take
    return np.concatenate(parts) if len(parts) != 1 else parts[0].copy()


class LoopedTrack:
    """The user's track repeated forever, each join an equal-power crossfade, as a source."""

    def __init__(self, track: np.ndarray, sr: int, crossfade_s: float = 3.0):
        track = track.astype(np.float32)
        fade = min(int(crossfade_s * sr), track.size // 4)
        self.size, self.step = track.size, max(track.size - fade, 1)
        fade_in = np.sin(0.5 * np.pi * raised_cosine(fade)).astype(np.float32)
        fade_out = np.cos(0.5 * np.pi * raised_cosine(fade)).astype(np.float32)
        self.first = track.copy()
        self.later = track.copy()
        if fade:
            self.first[-fade:] *= fade_out
            self.later[:fade] *= fade_in
            self.later[-fade:] *= fade_out
        self.power = float(np.mean(np.square(track, dtype=np.float64))) if track.size else 0.0
        self.k_mean_power = self.power * mean_k_power(track, sr) if track.size else 0.0

    def k_power(self, positions: np.ndarray) -> np.ndarray:
        """The K-weighted power at sample `positions`: the track's own, all along (the
        equal-power crossfades keep it)."""
        return np.full(positions.size, self.k_mean_power)

    def __call__(self, lo: int, hi: int) -> np.ndarray:
        out = np.zeros(hi - lo, np.float32)
        if not self.size:
            return out
        first = max(0, (lo - self.size) // self.step + 1)
        for copy in range(first, (hi - 1) // self.step + 1):
            start = copy * self.step
            piece = self.first if copy == 0 else self.later
            a, b = max(lo, start), min(hi, start + self.size)
            if a < b:
                out[a - lo : b - lo] += piece[a - start : b - start]
        return out


class Bed:
    """The episode's bed as a source: `raw` at its level under the voice, faded in and out.
    An episode that ends in `[uitfaden]` fades its bed over that whole span instead, evenly
    in loudness, to digital silence."""

    def __init__(
        self,
        raw: Water | LoopedTrack,
        level: float,
        sound: SoundSettings,
        length: int,
        final: Span | None = None,
    ):
        self.raw, self.level, self.final, self.length = raw, level, final, length
        sr = sound.sample_rate
        self.fade_in = min(int(sound.ambient_fade_in_s * sr), length // 2)
        self.fade_out = 0 if final else min(int(sound.ambient_fade_out_s * sr), length // 2)

    def _final_gain(self, positions: np.ndarray) -> np.ndarray:
        """1 before the closing fade, falling FADE_DB evenly (in dB) through it, 0 at its
        end and after."""
        if self.final is None:
            return np.ones(positions.size)
        progress = np.clip((positions - self.final.start) / max(self.final.length, 1), 0, 1)
        taper = np.clip((1 - progress) / FADE_TAPER, 0, 1)
        return 10 ** (-FADE_DB * progress / 20) * (0.5 - 0.5 * np.cos(np.pi * taper))

    def __call__(self, lo: int, hi: int) -> np.ndarray:
        out = self.raw(lo, hi)
        out *= np.float32(self.level)
        if self.final is not None and hi > self.final.start:
            out *= self._final_gain(np.arange(lo, hi)).astype(np.float32)
        fade_in, fade_out, length = self.fade_in, self.fade_out, self.length
        if lo < fade_in:
            end = min(hi, fade_in)
            out[: end - lo] *= raised_cosine(fade_in)[lo:end].astype(np.float32)
        if fade_out and hi > length - fade_out:
            start = max(lo, length - fade_out)
            ramp = raised_cosine(fade_out)[::-1][
                start - (length - fade_out) : hi - (length - fade_out)
            ]
            out[start - lo :] *= ramp.astype(np.float32)
        return out

    def k_energy(self, sample_rate: int) -> np.ndarray:
        """K-weighted energy in each 10 ms step, from the bed's known level and spectrum."""
        step = step_samples(sample_rate)
        centers = (np.arange(-(-self.length // step)) + 0.5) * step
        fades = np.ones(centers.size)
        x = np.clip(centers / max(self.fade_in, 1), 0, 1)
        fades *= np.where(centers < self.fade_in, 0.5 - 0.5 * np.cos(np.pi * x), 1.0)
        if self.fade_out:
            x = np.clip((self.length - centers) / self.fade_out, 0, 1)
            fades *= np.where(
                centers > self.length - self.fade_out, 0.5 - 0.5 * np.cos(np.pi * x), 1
            )
        fades *= self._final_gain(centers)
        return step * self.level**2 * fades**2 * self.raw.k_power(centers)


def bed(
    ambient: str, track: np.ndarray | None, timeline: Timeline, sound: SoundSettings, seed: int
) -> Bed | None:
    """The episode's bed: water or the user's track; None for no bed."""
    if not ambient:
        return None
    if track is None:
        raw, rms = Water(timeline, seed), 1.0
    else:
        raw = LoopedTrack(track, sound.sample_rate, sound.music_crossfade_s)
        rms = float(np.sqrt(raw.power))
    level = 10 ** ((sound.speech_level_dbfs + sound.bed_level_db) / 20) / (rms if rms > 0 else 1.0)
    return Bed(raw, level, sound, timeline.length, timeline.fade)


def load_music(script: Script, root: Path, sample_rate: int) -> np.ndarray | None:
    """The script's `ambient: music/…` track, decoded; None when it has none. The track must
    really live inside music/: a symlink that leads out is refused."""
    if script.music_path is None:
        return None
    folder = (root / MUSIC_FOLDER).resolve()
    path = (root / script.music_path).resolve()  # follows symlinks
    if not path.is_relative_to(folder):
        raise ScriptError(
            script.path,
            script.ambient_line,
            Said(
                en=f"ambient: {script.ambient} leads outside {MUSIC_FOLDER}/ (to {path}); "
                f"copy the track into {MUSIC_FOLDER}/ instead of linking to it",
                nl=f"deze muziek staat buiten de map {MUSIC_FOLDER}; zet een kopie in die map",
            ),
        )
    if not path.is_file():
        raise ScriptError(
            script.path,
            script.ambient_line,
            Said(
                en=f"ambient: {script.ambient} does not exist; put the track in {MUSIC_FOLDER}/",
                nl=f"dit muziekbestand bestaat niet; zet het in de map {MUSIC_FOLDER}",
            ),
        )
    return ffmpeg.decode_file(path, sample_rate)
