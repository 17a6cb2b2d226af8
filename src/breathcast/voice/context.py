"""What every script of one build (or one plot, or one studio preview) shares.

The settings, the voice cache and the pronunciation list are read once, and the one rule for
a script's tempo lives here, so no caller has to resolve it again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from breathcast.core import Cancel, Config
from breathcast.script import FILE_NAME as LEXICON_FILE
from breathcast.script import Lexicon, Script, Speech, read_lexicon
from breathcast.voice.cache import VoiceCache
from breathcast.voice.engines import Engine
from breathcast.voice.voicing import (
    VoicedScript,
    VoiceOptions,
    estimate_clip_lengths,
    line_voice,
    voice_script,
)


@dataclass(frozen=True)
class VoicingContext:
    config: Config
    cache: VoiceCache
    lexicon: Lexicon
    deadline: float  # time.monotonic() after which no engine call is retried: one budget a build

    @classmethod
    def open(cls, config: Config, lexicon: Lexicon | None = None) -> VoicingContext:
        """The project's voice cache and pronunciations (a `ScriptError` if uitspraak.txt is
        malformed), or the `lexicon` given; the retry budget starts now."""
        cache = VoiceCache(config.path("voice"), config.sound.sample_rate)
        if lexicon is None:
            lexicon = read_lexicon(config.path("scripts") / LEXICON_FILE)
        return cls(config, cache, lexicon, time.monotonic() + config.voice.retry_budget_s)

    def tempo_for(self, script: Script) -> float:
        """The script's own `tempo:` wins over the project's `[voice] tempo`."""
        return script.tempo if script.tempo is not None else self.config.voice.tempo

    def missing_lines(self, script: Script, engine: Engine) -> list[Speech]:
        """The spoken lines of `script` that `engine` has not voiced yet."""
        missing = []
        for speech in script.spoken:
            voice = line_voice(engine, speech.text, self.lexicon)
            if not self.cache.path(voice.engine, voice.key).is_file():
                missing.append(speech)
        return missing

    def voice(
        self,
        script: Script,
        engine: Engine,
        *,
        jobs: int,
        on_clip: Callable[[int, int], None] = lambda done, total: None,
        cancel: Cancel | None = None,
    ) -> VoicedScript:
        """Every line of `script` in `engine`'s voice, from the cache or synthesized once, with
        `jobs` engine calls at a time."""
        options = VoiceOptions(
            sound=self.config.sound,
            lexicon=self.lexicon,
            jobs=jobs,
            deadline=self.deadline,
            on_clip=on_clip,
            cancel=cancel,
        )
        return voice_script(script, engine, self.cache, options, self.tempo_for(script))

    def estimate_lengths(self, script: Script, engine: Engine) -> dict[str, int]:
        """Each line's length in samples without synthesizing (cached clips are exact)."""
        return estimate_clip_lengths(
            script, engine, self.cache, self.lexicon, self.config.sound, self.tempo_for(script)
        )
