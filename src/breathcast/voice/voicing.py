"""Voice a script: every spoken line from the cache, or synthesized once and cached.

Uncached lines are synthesized concurrently, retried with backoff while a time budget lasts,
and prepared once for the mix (trimmed, tempo, one speech level, held peaks, soft edges).
"""

from __future__ import annotations

import hashlib
import random
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field

import numpy as np

from breathcast.core import AudioError, Cancel, EngineError, Said, SoundSettings, at_line, together
from breathcast.script import Lexicon, Script, Speech
from breathcast.sound import energy_profile, ffmpeg, raised_cosine, speech_rms, trim_silence
from breathcast.voice.cache import VoiceCache, clip_key
from breathcast.voice.engines import Engine, SpeechAudio

EDGE_FADE_S = 0.010  # a clip never starts or stops on a non-zero sample
PIECE_GAP_S = 0.12  # between the pieces of a long line, where gTTS split it at punctuation
PREPARED = "prepared"  # cache folder of prepared clips, beside each engine's raw ones
PREPARE_VERSION = 5  # bump when prepare_clip changes what it makes (5: no DC offset)
CREST_PASSES = 4  # limit, re-level, repeat: each pass leaves less to win back
CREST_SLACK = 10 ** (0.5 / 20)  # peaks within 0.5 dB of the ceiling are fine
SECONDS_PER_CHAR = 0.075  # Dutch at a calm pace, for estimates before anything is voiced
RETRY_FIRST_S = 0.5
RETRY_MAX_S = 8.0


@dataclass(frozen=True)
class VoiceOptions:
    """How to voice one build: shared by every script in it."""

    sound: SoundSettings
    lexicon: Lexicon = field(default_factory=Lexicon)
    jobs: int = 4  # concurrent engine calls
    deadline: float = float("inf")  # time.monotonic() after which no retry starts
    on_clip: Callable[[int, int], None] = lambda done, total: None  # progress: clips ready
    cancel: Cancel | None = None  # checked before every engine call


class PreparedClips(Mapping[str, np.ndarray]):
    """Spoken text -> prepared float32 clip, read from the cache when asked.

    The mix asks for clips in time order, so only the few it is placing are held: an episode
    of any length needs the memory of a handful of lines, not of all its speech.
    """

    HELD = 8

    def __init__(self, cache: VoiceCache, keys: dict[str, str]):
        self.cache, self.keys = cache, keys
        self._held: OrderedDict[str, np.ndarray] = OrderedDict()

    def __getitem__(self, text: str) -> np.ndarray:
        if text in self._held:
            self._held.move_to_end(text)
            return self._held[text]
        clip = self.cache.load(PREPARED, self.keys[text])
        if clip is None:
            raise AudioError(
                f"the voice clip for {text!r} left the cache during the build; build again"
            )
        self._held[text] = clip
        if len(self._held) > self.HELD:
            self._held.popitem(last=False)
        return clip

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys)

    def __len__(self) -> int:
        return len(self.keys)

    def __getstate__(self):  # sent to worker processes without the clips it holds
        return {"cache": self.cache, "keys": self.keys}

    def __setstate__(self, state):
        self.__init__(state["cache"], state["keys"])


@dataclass(frozen=True)
class VoicedScript:
    engine: str
    clips: Mapping[str, np.ndarray]  # spoken text -> float32 PCM, prepared and ready to place
    lengths: dict[str, int]  # spoken text -> samples
    energy: dict[str, np.ndarray]  # spoken text -> K-weighted energy profile (for loudness)
    synthesized: int
    cached: int
    filled: tuple[str, ...] = ()  # lines another engine voiced for her (a --fill preview)


@dataclass(frozen=True)
class LineVoice:
    """Who voices one line, what they are given to say, and the cache key of the result."""

    engine: str  # the cache folder: the engine that voices this line
    said: str  # the line as the engine reads it: pronunciations applied, unless it is a take
    key: str


def line_voice(engine: Engine, text: str, lexicon: Lexicon) -> LineVoice:
    identity = engine.line_identity(text)
    # Her take is her own words: the pronunciation list is for synthesizers.
    said = text if identity.get("take") else lexicon.apply(text)
    return LineVoice(identity["engine"], said, clip_key(identity, said))


def voice_script(
    script: Script, engine: Engine, cache: VoiceCache, options: VoiceOptions, tempo: float = 1.0
) -> VoicedScript:
    """Every line of one script in one engine's voice; never a silent stand-in, and a mix
    only when asked for (her takes with --fill), named in `filled`."""
    lines: dict[str, Speech] = {}
    for speech in script.spoken:
        lines.setdefault(speech.text, speech)

    sound = options.sound

    def voice_line(speech: Speech) -> tuple[str, int, np.ndarray, bool]:
        """The line's prepared clip, made if need be: its cache key, length, loudness profile,
        and whether it was synthesized now. The clip itself stays in the cache."""
        voice = line_voice(engine, speech.text, options.lexicon)
        prepared_key = _prepared_key(voice.key, sound, tempo)
        clip = cache.load(PREPARED, prepared_key)
        fresh = False
        if clip is None:
            raw = cache.load(voice.engine, voice.key)
            fresh = raw is None
            if fresh:
                if options.cancel is not None:
                    options.cancel.check()
                raw = _synthesize(engine, voice.said, options)
                cache.store(voice.engine, voice.key, raw)  # at once: a later failure keeps it
            clip = prepare_clip(raw, sound, tempo)  # may cost ffmpeg runs: once per setting
            cache.store(PREPARED, prepared_key, clip)
        # Derived from the prepared clip alone, so kept beside it: a warm build reads it.
        profile = cache.derived(
            PREPARED, prepared_key, "energy", lambda: energy_profile(clip, sound.sample_rate)
        )
        return prepared_key, clip.size, profile, fresh

    # One worker takes the lines in the script's order: what an engine that keeps state from
    # line to line (espeak-ng) needs to give the same samples every time.
    workers = max(1, options.jobs) if engine.concurrent else 1
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {text: pool.submit(voice_line, speech) for text, speech in lines.items()}
        for done, _ in enumerate(as_completed(futures.values()), start=1):
            options.on_clip(done, len(futures))
    keys, lengths, energy, synthesized = {}, {}, {}, 0
    failures: list[Said] = []
    for text, future in futures.items():
        try:
            keys[text], lengths[text], energy[text], fresh = future.result()
            synthesized += fresh
        except (EngineError, AudioError) as exc:
            failures.append(at_line(script.path, lines[text].line, exc.said))
    if failures:  # every line that failed, each at its place
        raise EngineError(together(failures))
    clips = PreparedClips(cache, keys)
    filled = filled_lines(script, engine, options.lexicon)
    return VoicedScript(
        engine.name, clips, lengths, energy, synthesized, len(keys) - synthesized, filled
    )


