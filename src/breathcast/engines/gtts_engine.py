"""Google Translate's voice through gTTS (needs the network)."""

from __future__ import annotations

import os
from typing import Any

from gtts import gTTS, gTTSError

from breathcast.config import VoiceSettings
from breathcast.engines import SpeechAudio
from breathcast.errors import EngineError

# Points gTTS at another host with the same wire format, e.g. the local fake in the tests.
ENDPOINT_ENV = "BREATHCAST_GTTS_ENDPOINT"


class _RoutedGTTS(gTTS):
    """gTTS with its request URL swapped; tokenizing, packing and parsing stay gTTS's own."""

    def __init__(self, *args, endpoint: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._endpoint = endpoint

    def _prepare_requests(self):
        prepared = super()._prepare_requests()
        if self._endpoint:
            for request in prepared:
                request.prepare_url(self._endpoint, None)
        return prepared


class GTTSEngine:
    name = "gtts"

    def __init__(self, voice: VoiceSettings):
        self.voice = voice
        self.endpoint = os.environ.get(ENDPOINT_ENV) or None

    def identity(self) -> dict[str, Any]:
        return {
            "engine": self.name,
            "lang": self.voice.lang,
            "tld": self.voice.gtts_tld,
            "slow": self.voice.gtts_slow,
        }

    def _fetch(self, text: str) -> bytes:
        tts = _RoutedGTTS(
            text,
            lang=self.voice.lang,
            tld=self.voice.gtts_tld,
            slow=self.voice.gtts_slow,
            lang_check=False,
            timeout=self.voice.gtts_timeout_s,
            endpoint=self.endpoint,
        )
        # Long lines come back as several MP3 pieces, frame-aligned; joined they decode as one.
        return b"".join(tts.stream())

    def synthesize(self, text: str) -> SpeechAudio:
        try:
            data = self._fetch(text)
        except gTTSError as exc:
            raise EngineError(
                f"gTTS could not voice the line ({exc}); check the connection, "
                "or use --engine espeak for an offline preview"
            ) from exc
        if not data:
            raise EngineError("gTTS answered without audio; try again later or use --engine espeak")
        return SpeechAudio(data, ("-f", "mp3"))

    def probe(self) -> None:
        try:
            self._fetch("Hallo.")
        except gTTSError as exc:
            raise EngineError(str(exc)) from exc
