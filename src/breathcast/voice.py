"""Voice a script: every spoken line from the cache, or synthesized once and cached."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from breathcast import ffmpeg
from breathcast.cache import VoiceCache, clip_key
from breathcast.config import SoundSettings
from breathcast.engines import Engine
from breathcast.errors import AudioError, EngineError
from breathcast.script import Script

EDGE_FADE_S = 0.010  # a clip never starts or stops on a non-zero sample


@dataclass(frozen=True)
class VoicedScript:
    engine: str
    clips: dict[str, np.ndarray]  # spoken text -> float32 PCM, levelled and ready to place
    synthesized: int
    cached: int


def missing_lines(script: Script, engine: Engine, cache: VoiceCache) -> list[str]:
    """The spoken lines of `script` that `engine` has not voiced yet."""
    identity = engine.identity()
    return [
        s.text
        for s in script.spoken
        if not cache.path(engine.name, clip_key(identity, s.text)).is_file()
    ]


def voice_script(
    script: Script, engine: Engine, cache: VoiceCache, sound: SoundSettings
) -> VoicedScript:
    """Every line of one script in one engine's voice; never a mix, never a silent stand-in."""
    identity = engine.identity()
    clips: dict[str, np.ndarray] = {}
    failures: list[str] = []
    synthesized = cached = 0
    for speech in script.spoken:
        if speech.text in clips:
            continue
        key = clip_key(identity, speech.text)
        pcm = cache.load(engine.name, key)
        if pcm is None:
            try:
                pcm = _synthesize(engine, speech.text, sound.sample_rate)
            except (EngineError, AudioError) as exc:
                # Keep voicing the other lines: they get cached, so a rerun fetches only these.
                failures.append(f"{script.path}:{speech.line}: {exc}")
                continue
            cache.store(engine.name, key, pcm)
            synthesized += 1
        else:
            cached += 1
        clips[speech.text] = level_clip(pcm, sound)
    if failures:
        raise EngineError("\n".join(failures))
    return VoicedScript(engine.name, clips, synthesized, cached)


def _synthesize(engine: Engine, text: str, sample_rate: int) -> np.ndarray:
    audio = engine.synthesize(text)
    pcm = ffmpeg.decode(audio.data, audio.input_args, sample_rate)
    if pcm.size < sample_rate // 20 or not np.any(pcm):
        raise EngineError(
            f"{engine.name} returned no audible speech; check the line or try another engine"
        )
    return pcm


def level_clip(pcm: np.ndarray, sound: SoundSettings) -> np.ndarray:
    """Scale to the speech level (RMS of the voiced part) and fade the edges."""
    frame = max(1, int(0.02 * sound.sample_rate))
    usable = pcm[: pcm.size // frame * frame].reshape(-1, frame) if pcm.size >= frame else pcm[None]
    power = np.mean(np.square(usable, dtype=np.float64), axis=1)
    voiced = power[power > power.max() * 1e-3]  # frames within 30 dB of the loudest
    rms = float(np.sqrt(voiced.mean())) if voiced.size else 0.0
    gain = 10 ** (sound.speech_level_dbfs / 20) / rms if rms > 0 else 0.0
    out = (pcm * gain).astype(np.float32)
    fade = min(int(EDGE_FADE_S * sound.sample_rate), out.size // 2)
    if fade:
        ramp = (0.5 - 0.5 * np.cos(np.linspace(0.0, np.pi, fade, dtype=np.float64))).astype(
            np.float32
        )
        out[:fade] *= ramp
        out[-fade:] *= ramp[::-1]
    return out