def filled_lines(script: Script, engine: Engine, lexicon: Lexicon) -> tuple[str, ...]:
    """The texts of `script` that another engine voices (the gaps in her takes, with
    --fill), each once."""
    texts = dict.fromkeys(s.text for s in script.spoken)
    return tuple(text for text in texts if line_voice(engine, text, lexicon).engine != engine.name)


def _synthesize(engine: Engine, text: str, options: VoiceOptions) -> np.ndarray:
    """One engine call, retried with exponential backoff and full jitter while the budget lasts."""
    attempt = 0
    while True:
        try:
            return decode_speech(engine.synthesize(text), options.sound.sample_rate, engine.name)
        except EngineError as exc:
            if not exc.retryable:
                raise
            cap = min(RETRY_MAX_S, RETRY_FIRST_S * 2**attempt)
            delay = exc.retry_after if exc.retry_after is not None else random.uniform(0, cap)
            if time.monotonic() + delay > options.deadline:
                raise EngineError(
                    f"{exc} (gave up after {attempt + 1} tries: the retry budget is spent)"
                ) from exc
            time.sleep(delay)
            attempt += 1


def decode_speech(audio: SpeechAudio, sample_rate: int, engine: str = "the engine") -> np.ndarray:
    """Engine output as one mono float32 clip; a long line's pieces joined seamlessly."""
    pieces = [ffmpeg.decode(piece, audio.input_args, sample_rate) for piece in audio.pieces]
    if len(pieces) > 1:
        # Each piece carries its own padding and encoder delay: trim them, then join with
        # the short pause that belongs at the punctuation where the text was split.
        gap = np.zeros(int(PIECE_GAP_S * sample_rate), np.float32)
        trimmed = [fade_edges(trim_silence(p, sample_rate), sample_rate) for p in pieces]
        pieces = [part for piece in trimmed for part in (piece, gap)][:-1]
    pcm = np.concatenate(pieces) if pieces else np.zeros(0, np.float32)
    if pcm.size < sample_rate // 20 or not np.any(pcm):
        raise EngineError(
            f"{engine} returned no audible speech; check the line or try another engine"
        )
    return pcm


def fade_edges(pcm: np.ndarray, sample_rate: int) -> np.ndarray:
    out = pcm.astype(np.float32, copy=True)
    fade = min(int(EDGE_FADE_S * sample_rate), out.size // 2)
    if fade:
        ramp = raised_cosine(fade).astype(np.float32)
        out[:fade] *= ramp
        out[out.size - fade :] *= ramp[::-1]
    return out


def _prepared_key(key: str, sound: SoundSettings, tempo: float) -> str:
    settings = f"{key}:{PREPARE_VERSION}:{sound.speech_level_dbfs}:{sound.speech_crest_db}:{tempo}"
    return hashlib.sha256(settings.encode()).hexdigest()


def estimate_clip_lengths(
    script: Script,
    engine: Engine,
    cache: VoiceCache,
    lexicon: Lexicon,
    sound: SoundSettings,
    tempo: float,
) -> dict[str, int]:
    """Each line's length in samples without synthesizing: cached clips are exact, the rest
    are guessed from their length in characters."""
    lengths = {}
    for speech in script.spoken:
        voice = line_voice(engine, speech.text, lexicon)
        frames = cache.frames(PREPARED, _prepared_key(voice.key, sound, tempo))
        if frames is None:
            raw = cache.frames(voice.engine, voice.key)
            guess = (
                raw if raw is not None else SECONDS_PER_CHAR * len(speech.text) * sound.sample_rate
            )
            frames = int(guess / tempo)
        lengths[speech.text] = frames
    return lengths


def prepare_clip(raw: np.ndarray, sound: SoundSettings, tempo: float = 1.0) -> np.ndarray:
    """Trim, change tempo (pitch kept, ffmpeg atempo), level, hold peaks, take out the DC
    offset, fade the edges."""
    pcm = trim_silence(raw, sound.sample_rate)
    if tempo != 1.0:
        pcm = ffmpeg.filter_pcm(pcm, sound.sample_rate, f"atempo={tempo:g}")
    leveled = level_clip(pcm, sound)
    # espeak's glottal pulses are lopsided: its clips sat 2e-3 (-54 dBFS) off zero, which
    # added up to 7e-4 in an episode. Inaudible, but headroom lost and a step at every edge.
    centred = leveled - np.float32(leveled.mean()) if leveled.size else leveled
    return fade_edges(centred, sound.sample_rate)


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
    return out
