"""Offline espeak-ng voice via ctypes, from the library and voice data in `espeakng-loader`."""

from __future__ import annotations

import ctypes
import threading
from typing import Any

import numpy as np

from breathcast.core import EngineError, VoiceSettings
from breathcast.sound.dsp import trim_silence
from breathcast.voice.engines import SpeechAudio

_AUDIO_OUTPUT_SYNCHRONOUS = 2
_ESPEAK_RATE = 1
_ESPEAK_CHARS_UTF8 = 1

# espeak's rate is calibrated on English; in Dutch, 135 "words a minute" spoke 162 in her
# lines. The rate it is given is scaled so that these lines, each on its own and without
# the silence around it as in a clip, are spoken at the rate asked for.
_CALIBRATION = (
    "Fijn dat je er bent.",
    "Neem deze paar minuten voor jezelf.",
    "Laat je schouders een beetje zakken.",
    "Adem rustig in door je neus, en nog rustiger uit.",
    "Breng je aandacht naar je kindje.",
    "Open je ogen als je er klaar voor bent.",
)
_CALIBRATION_RATE = 135

_SynthCallback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)


class _Espeak:
    """The process-wide espeak-ng library. It keeps global state, so one synthesis at a time."""

    def __init__(self):
        try:
            import espeakng_loader

            self.lib = ctypes.CDLL(espeakng_loader.get_library_path())
            data_path = espeakng_loader.get_data_path().encode()
        except (ImportError, OSError) as exc:
            raise EngineError(
                f"espeak-ng could not be loaded ({exc}); reinstall with `pip install -e .`"
            ) from exc
        self.lib.espeak_Info.restype = ctypes.c_char_p
        self.version = self.lib.espeak_Info(None).decode()
        self.sample_rate = self.lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, data_path, 0)
        if self.sample_rate <= 0:
            raise EngineError("espeak-ng failed to start; reinstall espeakng-loader")
        self._chunks: list[bytes] = []
        self._callback = _SynthCallback(self._collect)  # kept alive as long as the library
        self.lib.espeak_SetSynthCallback(self._callback)
        self.lock = threading.Lock()
        self._speed: dict[str, float] = {}  # per voice: words a minute spoken per rate unit

    def rate_for(self, voice: str, wpm: int) -> int:
        """The espeak rate that speaks `wpm` words a minute in `voice`."""
        if voice not in self._speed:
            words = sum(len(line.split()) for line in _CALIBRATION)
            seconds = sum(
                trim_silence(
                    np.frombuffer(self.synthesize(line, voice, _CALIBRATION_RATE), np.int16),
                    self.sample_rate,
                ).size
                for line in _CALIBRATION
            ) / self.sample_rate
            self._speed[voice] = 60 * words / seconds / _CALIBRATION_RATE
        return max(80, min(450, round(wpm / self._speed[voice])))  # espeak's own range

    def _collect(self, wav, count, _events) -> int:
        if count > 0:
            self._chunks.append(ctypes.string_at(wav, count * 2))
        return 0

    def synthesize(self, text: str, voice: str, wpm: int) -> bytes:
        with self.lock:
            if self.lib.espeak_SetVoiceByName(voice.encode()) != 0:
                raise EngineError(
                    f'espeak-ng has no voice {voice!r}; set [voice] espeak_voice = "nl"'
                )
            self.lib.espeak_SetParameter(_ESPEAK_RATE, wpm, 0)
            self._chunks = []
            encoded = text.encode("utf-8")
            status = self.lib.espeak_Synth(
                encoded, len(encoded) + 1, 0, 0, 0, _ESPEAK_CHARS_UTF8, None, None
            )
            self.lib.espeak_Synchronize()
            if status != 0:
                raise EngineError(f"espeak-ng failed with status {status}")
            return b"".join(self._chunks)


_instance: _Espeak | None = None
_instance_lock = threading.Lock()


def _library() -> _Espeak:
    global _instance
    with _instance_lock:
        if _instance is None:
            _instance = _Espeak()
        return _instance


class EspeakEngine:
    name = "espeak"
    # Function statics in espeak-ng's wave generator (Flutter_ix and others) carry over from
    # one utterance to the next, and neither espeak_Terminate nor espeak_Initialize resets
    # them: a line's samples depend on the lines voiced before it in this process. One at a
    # time in a fixed order, the same input gives the same samples (and it held a lock anyway).
    concurrent = False
    description = (
        "espeak-ng, offline, from pip. Robotic: meant for previews and timing checks, "
        "never for listeners."
    )

    def __init__(self, voice: VoiceSettings):
        self.voice = voice

    def identity(self) -> dict[str, Any]:
        return {
            "engine": self.name,
            "espeak": _library().version,
            "voice": self.voice.espeak_voice,
            "wpm": self.voice.espeak_wpm,
            "wpm_as_spoken": True,  # scaled to Dutch (before: espeak's own rate, 20% faster)
        }

    def line_identity(self, text: str) -> dict[str, Any]:
        return self.identity()

    def synthesize(self, text: str) -> SpeechAudio:
        library = _library()
        voice = self.voice.espeak_voice
        pcm = library.synthesize(text, voice, library.rate_for(voice, self.voice.espeak_wpm))
        if not pcm:
            raise EngineError("espeak-ng produced no audio for this line")
        return SpeechAudio((pcm,), ("-f", "s16le", "-ar", str(library.sample_rate), "-ac", "1"))

    def probe(self) -> None:
        self.synthesize("Hallo.")
