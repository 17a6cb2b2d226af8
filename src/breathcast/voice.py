"""Voice a script: every spoken line from the cache, or synthesized once and cached."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from breathcast import ffmpeg
from breathcast.cache import VoiceCache, clip_key
from breathcast.config import SoundSettings
from breathcast.engines import Engine
from breathcast.errors import AudioError, EngineError
from breathcast.script import Script
from breathcast.tone import raised_cosine

EDGE_FADE_S = 0.010  # a clip never starts or stops on a non-zero sample
PREPARED = "prepared"  # cache folder of levelled clips, beside each engine's raw ones
PREPARE_VERSION = 3  # bump when level_clip changes what it makes
CREST_PASSES = 4  # limit, re-level, repeat: each pass leaves less to win back
CREST_SLACK = 10 ** (0.5 / 20)  # peaks within 0.5 dB of the ceiling are fine


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
        clips[speech.text] = _prepared(pcm, key, cache, sound)
    if failures:
        raise EngineError("\n".join(failures))
    return VoicedScript(engine.name, clips, synthesized, cached)


def _prepared(raw: np.ndarray, key: str, cache: VoiceCache, sound: SoundSettings) -> np.ndarray:
    """`level_clip(raw)`, cached: limiting a clip costs an ffmpeg run, so do it once."""
    settings = f"{key}:{PREPARE_VERSION}:{sound.speech_level_dbfs}:{sound.speech_crest_db}"
    prepared_key = hashlib.sha256(settings.encode()).hexdigest()
    clip = cache.load(PREPARED, prepared_key)
    if clip is None:
        clip = level_clip(raw, sound)
        cache.store(PREPARED, prepared_key, clip)
    return clip


def _synthesize(engine: Engine, text: str, sample_rate: int) -> np.ndarray:
    audio = engine.synthesize(text)
    pcm = ffmpeg.decode(audio.data, audio.input_args, sample_rate)
    if pcm.size < sample_rate // 20 or not np.any(pcm):
        raise EngineError(
            f"{engine.name} returned no audible speech; check the line or try another engine"
        )
    return pcm


def speech_rms(pcm: np.ndarray, sample_rate: int) -> float:
    """RMS of the voiced part: 20 ms frames within 30 dB of the loudest one."""
    frame = max(1, int(0.02 * sample_rate))
    usable = pcm[: pcm.size // frame * frame].reshape(-1, frame) if pcm.size >= frame else pcm[None]
    power = np.mean(np.square(usable, dtype=np.float64), axis=1)
    voiced = power[power > power.max() * 1e-3]
    return float(np.sqrt(voiced.mean())) if voiced.size and voiced.mean() > 0 else 0.0


def level_clip(pcm: np.ndarray, sound: SoundSettings) -> np.ndarray:
    """One speech level for every clip, its peaks held to `speech_crest_db` above it.

    Engines differ wildly in crest factor (espeak's glottal pulses peak 20 dB over its RMS).
    Limiting each clip once, here, keeps the episode's peaks in a known place, so mastering
    later is one linear gain, and the tone and bed stay where they were set under the voice.
    """
    target = 10 ** (sound.speech_level_dbfs / 20)
    rms = speech_rms(pcm, sound.sample_rate)
    out = (pcm * (target / rms if rms > 0 else 0.0)).astype(np.float32)
    ceiling = 10 ** ((sound.speech_level_dbfs + sound.speech_crest_db) / 20)
    makeup = 1.0  # the level the last pass had to win back; the next one limits that much lower
    for _ in range(CREST_PASSES):
        if not out.size or float(np.max(np.abs(out))) <= ceiling * CREST_SLACK:
            break
        limit = max(ceiling / makeup, 10 ** (-24 / 20))  # alimiter's lowest limit is -24 dBFS
        limiter = f"alimiter=limit={limit:.5f}:level=false:latency=true:attack=1:release=30"
        out = ffmpeg.filter_pcm(out, sound.sample_rate, limiter)
        rms = speech_rms(out, sound.sample_rate)
        makeup = target / rms if rms > 0 else 1.0
        out *= np.float32(makeup)
    fade = min(int(EDGE_FADE_S * sound.sample_rate), out.size // 2)
    if fade:
        ramp = raised_cosine(fade).astype(np.float32)
        out[:fade] *= ramp
        out[-fade:] *= ramp[::-1]
    return out
