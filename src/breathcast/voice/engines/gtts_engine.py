"""Google Translate's voice through gTTS (needs the network)."""

from __future__ import annotations

import email.utils
import os
import time
from typing import Any

import requests
from gtts import gTTS, gTTSError

from breathcast.core import EngineError, VoiceSettings
from breathcast.voice.engines import SpeechAudio

# Points gTTS at another host with the same wire format, e.g. the local fake in the tests.
ENDPOINT_ENV = "BREATHCAST_GTTS_ENDPOINT"
PROBE_TIMEOUT_S = 5.0


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
    concurrent = True  # network calls: several at once
    description = (
        "Google Translate's Dutch voice: natural and calm. Needs the internet. "
        "Use it for the final audio."
    )

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

    def _fetch(self, text: str, timeout: float | None = None) -> tuple[bytes, ...]:
        tts = _RoutedGTTS(
            text,
            lang=self.voice.lang,
            tld=self.voice.gtts_tld,
            slow=self.voice.gtts_slow,
            lang_check=False,
            timeout=timeout or self.voice.gtts_timeout_s,
            endpoint=self.endpoint,
        )
        return tuple(tts.stream())  # one MP3 per request; gTTS splits text at ~100 characters

    def line_identity(self, text: str) -> dict[str, Any]:
        return self.identity()

    def synthesize(self, text: str) -> SpeechAudio:
        advice = "check the connection, or use --engine espeak for an offline preview"
        try:
            pieces = self._fetch(text)
        except gTTSError as exc:
            status = exc.rsp.status_code if exc.rsp is not None else None
            raise EngineError(
                f"gTTS could not voice the line ({exc}); {advice}",
                retryable=status is None or status == 429 or status >= 500,
                retry_after=_retry_after(exc.rsp),
            ) from exc
        except requests.RequestException as exc:  # the connection dropped mid-answer
            raise EngineError(
                f"gTTS lost the connection ({exc}); {advice}", retryable=True
            ) from exc
        if not any(pieces):
            raise EngineError("gTTS answered without audio; try again later", retryable=True)
        return SpeechAudio(pieces, ("-f", "mp3"))

    def probe(self) -> None:
        """One short request, with a short timeout: is Google answering right now?"""
        try:
            self._fetch("Hallo.", min(self.voice.gtts_timeout_s, PROBE_TIMEOUT_S))
        except (gTTSError, requests.RequestException) as exc:
            raise EngineError(f"gTTS is not reachable ({exc})") from exc


def _retry_after(response) -> float | None:
    """Seconds from a Retry-After header: a number, or an HTTP date."""
    value = response.headers.get("Retry-After") if response is not None else None
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(0.0, when.timestamp() - time.time())
